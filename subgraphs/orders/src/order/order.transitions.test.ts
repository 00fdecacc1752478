import { canMove } from './order.transitions';
import { OrderStatus } from './order.type';

const { PENDING_PAYMENT, PAID, FULFILLED, CANCELLED, PAYMENT_FAILED, REFUNDED } = OrderStatus;
const allowed: [OrderStatus, OrderStatus][] = [
  [PENDING_PAYMENT, PAID],
  [PENDING_PAYMENT, PAYMENT_FAILED],
  [PENDING_PAYMENT, CANCELLED],
  [PAYMENT_FAILED, PAID],
  [PAYMENT_FAILED, CANCELLED],
  [PAID, FULFILLED],
  [PAID, REFUNDED],
  [FULFILLED, REFUNDED],
];

it('allows exactly the moves of the saga', () => {
  const all = Object.values(OrderStatus);
  const moves = all.flatMap((from) => all.filter((to) => canMove(from, to)).map((to) => [from, to]));
  expect(moves.sort()).toEqual([...allowed].sort());
});

it.each([
  [PAID, PAID],
  [CANCELLED, PAID],
  [REFUNDED, PAID],
  [FULFILLED, PAID],
  [PAID, CANCELLED],
  [PENDING_PAYMENT, FULFILLED],
  [PENDING_PAYMENT, REFUNDED],
])('refuses %s → %s', (from, to) => expect(canMove(from, to)).toBe(false));

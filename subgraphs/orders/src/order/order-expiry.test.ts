import { Events, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, outboxOf, until, uuidOf } from '@marketplace/kit/testing';
import { customer, paid, paymentOf, placeOrder, startOrders, statusOf } from '../testing';
import { OrderService } from './order.service';
import { OrderTransitions } from './order.transitions';

let orders: TestSubgraph;
let service: OrderService;
beforeAll(async () => {
  orders = await startOrders({ ORDER_PAYMENT_TIMEOUT_MINUTES: '30', ORDER_EXPIRY_CHECK_SECONDS: '1' });
  const { deps } = orders.subgraph;
  service = new OrderService(deps.db, new OrderTransitions(deps), { paymentTimeoutMinutes: 30 }, deps.log);
});
afterAll(() => orders.close());

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);
const unpaid = () =>
  queryRows<{ id: string }>(
    orders.subgraph.deps.db,
    `SELECT id FROM orders WHERE status IN ('PENDING_PAYMENT', 'PAYMENT_FAILED')`,
  );

describe('expireUnpaid', () => {
  it('cancels unpaid orders older than the timeout, with reason PAYMENT_TIMEOUT, and leaves the rest', async () => {
    const token = customer();
    const pending = (await placeOrder(orders, token)).order;
    const failed = (await placeOrder(orders, token)).order;
    await deliverEvent(orders, Events.PaymentFailed, { ...paymentOf(failed), reason: 'card_declined' });
    const paidOrder = (await placeOrder(orders, token)).order;
    await paid(orders, paidOrder);

    expect(await service.expireUnpaid(minutesFromNow(29))).toBe(0);
    expect(await service.expireUnpaid(minutesFromNow(31))).toBeGreaterThanOrEqual(2);

    expect(await statusOf(orders, pending.id)).toBe('CANCELLED');
    expect(await statusOf(orders, failed.id)).toBe('CANCELLED');
    expect(await statusOf(orders, paidOrder.id)).toBe('PAID');
    const [, cancelled] = await outboxOf(orders, uuidOf(pending.id));
    expect(cancelled).toMatchObject({
      type: 'order.cancelled',
      payload: { orderId: uuidOf(pending.id), reason: 'PAYMENT_TIMEOUT' },
    });
    const [history] = await queryRows(
      orders.subgraph.deps.db,
      `SELECT from_status, reason FROM order_status_history WHERE order_id = $1 AND to_status = 'CANCELLED'`,
      [uuidOf(failed.id)],
    );
    expect(history).toEqual({ from_status: 'PAYMENT_FAILED', reason: 'PAYMENT_TIMEOUT' });
    expect(await service.expireUnpaid(minutesFromNow(31))).toBe(0);
  });

  it('run by several replicas at once, cancels each order once, in batches', async () => {
    const token = customer();
    for (let i = 0; i < 60; i += 1) await placeOrder(orders, token);
    const now = minutesFromNow(45);
    const counts = await Promise.all([service.expireUnpaid(now), service.expireUnpaid(now), service.expireUnpaid(now)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(60);
    expect(await unpaid()).toEqual([]);
    const [{ doubled }] = await queryRows(
      orders.subgraph.deps.db,
      `SELECT count(*)::int AS doubled FROM (SELECT order_id FROM order_status_history WHERE to_status = 'CANCELLED' GROUP BY order_id HAVING count(*) > 1) d`,
    );
    expect(doubled).toBe(0);
  });
});

describe('the expiry timer', () => {
  it('runs every ORDER_EXPIRY_CHECK_SECONDS and cancels an order past the timeout', async () => {
    const { order } = await placeOrder(orders, customer());
    await orders.subgraph.deps.db.query(
      `UPDATE orders SET created_at = created_at - interval '31 minutes' WHERE id = $1`,
      [uuidOf(order.id)],
    );
    await until(
      async () => ((await statusOf(orders, order.id)) === 'CANCELLED' ? true : undefined),
      'the timer to expire the order',
      10_000,
    );
  });
});

import { registerEnumType } from 'type-graphql';

/** Where an order is in the checkout saga (ARCHITECTURE §4). */
export enum OrderStatus {
  PENDING_PAYMENT = 'PENDING_PAYMENT',
  PAID = 'PAID',
  FULFILLED = 'FULFILLED',
  CANCELLED = 'CANCELLED',
  PAYMENT_FAILED = 'PAYMENT_FAILED',
  REFUNDED = 'REFUNDED',
}

registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description:
    'Where an order is: awaiting payment, paid, fulfilled with licenses, cancelled, failed to pay, or refunded.',
  valuesConfig: {
    PENDING_PAYMENT: { description: 'Created at checkout; waiting for the payment.' },
    PAID: { description: 'The payment succeeded; licenses are being issued.' },
    FULFILLED: { description: 'Every line has its license.' },
    CANCELLED: { description: 'Cancelled before it was paid, by the customer or because payment took too long.' },
    PAYMENT_FAILED: { description: 'The last payment attempt failed; the customer may try again.' },
    REFUNDED: { description: 'The payment was given back.' },
  },
});

/**
 * The only moves an order can make. PAYMENT_FAILED → PAID because a customer may retry the
 * card on the same payment intent; CANCELLED is only for unpaid orders (a paid one is refunded).
 */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING_PAYMENT: [OrderStatus.PAID, OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELLED],
  PAYMENT_FAILED: [OrderStatus.PAID, OrderStatus.CANCELLED],
  PAID: [OrderStatus.FULFILLED, OrderStatus.REFUNDED],
  FULFILLED: [OrderStatus.REFUNDED],
  CANCELLED: [],
  REFUNDED: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/** Statuses in which nothing has been paid yet: the customer may cancel, the expiry job may. */
export const UNPAID: readonly OrderStatus[] = [OrderStatus.PENDING_PAYMENT, OrderStatus.PAYMENT_FAILED];

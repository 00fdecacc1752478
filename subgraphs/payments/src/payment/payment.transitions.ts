import { PaymentStatus } from './payment.type';

/**
 * Webhook events arrive late, twice or out of order, so a status only ever moves forward.
 * FAILED ranks below SUCCEEDED because a customer may retry a card on the same intent;
 * nothing leaves REFUNDED.
 */
const RANK: Record<PaymentStatus, number> = {
  REQUIRES_PAYMENT: 0,
  PROCESSING: 1,
  FAILED: 2,
  SUCCEEDED: 3,
  REFUNDED: 4,
};

export function movesForward(from: PaymentStatus, to: PaymentStatus): boolean {
  return RANK[to] > RANK[from];
}

/** Money was received at some point: the order may no longer get a new intent. */
export function isPaid(status: PaymentStatus): boolean {
  return status === PaymentStatus.SUCCEEDED || status === PaymentStatus.REFUNDED;
}

import { AppError, ErrorReason, FieldError, conflict } from '@marketplace/kit';

/** The `extensions.reason` values payments raises with CONFLICT (kit/src/contracts/error-reasons.ts describes them). */
export type PaymentConflictReason = Extract<
  ErrorReason,
  'ALREADY_PAID' | 'ALREADY_REFUNDED' | 'LINE_ALREADY_REFUNDED' | 'NOT_PAID' | 'ORDER_CANCELLED' | 'PAYMENT_DISPUTED'
>;

export const paymentConflict = (message: string, reason: PaymentConflictReason, fields?: FieldError[]): AppError =>
  conflict(message, reason, fields);

/** order.created travels through the broker: a brand-new order may not have reached payments yet. */
export const orderNotHeardOf = () =>
  new AppError(
    'NOT_FOUND',
    'Order not found: payments has not heard of this order (a new order takes a moment to reach payments; try again shortly)',
  );

export const NO_INTENT_YET = 'No payment intent for this order yet: call createPaymentIntent first';

import type { ProviderKind } from '../payment/payment.type';

/** Ties a provider object back to our payment (Stripe metadata; webhooks find the payment by it). */
export interface PaymentMetadata {
  paymentId: string;
  orderId: string;
}

export interface IntentRequest {
  amount: number;
  /** ISO 4217, upper case as the marketplace writes it. */
  currency: string;
  metadata: PaymentMetadata;
  /** Same key → same intent, so a retried call never charges twice. */
  idempotencyKey: string;
}

export interface CreatedIntent {
  id: string;
  clientSecret: string;
}

export interface RefundRequest {
  paymentIntentId: string;
  /** What goes back (the refund's lines), at most what is left of the payment. */
  amount: number;
  currency: string;
  /** The whole payment's amount (the charge's, which a provider's events state beside what was refunded). */
  paymentAmount: number;
  /** What earlier refunds of the payment gave back, as payments recorded them (Stripe keeps its own count). */
  refundedBefore: number;
  metadata: PaymentMetadata & { refundId: string };
  reason: string;
  idempotencyKey: string;
}

/**
 * What payments needs from whoever moves the money. Outcomes never come back from these
 * calls: they arrive as signed webhook events, whichever provider it is.
 */
export interface PaymentProvider {
  readonly kind: ProviderKind;
  createIntent(request: IntentRequest): Promise<CreatedIntent>;
  refund(request: RefundRequest): Promise<{ id: string }>;
}

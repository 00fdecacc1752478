import type { StripeEventShape } from './stripe-event';

/** What one Stripe event means for a payment, whatever object it came on. */
export type WebhookChange =
  | { kind: 'processing' | 'succeeded'; intentId: string; paymentId?: string }
  | { kind: 'failed' | 'refunded' | 'disputed'; intentId: string; paymentId?: string; reason: string | null };

type StripeObject = Record<string, unknown>;

const isStripeObject = (value: unknown): value is StripeObject => typeof value === 'object' && value !== null;
const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The payment intent id a charge or dispute points at (a string, or the object when expanded). */
const intentOf = (object: StripeObject): string | undefined => {
  const value = object.payment_intent;
  return typeof value === 'string' ? value : isStripeObject(value) ? stringOf(value.id) : undefined;
};

const paymentIdOf = (object: StripeObject): string | undefined =>
  isStripeObject(object.metadata) ? stringOf(object.metadata.paymentId) : undefined;

const failureOf = (object: StripeObject): string | null =>
  isStripeObject(object.last_payment_error) ? (stringOf(object.last_payment_error.message) ?? null) : null;

/** Null for event types payments does not act on (and for partial refunds, which it never asks for). */
export function changeOf(event: Pick<StripeEventShape, 'type' | 'data'>): WebhookChange | null {
  const object = event.data.object;
  // A payment intent event carries the intent itself; a charge or a dispute points at it.
  const intentId = event.type.startsWith('payment_intent.') ? stringOf(object.id) : intentOf(object);
  if (!intentId) return null;
  switch (event.type) {
    case 'payment_intent.processing':
      return { kind: 'processing', intentId, paymentId: paymentIdOf(object) };
    case 'payment_intent.succeeded':
      return { kind: 'succeeded', intentId, paymentId: paymentIdOf(object) };
    case 'payment_intent.payment_failed':
      return { kind: 'failed', intentId, paymentId: paymentIdOf(object), reason: failureOf(object) };
    case 'charge.refunded':
      return object.refunded === true
        ? { kind: 'refunded', intentId, paymentId: paymentIdOf(object), reason: null }
        : null;
    case 'charge.dispute.created':
      // A dispute's metadata is the dispute's own: only its intent leads to the payment.
      return { kind: 'disputed', intentId, reason: stringOf(object.reason) ?? null };
    default:
      return null;
  }
}

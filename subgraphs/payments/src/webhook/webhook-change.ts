import type { StripeEventShape } from './stripe-event';

/** What one Stripe event means for a payment, whatever object it came on. */
export type WebhookChange =
  | { kind: 'processing' | 'succeeded'; intentId: string; paymentId?: string }
  | { kind: 'failed' | 'refunded' | 'disputed'; intentId: string; paymentId?: string; reason: string | null };

type StripeObject = Record<string, any>;

/** The payment intent id a charge or dispute points at (a string, or the object when expanded). */
const intentOf = (object: StripeObject): string | undefined => {
  const value = object.payment_intent;
  return typeof value === 'string' ? value : typeof value?.id === 'string' ? value.id : undefined;
};

const paymentIdOf = (object: StripeObject): string | undefined =>
  typeof object.metadata?.paymentId === 'string' ? object.metadata.paymentId : undefined;

/** Null for event types payments does not act on (and for partial refunds, which it never asks for). */
export function changeOf(event: Pick<StripeEventShape, 'type' | 'data'>): WebhookChange | null {
  const object = event.data.object as StripeObject;
  switch (event.type) {
    case 'payment_intent.processing':
      return { kind: 'processing', intentId: object.id, paymentId: paymentIdOf(object) };
    case 'payment_intent.succeeded':
      return { kind: 'succeeded', intentId: object.id, paymentId: paymentIdOf(object) };
    case 'payment_intent.payment_failed':
      return {
        kind: 'failed',
        intentId: object.id,
        paymentId: paymentIdOf(object),
        reason: object.last_payment_error?.message ?? null,
      };
    case 'charge.refunded': {
      const intentId = intentOf(object);
      return intentId && object.refunded === true
        ? { kind: 'refunded', intentId, paymentId: paymentIdOf(object), reason: null }
        : null;
    }
    case 'charge.dispute.created': {
      const intentId = intentOf(object);
      // A dispute's metadata is the dispute's own: only its intent leads to the payment.
      return intentId
        ? { kind: 'disputed', intentId, reason: typeof object.reason === 'string' ? object.reason : null }
        : null;
    }
    default:
      return null;
  }
}

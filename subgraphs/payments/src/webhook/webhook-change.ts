import type { StripeEventShape } from './stripe-event';

/**
 * The money an event says moved, as Stripe states it: minor units and the ISO code in
 * capitals; null where the event does not say (which never matches a payment).
 */
export interface ReceivedMoney {
  amount: number | null;
  currency: string | null;
}

/** What one Stripe event means for a payment, whatever object it came on. */
export type WebhookChange =
  | { kind: 'processing'; intentId: string; paymentId?: string }
  | { kind: 'succeeded'; intentId: string; paymentId?: string; received: ReceivedMoney }
  /** `received`: everything refunded of the charge so far (cumulative, as Stripe states it). */
  | { kind: 'refunded'; intentId: string; paymentId?: string; received: ReceivedMoney }
  | { kind: 'failed'; intentId: string; paymentId?: string; reason: string | null };

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

const amountOf = (value: unknown): number | null =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
const currencyOf = (object: StripeObject): string | null =>
  typeof object.currency === 'string' ? object.currency.toUpperCase() : null;

/** A payment intent says what was received in `amount_received` (`amount` is what was asked). */
const receivedBy = (intent: StripeObject): ReceivedMoney => ({
  amount: amountOf(intent.amount_received) ?? amountOf(intent.amount),
  currency: currencyOf(intent),
});

/**
 * A charge says in `amount_refunded` everything refunded so far, partial refunds included
 * (a fully refunded charge without it: its `amount`).
 */
const refundedBy = (charge: StripeObject): ReceivedMoney => ({
  amount: amountOf(charge.amount_refunded) ?? (charge.refunded === true ? amountOf(charge.amount) : null),
  currency: currencyOf(charge),
});

const failureOf = (object: StripeObject): string | null =>
  isStripeObject(object.last_payment_error) ? (stringOf(object.last_payment_error.message) ?? null) : null;

/**
 * Why a verified event cannot be read, or null when it can: a signature proves who sent the
 * bytes, not that they carry an object (answered 400 rather than failing further in).
 */
export function malformationOf(event: unknown): string | null {
  if (!isStripeObject(event)) return 'the event is not a JSON object';
  if (typeof event.id !== 'string' || event.id === '') return 'the event has no id';
  if (typeof event.type !== 'string' || event.type === '') return 'the event has no type';
  if (!isStripeObject(event.data)) return 'the event has no data';
  if (!isStripeObject(event.data.object) || Array.isArray(event.data.object)) return 'the event has no data.object';
  return null;
}

/** Null for event types this path does not act on (disputes have their own: src/dispute). */
export function changeOf(event: Pick<StripeEventShape, 'type' | 'data'>): WebhookChange | null {
  const object = event.data.object;
  // A payment intent event carries the intent itself; a charge or a dispute points at it.
  const intentId = event.type.startsWith('payment_intent.') ? stringOf(object.id) : intentOf(object);
  if (!intentId) return null;
  switch (event.type) {
    case 'payment_intent.processing':
      return { kind: 'processing', intentId, paymentId: paymentIdOf(object) };
    case 'payment_intent.succeeded':
      return { kind: 'succeeded', intentId, paymentId: paymentIdOf(object), received: receivedBy(object) };
    case 'payment_intent.payment_failed':
      return { kind: 'failed', intentId, paymentId: paymentIdOf(object), reason: failureOf(object) };
    case 'charge.refunded':
      return { kind: 'refunded', intentId, paymentId: paymentIdOf(object), received: refundedBy(object) };
    default:
      return null;
  }
}

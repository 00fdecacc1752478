import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

/** The parts of a Stripe event this subgraph reads; what it builds for simulations has the same shape. */
export interface StripeEventShape {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  type: string;
  livemode: boolean;
  data: { object: Record<string, unknown> };
}

export interface IntentFacts {
  paymentIntentId: string;
  amount: number;
  currency: string;
  metadata: { paymentId: string; orderId: string };
}

export type SimulatedOutcome = 'succeeded' | 'failed';

/** The message a simulated card decline carries, as Stripe words it. */
export const SIMULATED_DECLINE = 'Your card was declined. (simulated)';

function event(
  type: string,
  object: Record<string, unknown>,
  id = `evt_local_${randomBytes(12).toString('hex')}`,
): StripeEventShape {
  return {
    id,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    data: { object },
  };
}

/** `payment_intent.succeeded` or `payment_intent.payment_failed`, as Stripe would send it. */
export function paymentIntentEvent(intent: IntentFacts, outcome: SimulatedOutcome): StripeEventShape {
  const object: Record<string, unknown> = {
    id: intent.paymentIntentId,
    object: 'payment_intent',
    amount: intent.amount,
    amount_received: outcome === 'succeeded' ? intent.amount : 0,
    currency: intent.currency.toLowerCase(),
    status: outcome === 'succeeded' ? 'succeeded' : 'requires_payment_method',
    metadata: { ...intent.metadata },
    livemode: false,
  };
  if (outcome === 'failed')
    object.last_payment_error = { type: 'card_error', code: 'card_declined', message: SIMULATED_DECLINE };
  return event(outcome === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.payment_failed', object);
}

/**
 * `charge.refunded` of the intent's charge of `amount`: `amountRefunded` is everything refunded
 * so far, as Stripe's charge states it (the whole charge when absent: a full refund).
 */
export function chargeRefundedEvent(
  facts: IntentFacts & { chargeId: string; eventId?: string; amountRefunded?: number },
): StripeEventShape {
  const refunded = facts.amountRefunded ?? facts.amount;
  return event(
    'charge.refunded',
    {
      id: facts.chargeId,
      object: 'charge',
      amount: facts.amount,
      amount_refunded: refunded,
      currency: facts.currency.toLowerCase(),
      payment_intent: facts.paymentIntentId,
      refunded: refunded === facts.amount,
      metadata: { ...facts.metadata },
      livemode: false,
    },
    facts.eventId,
  );
}

/** The body and `Stripe-Signature` header Stripe would send for `payload`. */
export async function signed(
  payload: StripeEventShape,
  secret: string,
  timestamp?: number,
): Promise<{ body: string; signature: string }> {
  const body = JSON.stringify(payload, null, 2);
  return { body, signature: await Stripe.webhooks.generateTestHeaderStringAsync({ payload: body, secret, timestamp }) };
}

/** Delivers a signed event like Stripe does; anything but 2xx is an error (Stripe would retry). */
export async function deliverSigned(url: string, payload: StripeEventShape, secret: string): Promise<void> {
  const { body, signature } = await signed(payload, secret);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });
  if (!response.ok)
    throw new Error(
      `webhook ${url} answered ${response.status} to ${payload.type} ${payload.id}: ${(await response.text()).slice(0, 200)}`,
    );
}

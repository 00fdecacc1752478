import Stripe from 'stripe';
import type { StripeApiBase } from '../config';
import { ProviderKind } from '../payment/payment.type';
import type { CreatedIntent, IntentRequest, PaymentProvider, RefundRequest } from './payment-provider';

/** Stripe through its official SDK; `apiBase` points it at a Stripe-compatible server (tests, stripe-mock). */
export class StripeProvider implements PaymentProvider {
  readonly kind = ProviderKind.STRIPE;
  private readonly stripe: Stripe;

  constructor(secretKey: string, apiBase?: StripeApiBase) {
    // Retries are safe: every call carries an idempotency key.
    this.stripe = new Stripe(secretKey, { maxNetworkRetries: 2, timeout: 20_000, ...apiBase });
  }

  async createIntent({ amount, currency, metadata, idempotencyKey }: IntentRequest): Promise<CreatedIntent> {
    const intent = await this.stripe.paymentIntents.create(
      {
        amount,
        currency: currency.toLowerCase(),
        metadata: { ...metadata },
        automatic_payment_methods: { enabled: true },
      },
      { idempotencyKey },
    );
    if (!intent.client_secret) throw new Error(`Stripe returned payment intent ${intent.id} without a client secret`);
    return { id: intent.id, clientSecret: intent.client_secret };
  }

  async refund({ paymentIntentId, amount, metadata, reason, idempotencyKey }: RefundRequest): Promise<{ id: string }> {
    // Stripe's own `reason` is an enum; ours is free text and travels in metadata.
    const refund = await this.stripe.refunds.create(
      {
        payment_intent: paymentIntentId,
        amount,
        reason: 'requested_by_customer',
        metadata: { ...metadata, reason: reason.slice(0, 500) },
      },
      { idempotencyKey },
    );
    return { id: refund.id };
  }
}

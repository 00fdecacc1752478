import { createHash, randomBytes } from 'node:crypto';
import { ProviderKind } from '../payment/payment.type';
import { chargeRefundedEvent, deliverSigned } from '../webhook/stripe-event';
import type { CreatedIntent, IntentRequest, PaymentProvider, RefundRequest } from './payment-provider';

const token = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * Development without Stripe keys: intents are invented here, and a refund comes back the
 * way Stripe's would, as a signed `charge.refunded` delivered to the webhook endpoint, so
 * the webhook path is the one exercised. Idempotency keys behave as Stripe's do.
 */
export class LocalProvider implements PaymentProvider {
  readonly kind = ProviderKind.LOCAL;
  private readonly intents = new Map<string, CreatedIntent>();

  constructor(private readonly webhook: { url(): string; secret: string }) {}

  async createIntent({ idempotencyKey }: IntentRequest): Promise<CreatedIntent> {
    let intent = this.intents.get(idempotencyKey);
    if (!intent) {
      const id = `pi_local_${token(12)}`;
      intent = { id, clientSecret: `${id}_secret_${token(12)}` };
      this.intents.set(idempotencyKey, intent);
    }
    return intent;
  }

  async refund(request: RefundRequest): Promise<{ id: string }> {
    // Derived from the key, so a repeated refund is the same Stripe event: applied once.
    const suffix = createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 24);
    const event = chargeRefundedEvent({
      ...request,
      chargeId: `ch_local_${suffix}`,
      eventId: `evt_local_refund_${suffix}`,
    });
    await deliverSigned(this.webhook.url(), event, this.webhook.secret);
    return { id: `re_local_${suffix}` };
  }
}

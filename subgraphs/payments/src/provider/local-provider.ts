import { createHash, randomBytes } from 'node:crypto';
import { ProviderKind } from '../payment/payment.type';
import { StripeEventShape, chargeRefundedEvent, deliverSigned } from '../webhook/stripe-event';
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
  /** Per intent, what its refunds gave back so far (Stripe's charge `amount_refunded`), and per key the event sent. */
  private readonly refunded = new Map<string, number>();
  private readonly refundEvents = new Map<string, StripeEventShape>();

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
    let event = this.refundEvents.get(request.idempotencyKey);
    if (!event) {
      // As Stripe's charge says after this refund: everything refunded so far, and the charge's amount. A
      // process started since the earlier refunds (npm start again) counts from what payments recorded.
      const before = Math.max(this.refunded.get(request.paymentIntentId) ?? 0, request.refundedBefore);
      const total = before + request.amount;
      this.refunded.set(request.paymentIntentId, total);
      event = chargeRefundedEvent({
        ...request,
        amount: request.paymentAmount,
        amountRefunded: total,
        chargeId: `ch_local_${request.paymentIntentId}`,
        eventId: `evt_local_refund_${suffix}`,
      });
      this.refundEvents.set(request.idempotencyKey, event);
    }
    try {
      await deliverSigned(this.webhook.url(), event, this.webhook.secret);
    } catch (error) {
      // Not applied: as a refund Stripe refused, it counts for nothing.
      if (this.refundEvents.delete(request.idempotencyKey))
        this.refunded.set(request.paymentIntentId, this.refunded.get(request.paymentIntentId)! - request.amount);
      throw error;
    }
    return { id: `re_local_${suffix}` };
  }
}

import { EventDefinition, Events, Logger, Outbox, isUuid, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrderReplicaService } from '../order/order-replica.service';
import { outcomePayload } from '../payment/payment.events';
import type { PaymentService } from '../payment/payment.service';
import { movesForward } from '../payment/payment.transitions';
import { Payment, PaymentStatus } from '../payment/payment.type';
import type { RefundService } from '../payment/refund.service';
import type { StripeEventShape } from './stripe-event';
import { WebhookChange, changeOf } from './webhook-change';

export type WebhookOutcome = 'applied' | 'unchanged' | 'duplicate' | 'ignored';

/** No payment matches the event: answered 404 so Stripe delivers it again later. */
export class UnknownPayment extends Error {}

/**
 * Applies verified Stripe events. Each event id is applied once (its row in stripe_events
 * commits with the change), and a status only moves forward, so duplicates, retries and
 * any arrival order leave the same result.
 */
export class WebhookService {
  constructor(
    private readonly db: DataSource,
    private readonly payments: PaymentService,
    private readonly orders: OrderReplicaService,
    private readonly refunds: RefundService,
    private readonly outbox: Outbox,
  ) {}

  async handle(
    event: Pick<StripeEventShape, 'id' | 'type' | 'data'>,
    correlationId: string,
    log: Logger,
  ): Promise<WebhookOutcome> {
    const change = changeOf(event);
    if (!change) return 'ignored';
    return this.db.transaction(async (manager) => {
      const fresh = await queryRows(
        manager,
        `INSERT INTO stripe_events (id, type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [event.id, event.type],
      );
      if (fresh.length === 0) return 'duplicate';
      const payment = await this.locate(manager, change);
      if (!payment)
        throw new UnknownPayment(`No payment for ${event.type} ${event.id} (payment intent ${change.intentId})`);
      await manager.query(`UPDATE stripe_events SET payment_id = $2 WHERE id = $1`, [event.id, payment.id]);
      const applied = await this.apply(manager, payment, change, { correlationId, log });
      log.info(
        { eventId: event.id, type: event.type, paymentId: payment.id, from: payment.status, applied },
        'stripe event handled',
      );
      return applied ? 'applied' : 'unchanged';
    });
  }

  /** By our id in the intent's metadata first (when it agrees with the intent), else by the intent id. */
  private async locate(manager: EntityManager, change: WebhookChange): Promise<Payment | null> {
    if (change.paymentId && isUuid(change.paymentId)) {
      const payment = await this.payments.find(manager, change.paymentId, true);
      if (payment && (payment.providerRef === null || payment.providerRef === change.intentId)) return payment;
    }
    return this.payments.findByProviderRef(manager, change.intentId);
  }

  private async apply(
    manager: EntityManager,
    payment: Payment,
    change: WebhookChange,
    meta: { correlationId: string; log: Logger },
  ): Promise<boolean> {
    const record = <T>(definition: EventDefinition<T>, payload: T) =>
      this.outbox.record(manager, definition, payload, { aggregateId: payment.id, correlationId: meta.correlationId });
    const base = outcomePayload(payment, change.intentId);
    const setStatus = (status: PaymentStatus, extra = '', parameters: unknown[] = []) =>
      manager.query(`UPDATE payments SET status = $2${extra}, updated_at = now() WHERE id = $1`, [
        payment.id,
        status,
        ...parameters,
      ]);

    switch (change.kind) {
      case 'processing':
        if (!movesForward(payment.status, PaymentStatus.PROCESSING)) return false;
        await setStatus(PaymentStatus.PROCESSING);
        return true;
      case 'succeeded':
        if (!movesForward(payment.status, PaymentStatus.SUCCEEDED)) return false;
        await setStatus(PaymentStatus.SUCCEEDED, ', failure_reason = NULL');
        await record(Events.PaymentSucceeded, base);
        if ((await this.orders.find(manager, payment.orderId))?.status === 'CANCELLED') {
          await this.refunds.requestAutomatic(
            manager,
            { ...payment, providerRef: payment.providerRef ?? change.intentId } as Payment,
            meta.log,
          );
        }
        return true;
      case 'failed': {
        if (!movesForward(payment.status, PaymentStatus.FAILED)) return false;
        const reason = change.reason ?? 'The payment failed';
        await setStatus(PaymentStatus.FAILED, ', failure_reason = $3', [reason]);
        await record(Events.PaymentFailed, { ...base, reason });
        return true;
      }
      case 'refunded':
        if (!movesForward(payment.status, PaymentStatus.REFUNDED)) return false;
        // The refund overtook the success: the others must still hear of the money first.
        if (payment.status !== PaymentStatus.SUCCEEDED) await record(Events.PaymentSucceeded, base);
        await setStatus(PaymentStatus.REFUNDED, ', failure_reason = NULL, refunded_at = now()');
        await record(Events.PaymentRefunded, {
          ...base,
          reason: payment.refundReason ?? 'Refunded at the payment provider',
        });
        return true;
      case 'disputed':
        if (payment.disputed) return false;
        await manager.query(`UPDATE payments SET disputed = true, updated_at = now() WHERE id = $1`, [payment.id]);
        await record(Events.PaymentDisputed, { ...base, reason: change.reason ?? 'disputed' });
        return true;
    }
  }
}

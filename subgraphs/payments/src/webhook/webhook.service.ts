import {
  EventDefinition,
  Events,
  Logger,
  Outbox,
  SUBGRAPH_ATTRIBUTE,
  inStoredTrace,
  isUuid,
  queryRows,
} from '@marketplace/kit';
import type { Counter } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrderReplicaService } from '../order/order-replica.service';
import { outcomePayload } from '../payment/payment.events';
import { recordWebhookReceived } from '../payment/payment.timeline-events';
import type { PaymentService } from '../payment/payment.service';
import { movesForward } from '../payment/payment.transitions';
import { Payment, PaymentStatus } from '../payment/payment.type';
import type { RefundPlan, RefundSettlement } from '../payment/refund-settlement.service';
import type { RefundService } from '../payment/refund.service';
import type { StripeEventShape } from './stripe-event';
import { ReceivedMoney, WebhookChange, changeOf } from './webhook-change';

/** `mismatch`: the event's amount or currency is not the payment's; recorded, not applied. */
export type WebhookOutcome = 'applied' | 'unchanged' | 'duplicate' | 'ignored' | 'mismatch';

/** An event's money against the payment's, when they differ. */
interface Mismatch {
  paymentId: string;
  orderId: string;
  expected: { amount: number; currency: string };
  received: ReceivedMoney;
}

/** Name of the counter an alert on forged or mistaken amounts watches. */
export const AMOUNT_MISMATCH_METRIC = 'payments_amount_mismatch_total';

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
    private readonly settlement: RefundSettlement,
    private readonly outbox: Outbox,
    private readonly mismatches: Counter<'type'>,
  ) {}

  /**
   * Handles the event in a span of the checkout's trace: its parent is the request that
   * created the payment (kept on the row), and it links to Stripe's request that brought it.
   */
  async handle(
    event: Pick<StripeEventShape, 'id' | 'type' | 'data'>,
    correlationId: string,
    log: Logger,
  ): Promise<WebhookOutcome> {
    const change = changeOf(event);
    if (!change) return 'ignored';
    const origin = await this.payments.traceContextOf(this.db.manager, change);
    return inStoredTrace(
      `stripe webhook ${event.type}`,
      origin,
      { [SUBGRAPH_ATTRIBUTE]: 'payments', 'stripe.event.id': event.id, 'stripe.event.type': event.type },
      () => this.applyEvent(event, change, correlationId, log),
    );
  }

  private async applyEvent(
    event: Pick<StripeEventShape, 'id' | 'type' | 'data'>,
    change: WebhookChange,
    correlationId: string,
    log: Logger,
  ): Promise<WebhookOutcome> {
    let mismatch: Mismatch | null = null;
    const outcome = await this.db.transaction(async (manager): Promise<WebhookOutcome> => {
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
      await recordWebhookReceived(manager, this.outbox, event, payment, correlationId);
      const plan =
        change.kind === 'refunded' ? await this.settlement.plan(manager, payment, change.received.amount ?? 0) : null;
      mismatch = mismatchOf(payment, change, plan);
      if (mismatch) {
        await recordMismatch(manager, event, mismatch);
        return 'mismatch';
      }
      if (change.kind === 'refunded') {
        if (plan?.kind !== 'apply') return 'unchanged';
        await this.settlement.apply(manager, payment, plan.mapping, { intentId: change.intentId, correlationId });
        log.info(
          { eventId: event.id, type: event.type, paymentId: payment.id, refunded: plan.delta },
          'stripe refund event handled',
        );
        return 'applied';
      }
      const applied = await this.apply(manager, payment, change, { correlationId, log });
      log.info(
        { eventId: event.id, type: event.type, paymentId: payment.id, from: payment.status, applied },
        'stripe event handled',
      );
      return applied ? 'applied' : 'unchanged';
    });
    if (mismatch) {
      // Counted and logged once committed: a replay of the event is a duplicate and says nothing more.
      this.mismatches.inc({ type: event.type });
      log.error(
        { eventId: event.id, type: event.type, ...(mismatch as Mismatch) },
        'stripe event amount or currency differs from the payment; not applied',
      );
    }
    return outcome;
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
    change: Exclude<WebhookChange, { kind: 'refunded' }>,
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
    }
  }
}

/**
 * Null when the event moves no money, moves exactly the payment's amount in its currency, or
 * (a refund) says a cumulative amount refunded, in the payment's currency and at most its
 * amount, whose new part maps onto the payment's refunds and lines (or is nothing new).
 */
function mismatchOf(payment: Payment, change: WebhookChange, plan: RefundPlan | null): Mismatch | null {
  if (change.kind !== 'succeeded' && change.kind !== 'refunded') return null;
  const { received } = change;
  if (received.currency === payment.currency && received.amount !== null) {
    if (change.kind === 'succeeded' && received.amount === payment.amountMinor) return null;
    if (change.kind === 'refunded' && received.amount <= payment.amountMinor && plan?.kind !== 'unmappable')
      return null;
  }
  return {
    paymentId: payment.id,
    orderId: payment.orderId,
    expected: { amount: payment.amountMinor, currency: payment.currency },
    received,
  };
}

async function recordMismatch(
  manager: EntityManager,
  event: Pick<StripeEventShape, 'id' | 'type'>,
  mismatch: Mismatch,
): Promise<void> {
  await manager.query(
    `INSERT INTO payment_amount_mismatches (stripe_event_id, event_type, payment_id, expected_amount, expected_currency, received_amount, received_currency)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      event.id,
      event.type,
      mismatch.paymentId,
      mismatch.expected.amount,
      mismatch.expected.currency,
      mismatch.received.amount,
      mismatch.received.currency,
    ],
  );
}

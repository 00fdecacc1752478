import {
  AuditOrigin,
  EventDefinition,
  Events,
  Logger,
  Outbox,
  defineLoader,
  disputeOutcomeOf,
  isClosedDispute,
  isUuid,
  queryRows,
  recordAudit,
  systemOrigin,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { outcomePayload } from '../payment/payment.events';
import type { OrderReplicaService } from '../order/order-replica.service';
import type { PaymentService } from '../payment/payment.service';
import type { Payment } from '../payment/payment.type';
import type { StripeEventShape } from '../webhook/stripe-event';
import type { WebhookOutcome } from '../webhook/webhook.service';
import { disputeStore } from './dispute.store';
import type { PaymentDispute } from './dispute.type';
import { DisputeFacts, disputeFactsOf } from './stripe-dispute';

/**
 * Stripe's charge.dispute.created/.updated/.closed drive `Payment.dispute`. Each event id has
 * one effect (its stripe_events row commits with it); the payment row is locked as refunds
 * lock it, so a refund and a dispute of one payment take turns. Out of order: a closed dispute
 * is final (a late `.updated` cannot reopen it) and an open state older (Stripe's `created`)
 * than the one held is ignored.
 */
export class DisputeService {
  constructor(
    private readonly db: DataSource,
    private readonly payments: PaymentService,
    private readonly outbox: Outbox,
    private readonly orders: OrderReplicaService,
  ) {}

  /** `Payment.dispute` of every payment in a response, one query per request tick. */
  readonly byPaymentId = defineLoader<string, PaymentDispute | null>(async (paymentIds) => {
    const disputes = await disputeStore.ofPayments(this.db, [...new Set(paymentIds.filter(isUuid))]);
    return paymentIds.map((id) => disputes.find((dispute) => dispute.paymentId === id) ?? null);
  });

  async handle(
    event: Pick<StripeEventShape, 'id' | 'type' | 'created' | 'data'>,
    correlationId: string,
    log: Logger,
  ): Promise<WebhookOutcome> {
    return this.db.transaction(async (manager): Promise<WebhookOutcome> => {
      const fresh = await queryRows(
        manager,
        `INSERT INTO stripe_events (id, type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [event.id, event.type],
      );
      if (fresh.length === 0) return 'duplicate';
      const facts = disputeFactsOf(event);
      if (typeof facts === 'string') {
        log.warn({ reason: facts }, 'dispute event not readable; recorded and ignored');
        return 'ignored';
      }
      // Locked FOR UPDATE, as refundOrder locks it.
      const payment = await this.payments.findByProviderRef(manager, facts.intentId);
      if (!payment) {
        // Not a charge of this marketplace (another integration on the account): recorded, never retried.
        log.warn({ intentId: facts.intentId, disputeId: facts.disputeId }, 'dispute of an unknown charge; ignored');
        return 'ignored';
      }
      await manager.query(`UPDATE stripe_events SET payment_id = $2 WHERE id = $1`, [event.id, payment.id]);
      const applied = await this.apply(manager, payment, facts, systemOrigin(correlationId), log);
      log.info(
        { paymentId: payment.id, disputeId: facts.disputeId, status: facts.status, applied },
        'stripe dispute event handled',
      );
      return applied ? 'applied' : 'unchanged';
    });
  }

  private async apply(
    manager: EntityManager,
    payment: Payment,
    facts: DisputeFacts,
    origin: AuditOrigin,
    log: Logger,
  ): Promise<boolean> {
    const closing = isClosedDispute(facts.status);
    const closedAt = closing ? facts.eventAt : null;
    const held = await disputeStore.locked(manager, payment.id);
    if (!held) {
      const dispute = await disputeStore.insert(manager, payment.id, facts, closedAt);
      await this.record(
        manager,
        Events.PaymentDisputed,
        payment,
        { ...outcomePayload(payment, facts.intentId), reason: facts.reason },
        origin,
      );
      await recordAudit(manager, this.outbox, origin, {
        action: 'DISPUTE_OPENED',
        targetType: 'Payment',
        targetId: payment.id,
        before: { disputed: payment.disputed, refunded: payment.refundRequestedAt !== null },
        after: { disputed: true, status: dispute.status, reason: dispute.reason, amount: facts.amount },
      });
      await this.announce(manager, payment, dispute, origin, null);
      return true;
    }
    if (held.stripeDisputeId !== facts.disputeId) {
      log.warn({ held: held.stripeDisputeId, disputeId: facts.disputeId }, 'second dispute for one payment; ignored');
      return false;
    }
    const stale = !closing && facts.eventAt < held.lastEventAt;
    const same =
      held.status === facts.status &&
      held.reason === facts.reason &&
      held.amountMinor === facts.amount &&
      (held.evidenceDueBy?.getTime() ?? null) === (facts.evidenceDueBy?.getTime() ?? null);
    if (held.closedAt || stale || same) {
      if (!held.closedAt && !stale) await disputeStore.touch(manager, payment.id, facts.eventAt);
      return false;
    }
    const dispute = await disputeStore.update(manager, payment.id, facts, closedAt);
    await this.announce(manager, payment, dispute, origin, held);
    return true;
  }

  /** payment.dispute_updated for every change; payment.dispute_closed and the audit record when it closes. */
  private async announce(
    manager: EntityManager,
    payment: Payment,
    dispute: PaymentDispute,
    origin: AuditOrigin,
    before: PaymentDispute | null,
  ): Promise<void> {
    const amount = { amount: dispute.amountMinor, currency: dispute.currency };
    // Money that came for a cancelled order was never credited: the vendor has nothing to show or debit.
    const orderCancelled = (await this.orders.find(manager, payment.orderId))?.status === 'CANCELLED';
    await this.record(
      manager,
      Events.PaymentDisputeUpdated,
      payment,
      {
        paymentId: payment.id,
        orderId: payment.orderId,
        disputeId: dispute.stripeDisputeId,
        status: dispute.status,
        reason: dispute.reason,
        amount,
        evidenceDueBy: dispute.evidenceDueBy?.toISOString() ?? null,
        openedAt: dispute.openedAt.toISOString(),
        closedAt: dispute.closedAt?.toISOString() ?? null,
        revision: dispute.revision,
        orderCancelled,
      },
      origin,
    );
    if (!dispute.closedAt) return;
    const outcome = disputeOutcomeOf(dispute.status);
    await this.record(
      manager,
      Events.PaymentDisputeClosed,
      payment,
      {
        paymentId: payment.id,
        orderId: payment.orderId,
        disputeId: dispute.stripeDisputeId,
        outcome,
        status: dispute.status,
        amount,
        closedAt: dispute.closedAt.toISOString(),
        orderCancelled,
      },
      origin,
    );
    await recordAudit(manager, this.outbox, origin, {
      action: 'DISPUTE_CLOSED',
      targetType: 'Payment',
      targetId: payment.id,
      before: { status: before?.status ?? null },
      after: { status: dispute.status, outcome, refunded: payment.refundRequestedAt !== null },
    });
  }

  private record<T>(
    manager: EntityManager,
    definition: EventDefinition<T>,
    payment: Payment,
    payload: T,
    origin: AuditOrigin,
  ): Promise<unknown> {
    return this.outbox.record(manager, definition, payload, {
      aggregateId: payment.id,
      correlationId: origin.requestId,
    });
  }
}

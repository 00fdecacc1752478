import { EventDefinition, Events, Outbox, queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import type { OrderReplicaService } from '../order/order-replica.service';
import { outcomePayload } from './payment.events';
import { Payment, PaymentStatus } from './payment.type';
import { RefundMapping, mapRefundedAmount } from './refund.rules';
import { LineState, OrderLine, refundStore } from './refund.store';
import { Refund, RefundStatus } from './refund.type';

/** The reason of a refund made at the provider, not asked through refundOrder. */
export const PROVIDER_REFUND_REASON = 'Refunded at the payment provider';

/** What the provider's cumulative refunded amount means for a payment. */
export type RefundPlan =
  { kind: 'stale' } | { kind: 'unmappable'; delta: number } | { kind: 'apply'; delta: number; mapping: RefundMapping };

const free = (lines: LineState[]): OrderLine[] =>
  lines.filter((line) => line.refundId === null).map(({ productId, amountMinor }) => ({ productId, amountMinor }));

/**
 * Turns confirmed refunds into the payment's refunded amount and the events the others act on:
 * payment.partially_refunded while lines remain paid, payment.refunded for the refund that
 * leaves nothing paid (REFUNDED only then). Runs in the caller's transaction, the payment row
 * locked (the webhook's and refundOrder's lock), so refunds of one payment take turns.
 */
export class RefundSettlement {
  constructor(
    private readonly outbox: Outbox,
    private readonly orders: OrderReplicaService,
  ) {}

  /** Maps `refundedTotal`, the provider's cumulative amount refunded, onto the payment's refunds and lines. */
  async plan(manager: EntityManager, payment: Payment, refundedTotal: number): Promise<RefundPlan> {
    const delta = refundedTotal - payment.refundedMinor;
    // An older event of the provider, overtaken by one that already said more went back.
    if (delta <= 0) return { kind: 'stale' };
    const lines = await refundStore.lineStates(manager, payment.orderId, payment.id);
    const pending = await refundStore.ofPayments(manager, [payment.id], RefundStatus.REQUESTED);
    const mapping = mapRefundedAmount(delta, pending, free(lines), payment.amountMinor - payment.refundedMinor);
    return mapping ? { kind: 'apply', delta, mapping } : { kind: 'unmappable', delta };
  }

  /** Applies a plan's mapping: confirms its REQUESTED refunds and records a refund made at the provider. */
  async apply(
    manager: EntityManager,
    payment: Payment,
    mapping: RefundMapping,
    meta: { intentId: string; correlationId: string },
  ): Promise<void> {
    const confirmed: Refund[] = [...mapping.confirms] as Refund[];
    if (mapping.provider)
      confirmed.push(
        await refundStore.insert(manager, {
          paymentId: payment.id,
          currency: payment.currency,
          reason: PROVIDER_REFUND_REASON,
          lines: mapping.provider.lines,
          amountMinor: mapping.provider.amountMinor,
        }),
      );
    await this.settle(manager, payment, confirmed, meta);
  }

  /** Marks `refunds` SUCCEEDED, in order, each announced on its own. */
  async settle(
    manager: EntityManager,
    payment: Payment,
    refunds: Refund[],
    meta: { intentId: string; correlationId: string },
  ): Promise<void> {
    const record = <T>(definition: EventDefinition<T>, payload: T) =>
      this.outbox.record(manager, definition, payload, { aggregateId: payment.id, correlationId: meta.correlationId });
    const base = outcomePayload(payment, meta.intentId);
    if (payment.status !== PaymentStatus.SUCCEEDED && payment.status !== PaymentStatus.REFUNDED) {
      // The refund overtook the success: the others must still hear of the money first.
      await record(Events.PaymentSucceeded, base);
      await manager.query(
        `UPDATE payments SET status = 'SUCCEEDED', failure_reason = NULL, updated_at = now() WHERE id = $1`,
        [payment.id],
      );
    }
    for (const refund of refunds) {
      await refundStore.succeeded(manager, refund.id);
      await manager.query(
        `UPDATE payments SET refunded_amount = refunded_amount + $2, updated_at = now() WHERE id = $1`,
        [payment.id, refund.amountMinor],
      );
      const lines = await refundStore.lineStates(manager, payment.orderId, payment.id);
      const [{ refunded }] = await queryRows<{ refunded: number }>(
        manager,
        `SELECT refunded_amount AS refunded FROM payments WHERE id = $1`,
        [payment.id],
      );
      const settled = (await refundStore.find(manager, refund.id))!;
      const money = (amount: number) => ({ amount, currency: payment.currency });
      const refundedLines = settled.lines.map((line) => ({
        productId: line.productId,
        amount: money(line.amountMinor),
      }));
      const stillPaid = lines.some((line) => line.refundStatus !== RefundStatus.SUCCEEDED);
      // Orders cancels only unpaid orders and never pays a cancelled one: its money was never credited.
      const orderCancelled = (await this.orders.find(manager, payment.orderId))?.status === 'CANCELLED';
      if (stillPaid || refunded < payment.amountMinor) {
        await record(Events.PaymentPartiallyRefunded, {
          ...base,
          refundId: refund.id,
          refunded: money(refund.amountMinor),
          lines: refundedLines,
          reason: settled.reason,
          orderCancelled,
        });
        continue;
      }
      await manager.query(
        `UPDATE payments SET status = 'REFUNDED', failure_reason = NULL, refunded_at = now(), updated_at = now() WHERE id = $1`,
        [payment.id],
      );
      // Absent when this refund covers every line: a whole refund reads as it did before partial refunds.
      const coversAll = refundedLines.length === lines.length || refundedLines.length === 0;
      await record(Events.PaymentRefunded, {
        ...base,
        reason: settled.reason,
        orderCancelled,
        ...(coversAll ? {} : { lines: refundedLines }),
      });
    }
  }
}

import {
  AfterCommit,
  Logger,
  Outbox,
  RequestContext,
  notFound,
  queryRows,
  recordAudit,
  requestOrigin,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { refusesRefund } from '../dispute/dispute.rules';
import { disputeStore } from '../dispute/dispute.store';
import type { PaymentProvider, RefundRequest } from '../provider/payment-provider';
import { paymentConflict } from './payment.errors';
import { recordRefundRequested } from './payment.timeline-events';
import { checkRefund } from './payment.validation';
import type { PaymentService } from './payment.service';
import { Payment, PaymentStatus } from './payment.type';

export const AUTOMATIC_REFUND_REASON = 'order cancelled before payment completed';

/**
 * Refunds are asked of the provider; the provider's `charge.refunded` webhook is what makes
 * a payment REFUNDED and tells the other subgraphs, whoever asked for the refund.
 */
export class RefundService {
  constructor(
    private readonly db: DataSource,
    private readonly payments: PaymentService,
    private readonly provider: PaymentProvider,
    private readonly afterCommit: AfterCommit,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Admin: refunds the order's SUCCEEDED payment; returns the payment as stored once the
   * provider answered. The payment row is locked as the dispute webhook locks it: an open or
   * lost dispute refuses the refund (Stripe refuses it too), whichever came first.
   */
  async refundOrder(context: RequestContext, orderId: string, reason: string): Promise<Payment> {
    const why = checkRefund(orderId, reason);
    const payment = await this.db.transaction(async (manager) => {
      const payment = await this.payments.ofOrder(manager, orderId, true);
      if (!payment) throw notFound('Payment');
      if (payment.status === PaymentStatus.REFUNDED)
        throw paymentConflict('This payment was refunded already', 'ALREADY_REFUNDED');
      if (payment.status !== PaymentStatus.SUCCEEDED || !payment.providerRef)
        throw paymentConflict(`Only a SUCCEEDED payment can be refunded; this one is ${payment.status}`, 'NOT_PAID');
      const dispute = await disputeStore.locked(manager, payment.id);
      if (dispute && refusesRefund(dispute.status))
        throw paymentConflict(
          `The cardholder disputed this payment (${dispute.status}); it cannot be refunded while the dispute is open or after it was lost`,
          'PAYMENT_DISPUTED',
        );
      await recordAudit(manager, this.outbox, requestOrigin(context), {
        action: 'ORDER_REFUNDED',
        targetType: 'Order',
        targetId: orderId,
        before: { paymentStatus: payment.status },
        after: { refundReason: why, paymentId: payment.id },
      });
      await manager.query(
        `UPDATE payments SET refund_reason = $2, refund_requested_at = now(), updated_at = now() WHERE id = $1`,
        [payment.id, why],
      );
      await recordRefundRequested(manager, this.outbox, context, payment, why);
      return payment;
    });
    await this.provider.refund(refundRequest(payment, why));
    context.log.info({ paymentId: payment.id, orderId }, 'refund requested');
    return (await this.payments.find(this.db, payment.id))!;
  }

  /**
   * Money for an order that is cancelled goes back without anyone asking: recorded in the
   * caller's transaction, asked of the provider once it commits (at most once per payment).
   */
  async requestAutomatic(manager: EntityManager, payment: Payment, log: Logger): Promise<void> {
    const rows = await queryRows(
      manager,
      `UPDATE payments SET refund_reason = $2, refund_requested_at = now(), updated_at = now() WHERE id = $1 AND refund_requested_at IS NULL RETURNING id`,
      [payment.id, AUTOMATIC_REFUND_REASON],
    );
    if (rows.length === 0 || !payment.providerRef) return;
    log.warn(
      { paymentId: payment.id, orderId: payment.orderId },
      'payment succeeded for a cancelled order; refunding it',
    );
    const request = refundRequest(payment, AUTOMATIC_REFUND_REASON);
    // Not awaited: the webhook answers Stripe without waiting for a second API call.
    this.afterCommit.run(manager, async () => {
      this.provider
        .refund(request)
        .catch((error) =>
          log.error({ err: error, paymentId: payment.id }, 'automatic refund failed; refund it with refundOrder'),
        );
    });
  }
}

function refundRequest(payment: Payment, reason: string): RefundRequest {
  return {
    paymentIntentId: payment.providerRef!,
    amount: payment.amountMinor,
    currency: payment.currency,
    metadata: { paymentId: payment.id, orderId: payment.orderId },
    reason,
    idempotencyKey: `refund:${payment.id}`,
  };
}

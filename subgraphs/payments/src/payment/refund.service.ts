import {
  AfterCommit,
  FieldError,
  Logger,
  Outbox,
  RequestContext,
  badInput,
  defineLoader,
  isUuid,
  notFound,
  recordAudit,
  requestOrigin,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { refusesRefund } from '../dispute/dispute.rules';
import { disputeStore } from '../dispute/dispute.store';
import type { PaymentProvider } from '../provider/payment-provider';
import { paymentConflict } from './payment.errors';
import { recordRefundRequested } from './payment.timeline-events';
import { checkRefund } from './payment.validation';
import type { PaymentService } from './payment.service';
import { Payment, PaymentStatus } from './payment.type';
import type { RefundSettlement } from './refund-settlement.service';
import { LineState, OrderLine, refundStore } from './refund.store';
import { Refund, RefundStatus } from './refund.type';

export const AUTOMATIC_REFUND_REASON = 'order cancelled before payment completed';

/** What refundOrder asks: some lines of the order (none named: every line not refunded yet). */
export interface RefundOrderRequest {
  orderId: string;
  productIds?: readonly string[] | null;
  reason: string;
}

/**
 * Refunds are asked of the provider, per order line, each line in full and once; the
 * provider's `charge.refunded` webhook is what confirms them (RefundSettlement) and tells the
 * other subgraphs, whoever asked for the refund.
 */
export class RefundService {
  constructor(
    private readonly db: DataSource,
    private readonly payments: PaymentService,
    private readonly provider: PaymentProvider,
    private readonly afterCommit: AfterCommit,
    private readonly outbox: Outbox,
    private readonly settlement: RefundSettlement,
  ) {}

  /** `Payment.refunds` of every payment in a response, oldest first, one query per request tick. */
  readonly byPaymentId = defineLoader<string, Refund[]>(async (paymentIds) => {
    const refunds = await refundStore.ofPayments(this.db, [...new Set(paymentIds.filter(isUuid))]);
    return paymentIds.map((id) => refunds.filter((refund) => refund.paymentId === id));
  });

  /**
   * Admin: refunds lines of the order's SUCCEEDED payment; returns the payment as stored once
   * the provider answered, and the refund. The payment row is locked as the dispute webhook and
   * the refund webhook lock it: two refunds of one line take turns and the second finds the
   * line reserved (CONFLICT), and an open or lost dispute refuses the refund (Stripe would too).
   */
  async refundOrder(
    context: RequestContext,
    request: RefundOrderRequest,
  ): Promise<{ payment: Payment; refund: Refund }> {
    const productIds = request.productIds ?? [];
    const why = checkRefund(request.orderId, request.reason, productIds);
    const { payment, refund } = await this.db.transaction(async (manager) => {
      const payment = await this.payments.ofOrder(manager, request.orderId, true);
      if (!payment) throw notFound('Payment');
      const refunded = payment.status === PaymentStatus.REFUNDED;
      // Lines named are answered line by line (LINE_ALREADY_REFUNDED naming them), whatever else was refunded.
      if (refunded && productIds.length === 0)
        throw paymentConflict('This payment was refunded already', 'ALREADY_REFUNDED');
      if ((payment.status !== PaymentStatus.SUCCEEDED && !refunded) || !payment.providerRef)
        throw paymentConflict(`Only a SUCCEEDED payment can be refunded; this one is ${payment.status}`, 'NOT_PAID');
      const chosen = await this.chosenLines(manager, payment, productIds);
      const dispute = await disputeStore.locked(manager, payment.id);
      if (dispute && refusesRefund(dispute.status))
        throw paymentConflict(
          `The cardholder disputed this payment (${dispute.status}); it cannot be refunded while the dispute is open or after it was lost`,
          'PAYMENT_DISPUTED',
        );
      const refund = await refundStore.insert(manager, {
        paymentId: payment.id,
        currency: payment.currency,
        reason: why,
        ...chosen,
      });
      await recordAudit(manager, this.outbox, requestOrigin(context), {
        action: 'ORDER_REFUNDED',
        targetType: 'Order',
        targetId: request.orderId,
        before: { paymentStatus: payment.status, refunded: payment.refundedMinor },
        after: {
          refundReason: why,
          paymentId: payment.id,
          refundId: refund.id,
          amount: refund.amountMinor,
          productIds: refund.lines.map((line) => line.productId),
        },
      });
      await manager.query(
        `UPDATE payments SET refund_reason = $2, refund_requested_at = now(), updated_at = now() WHERE id = $1`,
        [payment.id, why],
      );
      await recordRefundRequested(manager, this.outbox, context, payment, why);
      // Lines a coupon made free move no money: nothing to ask of the provider.
      if (refund.amountMinor === 0)
        await this.settlement.settle(manager, payment, [refund], {
          intentId: payment.providerRef,
          correlationId: context.requestId,
        });
      return { payment, refund };
    });
    if (refund.amountMinor > 0) await this.ask(payment, refund);
    context.log.info(
      { paymentId: payment.id, orderId: request.orderId, refundId: refund.id, amount: refund.amountMinor },
      'refund requested',
    );
    return {
      payment: (await this.payments.find(this.db, payment.id))!,
      refund: (await refundStore.find(this.db, refund.id)) ?? refund,
    };
  }

  /**
   * The lines named (each a line of the order, neither refunded nor being refunded), or every
   * line not refunded yet; an order whose lines payments does not know is refunded whole.
   */
  private async chosenLines(
    manager: EntityManager,
    payment: Payment,
    productIds: readonly string[],
  ): Promise<{ lines: OrderLine[]; amountMinor: number }> {
    const states = await refundStore.lineStates(manager, payment.orderId, payment.id);
    const nothingLeft = () => paymentConflict('Every line of this order was refunded already', 'ALREADY_REFUNDED');
    if (productIds.length === 0) {
      if (states.length === 0) {
        const pending = await refundStore.ofPayments(manager, [payment.id]);
        if (pending.length > 0) throw nothingLeft();
        return { lines: [], amountMinor: payment.amountMinor - payment.refundedMinor };
      }
      const free = states.filter((line) => line.refundId === null);
      if (free.length === 0) throw nothingLeft();
      return { lines: free.map(lineOf), amountMinor: sum(free) };
    }
    const unknown: FieldError[] = [];
    const taken: FieldError[] = [];
    const lines: LineState[] = [];
    productIds.forEach((productId, index) => {
      const field = `input.productIds.${index}`;
      const line = states.find((state) => state.productId === productId);
      if (!line) unknown.push({ field, message: 'is not a product of this order' });
      else if (line.refundStatus === RefundStatus.SUCCEEDED) taken.push({ field, message: 'was refunded already' });
      else if (line.refundStatus === RefundStatus.REQUESTED)
        taken.push({ field, message: 'is being refunded already (a refund awaits the provider)' });
      else lines.push(line);
    });
    if (unknown.length > 0) throw badInput(unknown);
    if (taken.length > 0)
      throw paymentConflict(
        'A line named was refunded already; each line is refunded once',
        'LINE_ALREADY_REFUNDED',
        taken,
      );
    return { lines: lines.map(lineOf), amountMinor: sum(lines) };
  }

  /**
   * Asks the provider for a recorded refund. Refused, the refund is withdrawn so its lines may
   * be refunded again; if the provider did refund after all, its webhook maps the amount onto
   * the lines (RefundSettlement).
   */
  private async ask(payment: Payment, refund: Refund): Promise<void> {
    try {
      const answer = await this.provider.refund(refundRequest(payment, refund));
      await refundStore.providerAnswered(this.db, refund.id, answer.id);
    } catch (error) {
      await refundStore.withdraw(this.db, refund.id);
      throw error;
    }
  }

  /**
   * Money for an order that is cancelled goes back without anyone asking: recorded in the
   * caller's transaction (every line not refunded yet), asked of the provider once it commits;
   * at most once, as the lines it takes are then reserved.
   */
  async requestAutomatic(manager: EntityManager, payment: Payment, log: Logger): Promise<void> {
    if (!payment.providerRef) return;
    const states = await refundStore.lineStates(manager, payment.orderId, payment.id);
    const free = states.filter((line) => line.refundId === null);
    if (states.length > 0 ? free.length === 0 : (await refundStore.ofPayments(manager, [payment.id])).length > 0)
      return;
    const refund = await refundStore.insert(manager, {
      paymentId: payment.id,
      currency: payment.currency,
      reason: AUTOMATIC_REFUND_REASON,
      lines: free.map(lineOf),
      amountMinor: states.length > 0 ? sum(free) : payment.amountMinor - payment.refundedMinor,
    });
    await manager.query(
      `UPDATE payments SET refund_reason = $2, refund_requested_at = now(), updated_at = now() WHERE id = $1`,
      [payment.id, AUTOMATIC_REFUND_REASON],
    );
    log.warn(
      { paymentId: payment.id, orderId: payment.orderId, refundId: refund.id },
      'payment succeeded for a cancelled order; refunding it',
    );
    // Not awaited: the webhook answers Stripe without waiting for a second API call.
    this.afterCommit.run(manager, async () => {
      this.ask(payment, refund).catch((error) =>
        log.error({ err: error, paymentId: payment.id }, 'automatic refund failed; refund it with refundOrder'),
      );
    });
  }
}

const lineOf = ({ productId, amountMinor }: OrderLine): OrderLine => ({ productId, amountMinor });
const sum = (lines: OrderLine[]) => lines.reduce((total, line) => total + line.amountMinor, 0);

function refundRequest(payment: Payment, refund: Refund) {
  return {
    paymentIntentId: payment.providerRef!,
    amount: refund.amountMinor,
    currency: payment.currency,
    paymentAmount: payment.amountMinor,
    refundedBefore: payment.refundedMinor,
    metadata: { paymentId: payment.id, orderId: payment.orderId, refundId: refund.id },
    reason: refund.reason,
    idempotencyKey: `refund:${refund.id}`,
  };
}

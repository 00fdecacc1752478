import {
  ConnectionShape,
  Envelope,
  EventTooEarlyError,
  Events,
  Logger,
  PageArgs,
  PayloadOf,
  newestFirstPage,
  queryRows,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { LedgerService } from '../ledger/ledger.service';
import { VENDOR_DISPUTE_COLUMNS, VendorDispute, toVendorDispute } from './vendor-dispute.type';

type DisputeUpdated = PayloadOf<typeof Events.PaymentDisputeUpdated>;
type DisputeClosed = PayloadOf<typeof Events.PaymentDisputeClosed>;
type PaymentRefunded = PayloadOf<typeof Events.PaymentRefunded>;

/** The reason a lost dispute's debit carries in the log, like a refund's. */
export const DISPUTE_LOST_DEBIT_REASON = 'payment dispute lost';

/**
 * The vendor's side of a payment dispute: a view per vendor of the disputes on their sales
 * (from payment.dispute_updated, newest revision wins), and the debit of a lost one, which is
 * a forced refund in the ledger: the same REFUND and REFUND_COMMISSION entries, so the ledger's
 * one-debit-per-line constraint keeps a charge that was refunded and lost from being debited twice.
 */
export class VendorDisputeService {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: LedgerService,
  ) {}

  /** Upserts each vendor's row of the dispute; before order.paid was seen here it throws, and the kit retries it after. */
  async record(manager: EntityManager, dispute: DisputeUpdated, log: Logger): Promise<number> {
    const [order] = await queryRows(manager, `SELECT order_id FROM ledger_orders WHERE order_id = $1`, [
      dispute.orderId,
    ]);
    if (!order && dispute.orderCancelled) {
      log.info({ orderId: dispute.orderId }, 'dispute of money for a cancelled order: nothing was credited here');
      return 0;
    }
    if (!order)
      throw new EventTooEarlyError(
        `payment.dispute_updated for order ${dispute.orderId} arrived before its order.paid`,
      );
    const rows = await queryRows(
      manager,
      `INSERT INTO vendor_disputes (payment_id, vendor_id, order_id, stripe_dispute_id, product_ids, amount, currency, status, reason,
                                    evidence_due_by, opened_at, closed_at, revision)
       SELECT $1, vendor_id, order_id, $2, array_agg(product_id ORDER BY product_id), sum(amount), currency, $3, $4, $5, $6, $7, $8
         FROM ledger_entries WHERE order_id = $9 AND kind = 'SALE'
        GROUP BY vendor_id, order_id, currency
       ON CONFLICT ON CONSTRAINT vendor_disputes_payment_vendor_key DO UPDATE
          SET status = EXCLUDED.status, reason = EXCLUDED.reason, evidence_due_by = EXCLUDED.evidence_due_by,
              closed_at = EXCLUDED.closed_at, revision = EXCLUDED.revision
        WHERE vendor_disputes.revision < EXCLUDED.revision
       RETURNING vendor_id`,
      [
        dispute.paymentId,
        dispute.disputeId,
        dispute.status,
        dispute.reason,
        dispute.evidenceDueBy,
        dispute.openedAt,
        dispute.closedAt,
        dispute.revision,
        dispute.orderId,
      ],
    );
    log.info(
      { orderId: dispute.orderId, status: dispute.status, revision: dispute.revision, vendors: rows.length },
      'vendor disputes recorded',
    );
    return rows.length;
  }

  /** A lost dispute debits the order's lines as a refund does; lines already refunded are not debited again. */
  async debitLoss(manager: EntityManager, event: Envelope<DisputeClosed>, log: Logger): Promise<number> {
    const { outcome, paymentId, orderId, amount, disputeId, orderCancelled } = event.payload;
    if (outcome !== 'LOST') return 0;
    const forcedRefund: Envelope<PaymentRefunded> = {
      ...event,
      type: Events.PaymentRefunded.type,
      payload: {
        paymentId,
        orderId,
        amount,
        providerRef: disputeId,
        reason: DISPUTE_LOST_DEBIT_REASON,
        orderCancelled,
      },
    };
    const written = await this.ledger.debitRefund(manager, forcedRefund, log);
    log.info(
      { orderId, entries: written },
      written ? 'lost dispute debited from vendors' : 'lost dispute: lines refunded already',
    );
    return written;
  }

  /** A vendor's disputes, newest first, keyset-paged on (created_at, id). */
  list(vendorId: string, page: PageArgs): Promise<ConnectionShape<VendorDispute>> {
    return newestFirstPage(
      this.db,
      {
        columns: VENDOR_DISPUTE_COLUMNS,
        from: 'vendor_disputes',
        where: 'vendor_id = $1',
        parameters: [vendorId],
        orderBy: ['created_at', 'id'],
      },
      page,
      toVendorDispute,
      (dispute) => dispute.createdAt,
    );
  }
}

import {
  ConnectionShape,
  CurrencyCode,
  Envelope,
  EventTooEarlyError,
  Events,
  Logger,
  Money,
  PageArgs,
  PayloadOf,
  RequestContext,
  defineLoader,
  isUuid,
  newestFirstPage,
  queryRows,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { VendorConfig } from '../config';
import { availableFrom, commissionOf, toAmount } from './ledger.math';
import { LEDGER_COLUMNS, LedgerEntry, VendorBalance, toLedgerEntry } from './ledger.type';

/** The currency of a vendor with no ledger entries yet (the marketplace sells mostly in USD). */
export const DEFAULT_CURRENCY = CurrencyCode.USD;

type OrderPaid = PayloadOf<typeof Events.OrderPaid>;
type PaymentRefunded = PayloadOf<typeof Events.PaymentRefunded>;
type PaymentPartiallyRefunded = PayloadOf<typeof Events.PaymentPartiallyRefunded>;

/** What one credit of a paid order wrote for one vendor (only lines credited now, not before). */
export interface SaleCredited {
  vendorId: string;
  currency: string;
  gross: number;
  commission: number;
  items: { productId: string; name: string }[];
}

/**
 * The vendor's side of the checkout saga: `order.paid` credits each line (the sale, its list
 * price less the vendor's own coupons, and the platform's commission on it as two entries);
 * `payment.partially_refunded` debits what the lines named were credited, `payment.refunded`
 * every line not debited yet. Unique constraints make each line's credit and debit happen once, whatever is
 * replayed. Reads (balances, earnings, stats) are batched per request.
 */
export class LedgerService {
  constructor(
    private readonly db: DataSource,
    private readonly settings: VendorConfig,
  ) {}

  /** Credits every line of a paid order to its vendor; lines of vendors unknown here are logged and skipped. Returns the entries written. */
  async creditPaidOrder(manager: EntityManager, event: Envelope<OrderPaid>, log: Logger): Promise<SaleCredited[]> {
    const { orderId, number, paymentId, items } = event.payload;
    const paidAt = new Date(event.occurredAt);
    await manager.query(
      `INSERT INTO ledger_orders (order_id, number, payment_id, paid_at) VALUES ($1, $2, $3, $4) ON CONFLICT (order_id) DO NOTHING`,
      [orderId, number, paymentId, paidAt],
    );
    const vendorIds = [...new Set(items.map((item) => item.vendorId))];
    const rates = await ratesInForce(manager, vendorIds, paidAt);
    const availableAt = availableFrom(paidAt, this.settings.earningsHoldDays);
    let written = 0;
    const sales = new Map<string, SaleCredited>();
    // In (vendor, product) order: the rollup rows the trigger upserts are then locked in the same
    // order by every transaction crediting the same vendors, so two credits never deadlock.
    const ordered = [...items].sort(
      (a, b) => a.vendorId.localeCompare(b.vendorId) || a.productId.localeCompare(b.productId),
    );
    for (const item of ordered) {
      const bps = rates.get(item.vendorId);
      if (bps === undefined) {
        log.warn(
          { orderId, productId: item.productId, vendorId: item.vendorId },
          'order.paid line of a vendor unknown here; not credited',
        );
        continue;
      }
      // Vendor coupons come off the vendor's sale; platform coupons are the platform's (credited in full). Tax never enters.
      const price = item.unitPrice.amount - (item.vendorDiscount?.amount ?? 0);
      const commission = commissionOf(price, bps);
      const rows = await queryRows(
        manager,
        `INSERT INTO ledger_entries (vendor_id, kind, amount, currency, order_id, product_id, product_name, occurred_at, available_at, commission_bps)
         VALUES ($1, 'SALE', $2, $3, $4, $5, $6, $7, $8, $10), ($1, 'COMMISSION', $9, $3, $4, $5, $6, $7, $8, $10)
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          item.vendorId,
          price,
          item.unitPrice.currency,
          orderId,
          item.productId,
          item.name,
          paidAt,
          availableAt,
          -commission,
          bps,
        ],
      );
      if (rows.length === 0) log.info({ orderId, productId: item.productId }, 'order line already credited');
      else {
        const sale = sales.get(item.vendorId) ?? {
          vendorId: item.vendorId,
          currency: item.unitPrice.currency,
          gross: 0,
          commission: 0,
          items: [],
        };
        sale.gross += price;
        sale.commission += commission;
        sale.items.push({ productId: item.productId, name: item.name });
        sales.set(item.vendorId, sale);
      }
      written += rows.length;
    }
    log.info({ orderId, entries: written }, 'order credited to vendors');
    return [...sales.values()];
  }

  /**
   * Debits every line the refunded order credited and not debited before: REFUND (−sale) and
   * REFUND_COMMISSION (+commission), exactly what was credited. Before `order.paid` was seen
   * it throws, so the kit retries it after; unless the money came for a cancelled order, which
   * is never paid: nothing to debit. The order is then wholly refunded (`refunded_at`).
   */
  async debitRefund(manager: EntityManager, event: Envelope<PaymentRefunded>, log: Logger): Promise<number> {
    const { orderId, paymentId, orderCancelled } = event.payload;
    const order = await this.refundedOrder(manager, event.type, orderId, paymentId, orderCancelled, log);
    if (!order) return 0;
    const refundedAt = new Date(event.occurredAt);
    await manager.query(`UPDATE ledger_orders SET refunded_at = COALESCE(refunded_at, $2) WHERE order_id = $1`, [
      orderId,
      refundedAt,
    ]);
    return this.debitLines(manager, orderId, null, refundedAt, log);
  }

  /**
   * A partial refund debits the lines it names, exactly what was credited for each (a line's
   * debit happens once: ledger_entries_line_once). The order stays paid (`refunded_at` unset)
   * until payment.refunded says nothing is left.
   */
  async debitPartialRefund(
    manager: EntityManager,
    event: Envelope<PaymentPartiallyRefunded>,
    log: Logger,
  ): Promise<number> {
    const { orderId, paymentId, lines, orderCancelled } = event.payload;
    const order = await this.refundedOrder(manager, event.type, orderId, paymentId, orderCancelled, log);
    if (!order) return 0;
    const productIds = lines.map((line) => line.productId);
    return this.debitLines(manager, orderId, productIds, new Date(event.occurredAt), log);
  }

  /** The order's ledger row, locked; null when a cancelled order's money came back (never credited). */
  private async refundedOrder(
    manager: EntityManager,
    type: string,
    orderId: string,
    paymentId: string,
    orderCancelled: boolean | undefined,
    log: Logger,
  ): Promise<{ payment_id: string } | null> {
    const [order] = await queryRows<{ payment_id: string }>(
      manager,
      `SELECT payment_id FROM ledger_orders WHERE order_id = $1 FOR UPDATE`,
      [orderId],
    );
    if (!order && orderCancelled) {
      log.info(
        { orderId, paymentId },
        'refund of a payment for a cancelled order: nothing was credited, nothing to debit',
      );
      return null;
    }
    if (!order) throw new EventTooEarlyError(`${type} for order ${orderId} arrived before its order.paid`);
    if (order.payment_id !== paymentId)
      log.warn(
        { orderId, paymentId, paidWith: order.payment_id },
        'refund of another payment than the one that paid the order; debiting the order',
      );
    return order;
  }

  /** REFUND and REFUND_COMMISSION for each credited line (of these products only, unless null) not debited yet. */
  private async debitLines(
    manager: EntityManager,
    orderId: string,
    productIds: string[] | null,
    refundedAt: Date,
    log: Logger,
  ): Promise<number> {
    // A refund inside the hold cancels pending money (same available_at as the sale); after it, it is debited from available.
    // In (vendor, product) order, as credits lock the rollup rows the trigger upserts.
    const rows = await queryRows<{ amount: string; kind: string }>(
      manager,
      `INSERT INTO ledger_entries (vendor_id, kind, amount, currency, order_id, product_id, product_name, occurred_at, available_at, commission_bps)
       SELECT vendor_id, CASE kind WHEN 'SALE' THEN 'REFUND' ELSE 'REFUND_COMMISSION' END, -amount, currency, order_id, product_id, product_name,
              $2, GREATEST(available_at, $2), commission_bps
         FROM ledger_entries WHERE order_id = $1 AND kind IN ('SALE', 'COMMISSION')
          AND ($3::uuid[] IS NULL OR product_id = ANY($3::uuid[]))
        ORDER BY vendor_id, product_id, kind
       ON CONFLICT DO NOTHING RETURNING kind, amount`,
      [orderId, refundedAt, productIds],
    );
    const debited = -rows.filter((row) => row.kind === 'REFUND').reduce((sum, row) => sum + toAmount(row.amount), 0);
    log.info({ orderId, entries: rows.length, debited }, 'refund debited from vendors');
    return rows.length;
  }

  /** Balances per currency, the vendor's primary currency (most entries) first. */
  readonly balancesOf = defineLoader<string, VendorBalance[]>(async (vendorIds) => {
    const valid = [...new Set(vendorIds.filter(isUuid))];
    const rows = valid.length
      ? await queryRows<{
          vendor_id: string;
          currency: CurrencyCode;
          available: string;
          pending: string;
          entries: number;
        }>(
          this.db,
          `SELECT vendor_id, currency,
                  COALESCE(sum(amount) FILTER (WHERE available_at <= now()), 0)::bigint::text AS available,
                  COALESCE(sum(amount) FILTER (WHERE available_at > now()), 0)::bigint::text AS pending,
                  count(*)::int AS entries
             FROM ledger_entries WHERE vendor_id = ANY($1::uuid[])
            GROUP BY vendor_id, currency
            ORDER BY vendor_id, entries DESC, currency`,
          [valid],
        )
      : [];
    return vendorIds.map((id) =>
      rows
        .filter((row) => row.vendor_id === id)
        .map((row) => balanceOf(row.currency, toAmount(row.available), toAmount(row.pending))),
    );
  });

  /** The balance in `currency`, or in the vendor's primary currency (USD before the first sale). */
  async balance(context: RequestContext, vendorId: string, currency?: CurrencyCode | null): Promise<VendorBalance> {
    const balances = await this.balancesOf(context).load(vendorId);
    const chosen = currency ?? balances[0]?.currency ?? DEFAULT_CURRENCY;
    return balances.find((balance) => balance.currency === chosen) ?? balanceOf(chosen, 0, 0);
  }

  /** A vendor's entries, newest first, keyset-paged on (created_at, id). */
  async ledger(vendorId: string, page: PageArgs): Promise<ConnectionShape<LedgerEntry>> {
    return newestFirstPage(
      this.db,
      {
        columns: LEDGER_COLUMNS,
        from: 'ledger_entries',
        where: 'vendor_id = $1',
        parameters: [vendorId],
        orderBy: ['created_at', 'id'],
        // A busy vendor's ledger holds thousands of entries: counted only when totalCount is asked for.
        lazyCount: true,
      },
      page,
      toLedgerEntry,
      (entry) => entry.createdAt,
    );
  }
}

/**
 * Each vendor's commission rate in force at `paidAt` (the order.paid event's occurredAt, not
 * the time it is handled): the latest rate that took effect at or before it, or the vendor's
 * first rate for a sale older than its history. The share locks on the vendor rows order this
 * against a concurrent setVendorCommission (which locks the row for update before it stamps the
 * new rate's start): the credit either ran wholly before the change began, or reads the new
 * history once the change committed.
 */
async function ratesInForce(manager: EntityManager, vendorIds: string[], paidAt: Date): Promise<Map<string, number>> {
  await manager.query(`SELECT id FROM vendors WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE`, [vendorIds]);
  const rows = await queryRows<{ vendor_id: string; rate_bps: number }>(
    manager,
    `SELECT DISTINCT ON (vendor_id) vendor_id, rate_bps
       FROM vendor_commission_rates
      WHERE vendor_id = ANY($1::uuid[])
      ORDER BY vendor_id, (effective_from <= $2) DESC,
               CASE WHEN effective_from <= $2 THEN effective_from END DESC, effective_from`,
    [vendorIds, paidAt],
  );
  return new Map(rows.map((row) => [row.vendor_id, row.rate_bps] as const));
}

function balanceOf(currency: CurrencyCode, available: number, pending: number): VendorBalance {
  return Object.assign(new VendorBalance(), {
    currency,
    available: Money.of(available, currency),
    pending: Money.of(pending, currency),
  });
}

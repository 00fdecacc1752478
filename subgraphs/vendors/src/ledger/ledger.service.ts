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
import {
  EarningsPeriod,
  LEDGER_COLUMNS,
  LedgerEntry,
  PERIOD_DAYS,
  TopProduct,
  VendorBalance,
  VendorEarnings,
  VendorStats,
  toLedgerEntry,
  TOP_PRODUCTS,
} from './ledger.type';

/** The currency of a vendor with no ledger entries yet (the marketplace sells mostly in USD). */
export const DEFAULT_CURRENCY = CurrencyCode.USD;

type OrderPaid = PayloadOf<typeof Events.OrderPaid>;
type PaymentRefunded = PayloadOf<typeof Events.PaymentRefunded>;

/** Order-line totals of one vendor in one currency over a period. */
interface Totals {
  currency: CurrencyCode;
  gross: number;
  commission: number;
  refunds: number;
  sales: number;
  refundCount: number;
}

/**
 * The vendor's side of the checkout saga: `order.paid` credits each line (the gross sale and
 * the platform's commission as two entries), `payment.refunded` debits what that order
 * credited. Unique constraints make each line's credit and debit happen once, whatever is
 * replayed. Reads (balances, earnings, stats) are batched per request.
 */
export class LedgerService {
  constructor(
    private readonly db: DataSource,
    private readonly settings: VendorConfig,
  ) {}

  /** Credits every line of a paid order to its vendor; lines of vendors unknown here are logged and skipped. Returns the entries written. */
  async creditPaidOrder(manager: EntityManager, event: Envelope<OrderPaid>, log: Logger): Promise<number> {
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
    for (const item of items) {
      const bps = rates.get(item.vendorId);
      if (bps === undefined) {
        log.warn(
          { orderId, productId: item.productId, vendorId: item.vendorId },
          'order.paid line of a vendor unknown here; not credited',
        );
        continue;
      }
      const price = item.unitPrice.amount;
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
      written += rows.length;
    }
    log.info({ orderId, entries: written }, 'order credited to vendors');
    return written;
  }

  /**
   * Debits every line the refunded order credited: REFUND (−price) and REFUND_COMMISSION
   * (+commission). Before `order.paid` was seen it throws, so the kit retries it after;
   * unless the money came for a cancelled order, which is never paid: nothing to debit.
   */
  async debitRefund(manager: EntityManager, event: Envelope<PaymentRefunded>, log: Logger): Promise<number> {
    const { orderId, paymentId, amount, orderCancelled } = event.payload;
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
      return 0;
    }
    if (!order) throw new EventTooEarlyError(`payment.refunded for order ${orderId} arrived before its order.paid`);
    if (order.payment_id !== paymentId)
      log.warn(
        { orderId, paymentId, paidWith: order.payment_id },
        'refund of another payment than the one that paid the order; debiting the order',
      );
    const refundedAt = new Date(event.occurredAt);
    await manager.query(`UPDATE ledger_orders SET refunded_at = COALESCE(refunded_at, $2) WHERE order_id = $1`, [
      orderId,
      refundedAt,
    ]);
    // A refund inside the hold cancels pending money (same available_at as the sale); after it, it is debited from available.
    const rows = await queryRows<{ amount: string; kind: string }>(
      manager,
      `INSERT INTO ledger_entries (vendor_id, kind, amount, currency, order_id, product_id, product_name, occurred_at, available_at, commission_bps)
       SELECT vendor_id, CASE kind WHEN 'SALE' THEN 'REFUND' ELSE 'REFUND_COMMISSION' END, -amount, currency, order_id, product_id, product_name,
              $2, GREATEST(available_at, $2), commission_bps
         FROM ledger_entries WHERE order_id = $1 AND kind IN ('SALE', 'COMMISSION')
       ON CONFLICT DO NOTHING RETURNING kind, amount`,
      [orderId, refundedAt],
    );
    const debited = -rows.filter((row) => row.kind === 'REFUND').reduce((sum, row) => sum + toAmount(row.amount), 0);
    if (rows.length > 0 && debited !== amount.amount) {
      log.warn(
        { orderId, refunded: amount.amount, debited },
        'refund amount differs from the lines credited here; every credited line debited',
      );
    }
    log.info({ orderId, entries: rows.length }, 'refund debited from vendors');
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

  /** Order-line totals per (period, vendor), every currency; one statement per period asked in a request. */
  private readonly totalsOf = defineLoader<string, Totals[]>(async (keys) => {
    const byPeriod = new Map<EarningsPeriod, string[]>();
    for (const key of keys) {
      const [period, vendorId] = key.split('|') as [EarningsPeriod, string];
      byPeriod.set(period, [...(byPeriod.get(period) ?? []), vendorId]);
    }
    const results = new Map<string, Totals[]>();
    for (const [period, vendorIds] of byPeriod) {
      const rows = await queryRows<{
        vendor_id: string;
        currency: CurrencyCode;
        gross: string;
        commission: string;
        refunds: string;
        sales: number;
        refund_count: number;
      }>(
        this.db,
        `SELECT vendor_id, currency,
                COALESCE(sum(amount) FILTER (WHERE kind = 'SALE'), 0)::bigint::text AS gross,
                COALESCE(-sum(amount) FILTER (WHERE kind IN ('COMMISSION', 'REFUND_COMMISSION')), 0)::bigint::text AS commission,
                COALESCE(-sum(amount) FILTER (WHERE kind = 'REFUND'), 0)::bigint::text AS refunds,
                count(*) FILTER (WHERE kind = 'SALE')::int AS sales,
                count(*) FILTER (WHERE kind = 'REFUND')::int AS refund_count
           FROM ledger_entries
          WHERE vendor_id = ANY($1::uuid[]) AND kind IN ('SALE', 'COMMISSION', 'REFUND', 'REFUND_COMMISSION') AND ${periodFilter('$2')}
          GROUP BY vendor_id, currency`,
        [vendorIds.filter(isUuid), PERIOD_DAYS[period]],
      );
      for (const row of rows) {
        const key = `${period}|${row.vendor_id}`;
        results.set(key, [
          ...(results.get(key) ?? []),
          {
            currency: row.currency,
            gross: toAmount(row.gross),
            commission: toAmount(row.commission),
            refunds: toAmount(row.refunds),
            sales: row.sales,
            refundCount: row.refund_count,
          },
        ]);
      }
    }
    return keys.map((key) => results.get(key) ?? []);
  });

  /** Best sellers per (period, vendor), every currency; one statement per period asked in a request. */
  private readonly topProductsOf = defineLoader<string, (TopProduct & { currency: CurrencyCode })[]>(async (keys) => {
    const byPeriod = new Map<EarningsPeriod, string[]>();
    for (const key of keys) {
      const [period, vendorId] = key.split('|') as [EarningsPeriod, string];
      byPeriod.set(period, [...(byPeriod.get(period) ?? []), vendorId]);
    }
    const results = new Map<string, (TopProduct & { currency: CurrencyCode })[]>();
    for (const [period, vendorIds] of byPeriod) {
      const rows = await queryRows<{
        vendor_id: string;
        currency: CurrencyCode;
        product_id: string;
        name: string;
        sale_count: number;
        gross: string;
      }>(
        this.db,
        `SELECT vendor_id, currency, product_id, name, sale_count, gross FROM (
           SELECT vendor_id, currency, product_id,
                  (array_agg(product_name ORDER BY occurred_at DESC, created_at DESC))[1] AS name,
                  count(*)::int AS sale_count, sum(amount)::bigint::text AS gross,
                  row_number() OVER (PARTITION BY vendor_id, currency ORDER BY sum(amount) DESC, count(*) DESC, product_id) AS rank
             FROM ledger_entries
            WHERE vendor_id = ANY($1::uuid[]) AND kind = 'SALE' AND ${periodFilter('$2')}
            GROUP BY vendor_id, currency, product_id
         ) ranked WHERE rank <= ${TOP_PRODUCTS} ORDER BY vendor_id, currency, rank`,
        [vendorIds.filter(isUuid), PERIOD_DAYS[period]],
      );
      for (const row of rows) {
        const key = `${period}|${row.vendor_id}`;
        const top = Object.assign(new TopProduct(), {
          currency: row.currency,
          productId: row.product_id,
          name: row.name,
          saleCount: row.sale_count,
          gross: Money.of(toAmount(row.gross), row.currency),
        });
        results.set(key, [...(results.get(key) ?? []), top]);
      }
    }
    return keys.map((key) => results.get(key) ?? []);
  });

  async earnings(
    context: RequestContext,
    vendorId: string,
    period: EarningsPeriod,
    currency?: CurrencyCode | null,
  ): Promise<VendorEarnings> {
    const chosen = await this.currencyOf(context, vendorId, currency);
    const totals =
      (await this.totalsOf(context).load(`${period}|${vendorId}`)).find((t) => t.currency === chosen) ??
      emptyTotals(chosen);
    return Object.assign(new VendorEarnings(), {
      period,
      currency: chosen,
      gross: Money.of(totals.gross, chosen),
      commission: Money.of(totals.commission, chosen),
      refunds: Money.of(totals.refunds, chosen),
      net: Money.of(totals.gross - totals.commission - totals.refunds, chosen),
    });
  }

  async stats(
    context: RequestContext,
    vendorId: string,
    period: EarningsPeriod,
    currency?: CurrencyCode | null,
  ): Promise<VendorStats> {
    const chosen = await this.currencyOf(context, vendorId, currency);
    const key = `${period}|${vendorId}`;
    const [allTotals, allTop] = await Promise.all([
      this.totalsOf(context).load(key),
      this.topProductsOf(context).load(key),
    ]);
    const totals = allTotals.find((t) => t.currency === chosen) ?? emptyTotals(chosen);
    return Object.assign(new VendorStats(), {
      period,
      currency: chosen,
      saleCount: totals.sales,
      refundCount: totals.refundCount,
      gross: Money.of(totals.gross, chosen),
      net: Money.of(totals.gross - totals.commission - totals.refunds, chosen),
      topProducts: allTop.filter((top) => top.currency === chosen),
    });
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
      },
      page,
      toLedgerEntry,
      (entry) => entry.createdAt,
    );
  }

  /** `currency` when given (checked), else the vendor's primary currency. */
  private async currencyOf(
    context: RequestContext,
    vendorId: string,
    currency?: CurrencyCode | null,
  ): Promise<CurrencyCode> {
    return currency ?? (await this.balance(context, vendorId)).currency;
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

/** `occurred_at` inside the period whose length in days is the parameter (null: all time). */
function periodFilter(days: string): string {
  return `(${days}::int IS NULL OR occurred_at > now() - make_interval(days => ${days}::int))`;
}

function balanceOf(currency: CurrencyCode, available: number, pending: number): VendorBalance {
  return Object.assign(new VendorBalance(), {
    currency,
    available: Money.of(available, currency),
    pending: Money.of(pending, currency),
  });
}

function emptyTotals(currency: CurrencyCode): Totals {
  return { currency, gross: 0, commission: 0, refunds: 0, sales: 0, refundCount: 0 };
}

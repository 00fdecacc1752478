import { CurrencyCode, Money, RequestContext, defineLoader, isUuid, queryRows } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { toAmount } from './ledger.math';
import type { LedgerService } from './ledger.service';
import { EarningsPeriod, PERIOD_DAYS, TOP_PRODUCTS, TopProduct, VendorEarnings, VendorStats } from './ledger.type';

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
 * The entries of a period ("the last N × 24 hours"), read from the daily rollups
 * (`ledger_daily`, `ledger_daily_products`, kept by a trigger in the entries' transaction)
 * for the UTC days wholly inside it, and from `ledger_entries` for the part of the first day
 * after its start: exactly the entries a live aggregate would count, in a few hundred rows
 * at most per vendor. `$2` is the period in days (null: all time, rollups only).
 */
const PERIOD_START = `now() - make_interval(days => $2::int)`;
const FIRST_FULL_DAY = `((${PERIOD_START}) AT TIME ZONE 'UTC')::date + 1`;
const IN_FULL_DAYS = `($2::int IS NULL OR day >= ${FIRST_FULL_DAY})`;
const IN_FIRST_PARTIAL_DAY = `$2::int IS NOT NULL AND occurred_at > ${PERIOD_START}
  AND occurred_at < (${FIRST_FULL_DAY})::timestamp AT TIME ZONE 'UTC'`;
const ORDER_KINDS_SQL = `('SALE', 'COMMISSION', 'REFUND', 'REFUND_COMMISSION')`;

/**
 * `Vendor.earnings` and `Vendor.stats`, served from the ledger's daily rollups: one
 * statement per period for the totals and one for the top products, batched per request.
 */
export class LedgerStatsService {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: LedgerService,
  ) {}

  /** Order-line totals per (period, vendor), every currency; one statement per period asked in a request. */
  private readonly totalsOf = defineLoader<string, Totals[]>(async (keys) => {
    const results = new Map<string, Totals[]>();
    for (const [period, vendorIds] of byPeriod(keys)) {
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
        `WITH moved AS (
           SELECT vendor_id, currency, kind, amount, entries FROM ledger_daily
            WHERE vendor_id = ANY($1::uuid[]) AND kind IN ${ORDER_KINDS_SQL} AND ${IN_FULL_DAYS}
           UNION ALL
           SELECT vendor_id, currency, kind, amount, 1 FROM ledger_entries
            WHERE vendor_id = ANY($1::uuid[]) AND kind IN ${ORDER_KINDS_SQL} AND ${IN_FIRST_PARTIAL_DAY}
         )
         SELECT vendor_id, currency,
                COALESCE(sum(amount) FILTER (WHERE kind = 'SALE'), 0)::bigint::text AS gross,
                COALESCE(-sum(amount) FILTER (WHERE kind IN ('COMMISSION', 'REFUND_COMMISSION')), 0)::bigint::text AS commission,
                COALESCE(-sum(amount) FILTER (WHERE kind = 'REFUND'), 0)::bigint::text AS refunds,
                COALESCE(sum(entries) FILTER (WHERE kind = 'SALE'), 0)::int AS sales,
                COALESCE(sum(entries) FILTER (WHERE kind = 'REFUND'), 0)::int AS refund_count
           FROM moved GROUP BY vendor_id, currency`,
        [vendorIds, PERIOD_DAYS[period]],
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
    const results = new Map<string, (TopProduct & { currency: CurrencyCode })[]>();
    for (const [period, vendorIds] of byPeriod(keys)) {
      const rows = await queryRows<{
        vendor_id: string;
        currency: CurrencyCode;
        product_id: string;
        name: string;
        sale_count: number;
        gross: string;
      }>(
        this.db,
        `WITH sold AS (
           SELECT vendor_id, currency, product_id, gross, sales, product_name, named_at FROM ledger_daily_products
            WHERE vendor_id = ANY($1::uuid[]) AND ${IN_FULL_DAYS}
           UNION ALL
           SELECT vendor_id, currency, product_id, amount, 1, product_name, occurred_at FROM ledger_entries
            WHERE vendor_id = ANY($1::uuid[]) AND kind = 'SALE' AND ${IN_FIRST_PARTIAL_DAY}
         )
         SELECT vendor_id, currency, product_id, name, sale_count, gross FROM (
           SELECT vendor_id, currency, product_id,
                  (array_agg(product_name ORDER BY named_at DESC))[1] AS name,
                  sum(sales)::int AS sale_count, sum(gross)::bigint::text AS gross,
                  row_number() OVER (PARTITION BY vendor_id, currency ORDER BY sum(gross) DESC, sum(sales) DESC, product_id) AS rank
             FROM sold GROUP BY vendor_id, currency, product_id
         ) ranked WHERE rank <= ${TOP_PRODUCTS} ORDER BY vendor_id, currency, rank`,
        [vendorIds, PERIOD_DAYS[period]],
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

  /** `currency` when given (checked), else the vendor's primary currency. */
  private async currencyOf(
    context: RequestContext,
    vendorId: string,
    currency?: CurrencyCode | null,
  ): Promise<CurrencyCode> {
    return currency ?? (await this.ledger.balance(context, vendorId)).currency;
  }
}

/** Loader keys `<period>|<vendorId>` grouped by period (valid vendor ids only). */
function byPeriod(keys: readonly string[]): Map<EarningsPeriod, string[]> {
  const grouped = new Map<EarningsPeriod, string[]>();
  for (const key of keys) {
    const [period, vendorId] = key.split('|') as [EarningsPeriod, string];
    if (isUuid(vendorId)) grouped.set(period, [...(grouped.get(period) ?? []), vendorId]);
  }
  return grouped;
}

function emptyTotals(currency: CurrencyCode): Totals {
  return { currency, gross: 0, commission: 0, refunds: 0, sales: 0, refundCount: 0 };
}

import { CurrencyCode, FieldError, Money, RequestContext, badInput, queryRows } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { bucketsOf, dateOf, nextBucket } from './platform-stats.buckets';
import { TopRow, TopSellers } from './platform-stats.tops';
import {
  MAX_BUCKETS,
  MAX_TOP,
  PlatformSales,
  PlatformStats,
  PlatformStatsBucket,
  PlatformTopProduct,
  PlatformTopVendor,
  StatsGranularity,
} from './platform-stats.type';

/** One currency's sums over a bucket, before the derived figures. */
interface Sums {
  gross: number;
  orderCount: number;
  refunds: number;
  refundCount: number;
  payingCustomerCount: number;
}

const TRUNC: Record<StatsGranularity, string> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };

/**
 * `platformStats`: the sales side of the platform's figures, from the daily rollups the
 * history trigger keeps (order_daily, order_daily_customers). Two statements for the totals
 * and the series (sums and paying customers per day; distinct customers per longer bucket and
 * over the period), one per top list (platform-stats.tops.ts); vendors and users add their
 * figures to the same buckets through federation.
 */
export class PlatformStatsService {
  /** Each answer's buckets, computed once whichever of totals and series is asked first. */
  private readonly loaded = new WeakMap<
    PlatformStats,
    Promise<{ totals: PlatformStatsBucket; series: PlatformStatsBucket[] }>
  >();

  private readonly tops: TopSellers;

  constructor(private readonly db: DataSource) {
    this.tops = new TopSellers(db);
  }

  /** The period widened to whole buckets; BAD_USER_INPUT when it is empty, reversed or too long. */
  period(from: Date, to: Date, granularity: StatsGranularity): PlatformStats {
    const problems: FieldError[] = [];
    for (const [field, at] of [
      ['period.from', from],
      ['period.to', to],
    ] as const)
      // Years Postgres dates and ISO strings agree on, and far beyond any sale.
      if (!(at.getUTCFullYear() >= 1970 && at.getUTCFullYear() <= 9998))
        problems.push({ field, message: 'must be between 1970 and 9998' });
    if (problems.length === 0 && !(from < to))
      problems.push({ field: 'period.to', message: 'must be after period.from' });
    const buckets = problems.length ? null : bucketsOf(from, to, granularity, MAX_BUCKETS);
    if (buckets && buckets.starts.length > MAX_BUCKETS)
      problems.push({
        field: 'period',
        message: `spans more than ${MAX_BUCKETS} buckets of ${granularity}; ask for a coarser granularity or a shorter period`,
      });
    if (problems.length > 0 || !buckets) throw badInput(problems);
    return Object.assign(new PlatformStats(), {
      from: buckets.from,
      to: buckets.to,
      granularity,
      buckets: buckets.starts.map((start) =>
        Object.assign(new PlatformStatsBucket(), { from: start, to: nextBucket(start, granularity), sales: [] }),
      ),
    });
  }

  totals(stats: PlatformStats): Promise<PlatformStatsBucket> {
    return this.load(stats).then((loaded) => loaded.totals);
  }

  series(stats: PlatformStats): Promise<PlatformStatsBucket[]> {
    return this.load(stats).then((loaded) => loaded.series);
  }

  private load(stats: PlatformStats) {
    let loading = this.loaded.get(stats);
    if (!loading) {
      loading = this.compute(stats);
      this.loaded.set(stats, loading);
    }
    return loading;
  }

  private async compute(stats: PlatformStats) {
    const range = [dateOf(stats.from), dateOf(stats.to)];
    const [days, customers] = await Promise.all([
      queryRows<{
        day: string;
        currency: CurrencyCode;
        gross: string;
        order_count: number;
        refunds: string;
        refund_count: number;
        customer_count: number;
      }>(
        this.db,
        `SELECT day::text, currency, gross::text, order_count, refunds::text, refund_count, customer_count
           FROM order_daily WHERE day >= $1::date AND day < $2::date`,
        range,
      ),
      // Distinct per bucket and over the whole period (the period's rows have no bucket); hashed, not sorted.
      // A day's distinct customers are counted in order_daily already.
      queryRows<{ bucket: string | null; currency: CurrencyCode; customers: number }>(
        this.db,
        `${
          stats.granularity === StatsGranularity.DAY
            ? ''
            : `SELECT bucket::text, currency, count(*)::int AS customers
                 FROM (SELECT DISTINCT date_trunc($3, day)::date AS bucket, currency, user_id FROM order_daily_customers
                        WHERE day >= $1::date AND day < $2::date) per_bucket
                GROUP BY bucket, currency
               UNION ALL `
        }
         SELECT NULL AS bucket, currency, count(*)::int AS customers
           FROM (SELECT DISTINCT currency, user_id FROM order_daily_customers WHERE day >= $1::date AND day < $2::date) per_period
          GROUP BY currency`,
        stats.granularity === StatsGranularity.DAY ? range : [...range, TRUNC[stats.granularity]],
      ),
    ]);
    const currencies = [...new Set([...days.map((d) => d.currency), ...customers.map((c) => c.currency)])].sort();
    const total = new Map<string, Sums>();
    const perBucket = new Map<string, Sums>(); // `<bucket from>|<currency>`
    const starts = stats.buckets.map((bucket) => bucket.from.getTime());
    for (const row of days) {
      const at = new Date(`${row.day}T00:00:00Z`).getTime();
      // The last bucket starting at or before the day (buckets are sorted and contiguous).
      let index = starts.length - 1;
      while (index > 0 && starts[index] > at) index -= 1;
      const add = (map: Map<string, Sums>, key: string) => {
        const sums = map.get(key) ?? emptySums();
        sums.gross += Number(row.gross);
        sums.orderCount += row.order_count;
        sums.refunds += Number(row.refunds);
        sums.refundCount += row.refund_count;
        map.set(key, sums);
      };
      add(perBucket, `${dateOf(stats.buckets[index].from)}|${row.currency}`);
      add(total, row.currency);
      if (stats.granularity === StatsGranularity.DAY)
        perBucket.get(`${row.day}|${row.currency}`)!.payingCustomerCount = row.customer_count;
    }
    for (const row of customers) {
      const key = row.bucket === null ? row.currency : `${row.bucket}|${row.currency}`;
      const map = row.bucket === null ? total : perBucket;
      map.set(key, { ...(map.get(key) ?? emptySums()), payingCustomerCount: row.customers });
    }
    const salesOf = (sums: (currency: CurrencyCode) => Sums | undefined) =>
      currencies.map((currency) => toSales(currency, sums(currency) ?? emptySums()));
    const series = stats.buckets.map((bucket) =>
      Object.assign(bucket, { sales: salesOf((currency) => perBucket.get(`${dateOf(bucket.from)}|${currency}`)) }),
    );
    const totals = Object.assign(new PlatformStatsBucket(), {
      from: stats.from,
      to: stats.to,
      sales: salesOf((currency) => total.get(currency)),
    });
    return { totals, series };
  }

  /** The products with the highest net sales in the period, `first` per currency. */
  async topProducts(context: RequestContext, stats: PlatformStats, first: number): Promise<PlatformTopProduct[]> {
    checkFirst(first);
    const rows = await this.tops.of(context).load(`${dateOf(stats.from)}|${dateOf(stats.to)}|products|${first}`);
    return rows.map((row) =>
      Object.assign(new PlatformTopProduct(), {
        productId: row.product_id!,
        vendorId: row.vendor_id,
        currency: row.currency,
        ...moneyOf(row),
        orderCount: row.line_count,
      }),
    );
  }

  /** The vendors with the highest net sales in the period, `first` per currency. */
  async topVendors(context: RequestContext, stats: PlatformStats, first: number): Promise<PlatformTopVendor[]> {
    checkFirst(first);
    const rows = await this.tops.of(context).load(`${dateOf(stats.from)}|${dateOf(stats.to)}|vendors|${first}`);
    return rows.map((row) =>
      Object.assign(new PlatformTopVendor(), {
        vendorId: row.vendor_id,
        currency: row.currency,
        ...moneyOf(row),
        lineCount: row.line_count,
      }),
    );
  }
}

function checkFirst(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_TOP)
    throw badInput([{ field: 'first', message: `must be between 1 and ${MAX_TOP}` }]);
}

function moneyOf(row: TopRow) {
  const gross = Number(row.gross);
  const refunds = Number(row.refunds);
  return {
    gross: Money.of(gross, row.currency),
    refunds: Money.of(refunds, row.currency),
    net: Money.of(gross - refunds, row.currency),
  };
}

function emptySums(): Sums {
  return { gross: 0, orderCount: 0, refunds: 0, refundCount: 0, payingCustomerCount: 0 };
}

function toSales(currency: CurrencyCode, sums: Sums): PlatformSales {
  return Object.assign(new PlatformSales(), {
    currency,
    gross: Money.of(sums.gross, currency),
    refunds: Money.of(sums.refunds, currency),
    net: Money.of(sums.gross - sums.refunds, currency),
    refundRate: sums.gross > 0 ? sums.refunds / sums.gross : 0,
    orderCount: sums.orderCount,
    refundCount: sums.refundCount,
    payingCustomerCount: sums.payingCustomerCount,
    // Half up, in integers: (2 × gross + count) ÷ (2 × count), floored.
    averageOrderValue: Money.of(
      sums.orderCount > 0 ? Math.floor((2 * sums.gross + sums.orderCount) / (2 * sums.orderCount)) : 0,
      currency,
    ),
  });
}

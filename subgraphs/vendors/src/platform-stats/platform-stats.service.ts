import {
  CurrencyCode,
  Money,
  PlatformStatsBucketKey,
  RequestContext,
  daysCovering,
  defineLoader,
  queryRows,
  sumDaysIntoBuckets,
  utcDay,
} from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { toAmount } from '../ledger/ledger.math';

/** What vendors adds to one bucket of `platformStats`. */
export interface VendorBucketFigures {
  /** Per currency of the whole answer, zeros included. */
  commission: Money[];
  newVendorCount: number;
}

/**
 * The platform's commission (net of commission given back with refunds, from the ledger's
 * daily rollup across vendors, `ledger_daily_platform`) and the vendors created, for every bucket of a `platformStats` answer: the
 * gateway sends them all in one `_entities` fetch, answered with two statements over the
 * days covering them.
 */
export class PlatformStatsFiguresService {
  constructor(private readonly db: DataSource) {}

  /** Keyed by `<from ISO>|<to ISO>`. */
  private readonly figuresOf = defineLoader<string, VendorBucketFigures>(async (keys) => {
    const buckets = keys.map(bucketOfKey);
    const range = daysCovering(buckets);
    if (!range) return buckets.map(() => ({ commission: [], newVendorCount: 0 }));
    const [commissionRows, vendorRows] = await Promise.all([
      queryRows<{ day: string; currency: CurrencyCode; commission: string }>(
        this.db,
        `SELECT day::text, currency, (-sum(amount))::bigint::text AS commission FROM ledger_daily_platform
            WHERE day >= $1::date AND day < $2::date AND kind IN ('COMMISSION', 'REFUND_COMMISSION')
            GROUP BY day, currency`,
        [utcDay(range.from), utcDay(range.to)],
      ),
      queryRows<{ day: string; vendors: number }>(
        this.db,
        `SELECT (created_at AT TIME ZONE 'UTC')::date::text AS day, count(*)::int AS vendors FROM vendors
            WHERE created_at >= $1 AND created_at < $2 GROUP BY 1`,
        [range.from, range.to],
      ),
    ]);
    const currencies = [...new Set(commissionRows.map((row) => row.currency))].sort();
    const commissionByDay = new Map<string, Map<CurrencyCode, number>>();
    for (const row of commissionRows) {
      const day = commissionByDay.get(row.day) ?? new Map<CurrencyCode, number>();
      day.set(row.currency, toAmount(row.commission));
      commissionByDay.set(row.day, day);
    }
    const commissions = sumDaysIntoBuckets(buckets, commissionByDay, (into, day) => {
      const sum = new Map(into ?? []);
      for (const [currency, amount] of day) sum.set(currency, (sum.get(currency) ?? 0) + amount);
      return sum;
    });
    const newVendors = sumDaysIntoBuckets(
      buckets,
      new Map(vendorRows.map((row) => [row.day, row.vendors])),
      (into, day) => (into ?? 0) + day,
    );
    return buckets.map((_, index) => ({
      commission: currencies.map((currency) => Money.of(commissions[index]?.get(currency) ?? 0, currency)),
      newVendorCount: newVendors[index] ?? 0,
    }));
  });

  figures(context: RequestContext, bucket: PlatformStatsBucketKey): Promise<VendorBucketFigures> {
    return this.figuresOf(context).load(`${bucket.from.toISOString()}|${bucket.to.toISOString()}`);
  }
}

function bucketOfKey(key: string): PlatformStatsBucketKey {
  const [from, to] = key.split('|');
  return { from: new Date(from), to: new Date(to) };
}

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
 * gateway sends them in one `_entities` fetch per path (the totals, the series), each batch
 * answered with one statement over the
 * days covering them.
 */
export class PlatformStatsFiguresService {
  constructor(private readonly db: DataSource) {}

  /** Keyed by `<from ISO>|<to ISO>`. */
  private readonly figuresOf = defineLoader<string, VendorBucketFigures>(async (keys) => {
    const buckets = keys.map(bucketOfKey);
    const range = daysCovering(buckets);
    if (!range) return buckets.map(() => ({ commission: [], newVendorCount: 0 }));
    // One statement: commission per day and currency, and vendors created per day (currency null).
    const rows = await queryRows<{ day: string; currency: CurrencyCode | null; value: string }>(
      this.db,
      `SELECT day::text, currency, (-sum(amount))::bigint::text AS value FROM ledger_daily_platform
        WHERE day >= $1::date AND day < $2::date AND kind IN ('COMMISSION', 'REFUND_COMMISSION')
        GROUP BY day, currency
       UNION ALL
       SELECT (created_at AT TIME ZONE 'UTC')::date::text, NULL, count(*)::text FROM vendors
        WHERE created_at >= $3 AND created_at < $4 GROUP BY 1`,
      [utcDay(range.from), utcDay(range.to), range.from, range.to],
    );
    const commissionRows = rows.flatMap((row) =>
      row.currency ? [{ day: row.day, currency: row.currency, commission: row.value }] : [],
    );
    const vendorRows = rows.flatMap((row) => (row.currency ? [] : [{ day: row.day, vendors: Number(row.value) }]));
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

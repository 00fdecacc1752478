import { CurrencyCode, defineLoader, queryRows } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { bucketStart, dateOf, nextBucket } from './platform-stats.buckets';
import { StatsGranularity } from './platform-stats.type';

export type TopList = 'products' | 'vendors';

/** One seller's sums over a period; `product_id` is null in the vendors' list. */
export interface TopRow {
  currency: CurrencyCode;
  product_id: string | null;
  vendor_id: string;
  gross: string;
  refunds: string;
  line_count: number;
}

/**
 * Where a list's figures live: exact sums per UTC day, and (for a list worth a candidate
 * search) gross per month ranked by an index. Vendors are few (a day holds a row per vendor
 * who sold, 11,000 rows in 30 days on the benchmark's data): summing them all costs about
 * what a search would, and their sales are too even for the bound to prune many.
 */
const SOURCES: Record<TopList, { daily: string; monthly: string | null; key: string; columns: string; lines: string }> =
  {
    products: {
      daily: 'order_daily_products',
      monthly: 'order_monthly_products',
      key: 'product_id',
      columns: 'd.product_id, d.vendor_id',
      lines: 'order_count',
    },
    vendors: {
      daily: 'order_daily_vendors',
      monthly: null,
      key: 'vendor_id',
      columns: 'NULL::uuid AS product_id, d.vendor_id',
      lines: 'line_count',
    },
  };

/**
 * How deep into each month's ranking the candidates go, as a multiple of the list's length,
 * before the exact sums of every seller of the period are taken instead. Measured on the
 * benchmark's 40 windows of 30 days (top 10): the bound settled 1 of them at 4, 23 at 16,
 * all 40 at 32.
 */
const CANDIDATE_DEPTH = 32;

/**
 * The best sellers of a period, exactly, without summing every seller of the period.
 *
 * A seller's net sales in the period (gross − refunds) are at most its gross in the calendar
 * months the period touches, and each month's gross is ranked by an index. So: take the best
 * `depth` sellers of each month as candidates and sum their days in the period; anyone else
 * sold at most the sum over the months of the gross ranked `depth + 1` (the bound). When the
 * `first`-th candidate's net beats the bound in every currency, the candidates hold the
 * answer; otherwise sum everyone (the plain aggregate), with the same result. On the
 * benchmark's data a 30-day period's products list reads a few hundred rows instead of
 * 23,000 (docs/benchmarks.md).
 */
export class TopSellers {
  constructor(private readonly db: DataSource) {}

  /** Keys `<from>|<to>|<list>|<first>`; one search per period and list asked in a request, at its longest `first`. */
  readonly of = defineLoader<string, TopRow[]>(async (keys) => {
    const wanted = new Map<string, number>();
    for (const key of keys) {
      const [from, to, list, first] = key.split('|');
      const search = `${from}|${to}|${list}`;
      wanted.set(search, Math.max(wanted.get(search) ?? 0, Number(first)));
    }
    const found = new Map<string, TopRow[]>();
    await Promise.all(
      [...wanted].map(async ([search, first]) => {
        const [from, to, list] = search.split('|');
        found.set(search, await this.best(list as TopList, from, to, first));
      }),
    );
    return keys.map((key) => {
      const [from, to, list, first] = key.split('|');
      const seen = new Map<string, number>();
      return (found.get(`${from}|${to}|${list}`) ?? []).filter((row) => {
        const count = (seen.get(row.currency) ?? 0) + 1;
        seen.set(row.currency, count);
        return count <= Number(first);
      });
    });
  });

  /** The best `first` per currency over [from, to) (UTC dates), best first within a currency, currencies in order. */
  async best(list: TopList, from: string, to: string, first: number): Promise<TopRow[]> {
    const found = SOURCES[list].monthly
      ? await this.fromCandidates(list, from, to, monthsOf(from, to), first * CANDIDATE_DEPTH, first)
      : null;
    return found ?? this.fromEveryone(list, from, to, first);
  }

  /** The answer from the candidates of each month, or null when the bound leaves it open. */
  private async fromCandidates(
    list: TopList,
    from: string,
    to: string,
    months: string[],
    depth: number,
    first: number,
  ): Promise<TopRow[] | null> {
    const { daily, monthly, key, columns, lines } = SOURCES[list];
    if (!monthly) return null;
    const rows = await queryRows<TopRow & { bound: string | null }>(
      this.db,
      `WITH currencies AS (SELECT DISTINCT currency FROM order_daily WHERE day >= $1::date AND day < $2::date),
       listed AS MATERIALIZED (
         SELECT c.currency, l.${key}, l.gross, l.rank
           FROM currencies c CROSS JOIN unnest($3::date[]) AS m(month) CROSS JOIN LATERAL (
             SELECT ${key}, gross, row_number() OVER (ORDER BY gross DESC) AS rank
               FROM ${monthly} WHERE month = m.month AND currency = c.currency
              ORDER BY gross DESC LIMIT $4::int + 1) l),
       candidates AS (SELECT DISTINCT currency, ${key} FROM listed WHERE rank <= $4::int),
       sums AS MATERIALIZED (
         SELECT d.currency, ${columns}, sum(d.gross)::bigint AS gross, sum(d.refunds)::bigint AS refunds,
                sum(d.${lines})::int AS line_count
           FROM candidates c
           JOIN ${daily} d ON d.${key} = c.${key} AND d.currency = c.currency AND d.day >= $1::date AND d.day < $2::date
          GROUP BY ${groupBy(list)})
       ${bestOfSums(key, '$5', ', NULL AS bound')}
       UNION ALL
       SELECT c.currency, NULL, NULL, NULL, NULL, NULL,
              COALESCE((SELECT sum(gross) FROM listed l WHERE l.currency = c.currency AND l.rank = $4::int + 1), 0)::text
         FROM currencies c`,
      [from, to, months, depth, first],
    );
    const answer: TopRow[] = [];
    for (const { currency, bound } of rows.filter((row) => row.bound !== null)) {
      const best = rows.filter((row) => row.bound === null && row.currency === currency);
      // Strictly above: a seller outside the candidates may equal the bound, and win the tie on its id.
      if (best.length < first || !(net(best[best.length - 1]) > BigInt(bound!))) return null;
      answer.push(...best.map(({ bound: _bound, ...row }) => row));
    }
    return answer;
  }

  /** The plain aggregate: every seller of the period summed, the best `first` per currency. */
  private fromEveryone(list: TopList, from: string, to: string, first: number): Promise<TopRow[]> {
    const { daily, key, columns, lines } = SOURCES[list];
    return queryRows<TopRow>(
      this.db,
      `WITH sums AS MATERIALIZED (
         SELECT currency, ${columns}, sum(gross)::bigint AS gross, sum(refunds)::bigint AS refunds,
                sum(${lines})::int AS line_count
           FROM ${daily} d WHERE day >= $1::date AND day < $2::date
          GROUP BY ${groupBy(list)}),
       currencies AS (SELECT DISTINCT currency FROM sums)
       ${bestOfSums(key, '$3')}`,
      [from, to, first],
    );
  }
}

const groupBy = (list: TopList) =>
  list === 'products' ? 'd.currency, d.product_id, d.vendor_id' : 'd.currency, d.vendor_id';

/**
 * The best `limit` of `sums` per currency of `currencies`, in the lists' order (net sales,
 * then gross, descending, then the id), currencies in order: a top-N heap sort per currency
 * instead of a sort of every seller.
 */
const bestOfSums = (key: string, limit: string, more = '') => `
  SELECT t.currency, t.product_id, t.vendor_id, t.gross::text, t.refunds::text, t.line_count${more}
    FROM (SELECT currency FROM currencies ORDER BY currency) c CROSS JOIN LATERAL (
      SELECT * FROM sums s WHERE s.currency = c.currency
       ORDER BY s.gross - s.refunds DESC, s.gross DESC, s.${key} LIMIT ${limit}) t`;

/** The first day of each calendar month that [from, to) touches. */
function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  const end = new Date(`${to}T00:00:00Z`);
  for (
    let month = bucketStart(new Date(`${from}T00:00:00Z`), StatsGranularity.MONTH);
    month < end;
    month = nextBucket(month, StatsGranularity.MONTH)
  )
    months.push(dateOf(month));
  return months;
}

const net = (row: TopRow) => BigInt(row.gross) - BigInt(row.refunds);

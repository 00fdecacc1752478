import {
  PlatformStatsBucketKey,
  RequestContext,
  daysCovering,
  defineLoader,
  queryRows,
  sumDaysIntoBuckets,
} from '@marketplace/kit';
import type { DataSource } from 'typeorm';

/**
 * The users created in every bucket of a `platformStats` answer: the gateway sends the buckets
 * in one `_entities` fetch per path (the totals, the series), each answered with one statement (users per UTC day over the days
 * covering them, on the `created_at` index) summed into each bucket.
 */
export class NewUsersService {
  constructor(private readonly db: DataSource) {}

  /** Keyed by `<from ISO>|<to ISO>`. */
  private readonly countsOf = defineLoader<string, number>(async (keys) => {
    const buckets = keys.map(bucketOfKey);
    const range = daysCovering(buckets);
    if (!range) return keys.map(() => 0);
    const rows = await queryRows<{ day: string; users: number }>(
      this.db,
      `SELECT (created_at AT TIME ZONE 'UTC')::date::text AS day, count(*)::int AS users FROM users
        WHERE created_at >= $1 AND created_at < $2 GROUP BY 1`,
      [range.from, range.to],
    );
    const counts = sumDaysIntoBuckets(
      buckets,
      new Map(rows.map((row) => [row.day, row.users])),
      (into, day) => (into ?? 0) + day,
    );
    return counts.map((count) => count ?? 0);
  });

  newUsers(context: RequestContext, bucket: PlatformStatsBucketKey): Promise<number> {
    return this.countsOf(context).load(`${bucket.from.toISOString()}|${bucket.to.toISOString()}`);
  }
}

function bucketOfKey(key: string): PlatformStatsBucketKey {
  const [from, to] = key.split('|');
  return { from: new Date(from), to: new Date(to) };
}

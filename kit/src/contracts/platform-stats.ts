import { Directive, Field, ObjectType } from 'type-graphql';

/**
 * `platformStats` (issue 20) is answered by several subgraphs: orders owns the root field and
 * the sales, vendors adds the commission and new vendors, users the new users, each from its
 * own tables. Every bucket of the answer (the totals and each step of the series) is the
 * entity `PlatformStatsBucket`, keyed by its bounds, so each subgraph gets every bucket of a
 * query in one `_entities` fetch. Buckets are whole UTC days (or weeks, months) long.
 */
export const PLATFORM_STATS_BUCKET_DESCRIPTION =
  'The platform over one stretch of time: the whole period asked (totals) or one step of its series. Bounds are UTC day (week, month) boundaries; `to` is exclusive.';

const FROM_DESCRIPTION = 'Start of the bucket (inclusive), a UTC midnight.';
const TO_DESCRIPTION = 'End of the bucket (exclusive), a UTC midnight.';

/** The bucket as a subgraph that only adds fields to it knows it: its key. */
export interface PlatformStatsBucketKey {
  from: Date;
  to: Date;
}

/** The class `platformStatsBucketStub` returns, new-able for type-graphql. */
export interface PlatformStatsBucketStubClass {
  new (): PlatformStatsBucketKey;
  of(representation: { from: string | Date; to: string | Date }): PlatformStatsBucketKey;
}

/**
 * `type PlatformStatsBucket @key(fields: "from to") { from to }` for a subgraph adding fields
 * to the buckets (vendors, users); each call makes a new class, so each subgraph has its own.
 */
export function platformStatsBucketStub(): PlatformStatsBucketStubClass {
  @ObjectType('PlatformStatsBucket', { description: PLATFORM_STATS_BUCKET_DESCRIPTION })
  @Directive('@key(fields: "from to")')
  class PlatformStatsBucket implements PlatformStatsBucketKey {
    @Field({ description: FROM_DESCRIPTION })
    from: Date;

    @Field({ description: TO_DESCRIPTION })
    to: Date;

    static of(representation: { from: string | Date; to: string | Date }): PlatformStatsBucket {
      return Object.assign(new PlatformStatsBucket(), {
        from: new Date(representation.from),
        to: new Date(representation.to),
      });
    }
  }
  return PlatformStatsBucket;
}

export const PLATFORM_STATS_BOUND_DESCRIPTIONS = { from: FROM_DESCRIPTION, to: TO_DESCRIPTION } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD` of the UTC day holding `at` (as Postgres prints a `date`). */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Sums per-UTC-day values into each bucket: a bucket holds the days from the one of `from` up
 * to, not including, the one of `to` (bounds are midnights; a bound inside a day counts that
 * day from its start). One pass over the days per bucket; a series has at most a few hundred.
 */
export function sumDaysIntoBuckets<T>(
  buckets: readonly PlatformStatsBucketKey[],
  days: ReadonlyMap<string, T>,
  add: (into: T | undefined, day: T) => T,
): (T | undefined)[] {
  return buckets.map((bucket) => {
    let total: T | undefined;
    const first = Date.UTC(bucket.from.getUTCFullYear(), bucket.from.getUTCMonth(), bucket.from.getUTCDate());
    for (let at = first; at < bucket.to.getTime(); at += DAY_MS) {
      const value = days.get(utcDay(new Date(at)));
      if (value !== undefined) total = add(total, value);
    }
    return total;
  });
}

/** The smallest range of whole UTC days covering every bucket: [midnight of the first, midnight after the last), for one statement. */
export function daysCovering(buckets: readonly PlatformStatsBucketKey[]): { from: Date; to: Date } | null {
  const valid = buckets.filter((b) => !Number.isNaN(b.from.getTime()) && !Number.isNaN(b.to.getTime()));
  if (valid.length === 0) return null;
  const midnight = (at: number) => Math.floor(at / DAY_MS) * DAY_MS;
  const from = midnight(Math.min(...valid.map((b) => b.from.getTime())));
  const last = Math.max(...valid.map((b) => b.to.getTime()));
  return { from: new Date(from), to: new Date(midnight(last) === last ? last : midnight(last) + DAY_MS) };
}

import { StatsGranularity } from './platform-stats.type';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The start of the UTC bucket holding `at`: its day, its ISO week's Monday, its month's 1st. */
export function bucketStart(at: Date, granularity: StatsGranularity): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (granularity === StatsGranularity.WEEK) return new Date(day - ((at.getUTCDay() + 6) % 7) * DAY_MS);
  if (granularity === StatsGranularity.MONTH) return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  return new Date(day);
}

/** The start of the bucket after the one starting at `start`. */
export function nextBucket(start: Date, granularity: StatsGranularity): Date {
  if (granularity === StatsGranularity.MONTH)
    return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return new Date(start.getTime() + (granularity === StatsGranularity.WEEK ? 7 : 1) * DAY_MS);
}

/**
 * The period widened to whole buckets: `from` rounded down to the start of its bucket, `to`
 * rounded up to the end of its own (unless it is a boundary already), and the buckets in
 * between, stopping once there are more than `limit` (the caller refuses those).
 */
export function bucketsOf(
  from: Date,
  to: Date,
  granularity: StatsGranularity,
  limit: number,
): { from: Date; to: Date; starts: Date[] } {
  const start = bucketStart(from, granularity);
  const lastStart = bucketStart(to, granularity);
  const end = lastStart.getTime() === to.getTime() ? lastStart : nextBucket(lastStart, granularity);
  const starts: Date[] = [];
  for (let at = start; at < end && starts.length <= limit; at = nextBucket(at, granularity)) starts.push(at);
  return { from: start, to: end, starts };
}

/** `YYYY-MM-DD` of a UTC midnight (a Postgres `date`). */
export const dateOf = (at: Date) => at.toISOString().slice(0, 10);

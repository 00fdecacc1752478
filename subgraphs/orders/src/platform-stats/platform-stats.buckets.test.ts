import { bucketStart, bucketsOf, nextBucket } from './platform-stats.buckets';
import { StatsGranularity } from './platform-stats.type';

const { DAY, WEEK, MONTH } = StatsGranularity;
const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

describe('UTC buckets', () => {
  it.each([
    ['2025-03-05T13:45:00.000Z', DAY, '2025-03-05T00:00:00.000Z'],
    ['2025-03-05T00:00:00.000Z', DAY, '2025-03-05T00:00:00.000Z'],
    ['2025-03-09T23:59:59.999Z', WEEK, '2025-03-03T00:00:00.000Z'], // a Sunday belongs to the week of its Monday
    ['2025-03-10T00:00:00.000Z', WEEK, '2025-03-10T00:00:00.000Z'],
    ['2025-01-01T10:00:00.000Z', WEEK, '2024-12-30T00:00:00.000Z'], // ISO week across a year
    ['2024-02-29T23:00:00.000Z', MONTH, '2024-02-01T00:00:00.000Z'],
  ])('%s by %s starts at %s', (time, granularity, start) => {
    expect(iso(bucketStart(at(time), granularity))).toBe(start);
  });

  it('steps by a day, a week, a calendar month (28 to 31 days)', () => {
    expect(iso(nextBucket(at('2024-12-31T00:00:00.000Z'), DAY))).toBe('2025-01-01T00:00:00.000Z');
    expect(iso(nextBucket(at('2024-12-30T00:00:00.000Z'), WEEK))).toBe('2025-01-06T00:00:00.000Z');
    expect(iso(nextBucket(at('2024-01-01T00:00:00.000Z'), MONTH))).toBe('2024-02-01T00:00:00.000Z');
    expect(iso(nextBucket(at('2024-02-01T00:00:00.000Z'), MONTH))).toBe('2024-03-01T00:00:00.000Z');
    expect(iso(nextBucket(at('2024-12-01T00:00:00.000Z'), MONTH))).toBe('2025-01-01T00:00:00.000Z');
  });

  it('widens a period to whole buckets: from down, to up unless already a boundary', () => {
    const aligned = bucketsOf(at('2025-03-01T00:00:00.000Z'), at('2025-03-31T00:00:00.000Z'), DAY, 366);
    expect([iso(aligned.from), iso(aligned.to), aligned.starts.length]).toEqual([
      '2025-03-01T00:00:00.000Z',
      '2025-03-31T00:00:00.000Z',
      30,
    ]);
    const ragged = bucketsOf(at('2025-03-01T06:00:00.000Z'), at('2025-03-30T00:00:00.001Z'), DAY, 366);
    expect([iso(ragged.from), iso(ragged.to), ragged.starts.length]).toEqual([
      '2025-03-01T00:00:00.000Z',
      '2025-03-31T00:00:00.000Z',
      30,
    ]);
  });

  it('stops counting past the limit, so a caller can refuse a period that is too long', () => {
    expect(bucketsOf(at('2024-01-01T00:00:00.000Z'), at('2025-01-01T00:00:00.000Z'), DAY, 366).starts).toHaveLength(
      366,
    );
    expect(bucketsOf(at('2024-01-01T00:00:00.000Z'), at('2025-01-02T00:00:00.000Z'), DAY, 366).starts).toHaveLength(
      367,
    );
    expect(bucketsOf(at('1990-01-01T00:00:00.000Z'), at('2090-01-01T00:00:00.000Z'), MONTH, 366).starts).toHaveLength(
      367,
    );
  });
});

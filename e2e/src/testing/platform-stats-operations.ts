import type { BenchmarkOperation } from './benchmark-operations';

/**
 * The operator's dashboard (issue 20): `platformStats` over a daily series with every figure
 * of every bucket, from orders, vendors and users, and both top lists with names from catalog
 * and vendors. `$first` sizes the top lists; the period's length sizes the series.
 */
export const PLATFORM_STATS: BenchmarkOperation = {
  name: 'PlatformStats',
  title: 'platform stats (daily series)',
  query: `query PlatformStats($from: DateTimeISO!, $to: DateTimeISO!, $first: Int!) {
    platformStats(period: { from: $from, to: $to }, granularity: DAY) {
      from to
      totals { ...Figures }
      series { from ...Figures }
      topProducts(first: $first) { product { name } currency net { amount } orderCount }
      topVendors(first: $first) { vendor { displayName } currency net { amount } lineCount }
    }
  }
  fragment Figures on PlatformStatsBucket {
    newUserCount newVendorCount commission { amount currency }
    sales { currency gross { amount } refunds { amount } net { amount } refundRate orderCount refundCount payingCustomerCount averageOrderValue { amount } }
  }`,
  page: (data) => data.platformStats.series,
};

/** A period of `days` UTC days ending with today (the series has `days` buckets). */
export function lastDays(days: number, now = new Date()): { from: string; to: string } {
  const to = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return { from: new Date(to - days * 24 * 60 * 60 * 1000).toISOString(), to: new Date(to).toISOString() };
}

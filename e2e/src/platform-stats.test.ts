import { randomUUID } from 'node:crypto';
import { globalId } from '@marketplace/kit/testing';
import type { DataSource } from 'typeorm';
import { ledgerOf, orderWithIntent, postWebhook, succeeded } from './testing/money';
import { ADA, P1, P2, P3, V2, writeKnownDays } from './testing/platform-stats-data';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * Issue 20, platform metrics, through the gateway: every figure of `platformStats` on a small
 * known data set, bucket boundaries, bad input and the authorization matrix. The known days
 * (March 2025) are written into each subgraph's own tables as its events would have left them
 * (the rollup triggers fire on them as on live writes); today's buckets come from real
 * purchases and a refund made through the gateway.
 */
const WEBHOOK_SECRET = `whsec_${randomUUID().replace(/-/g, '')}`;

let supergraph: TestSupergraph;
let admin: string;
beforeAll(async () => {
  supergraph = await startTestSupergraph({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  admin = await signIn('admin@marketplace.local', 'admin-password-123');
  await writeKnownDays(supergraph);
}, 60_000);
afterAll(() => supergraph?.close());

const gql = () => supergraph.client;
const db = (subgraph: string): DataSource => supergraph.subgraphs.get(subgraph)!.deps.db;

async function signIn(email: string, password: string): Promise<string> {
  const { login } = await gql().data(
    `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }`,
    { variables: { e: email, p: password } },
  );
  return login.accessToken;
}

const MONEY = 'amount currency';
const BUCKET = `from to newUserCount newVendorCount commission { ${MONEY} }
  sales { currency gross { ${MONEY} } refunds { ${MONEY} } net { ${MONEY} } refundRate orderCount refundCount payingCustomerCount averageOrderValue { ${MONEY} } }`;
const STATS = `query($from: DateTimeISO!, $to: DateTimeISO!, $g: StatsGranularity!, $first: Int! = 10) {
  platformStats(period: { from: $from, to: $to }, granularity: $g) {
    from to granularity totals { ${BUCKET} } series { ${BUCKET} }
    topProducts(first: $first) { product { id } vendor { id } currency gross { ${MONEY} } refunds { ${MONEY} } net { ${MONEY} } orderCount }
    topVendors(first: $first) { vendor { id } currency gross { ${MONEY} } refunds { ${MONEY} } net { ${MONEY} } lineCount }
  } }`;

const statsOf = (from: string, to: string, g: string, token = admin, first = 10) =>
  gql().request(STATS, { variables: { from, to, g, first }, token });

const money = (amount: number, currency: string) => ({ amount, currency });
function sales(
  currency: string,
  s: Partial<{ gross: number; refunds: number; orders: number; refundCount: number; customers: number }>,
) {
  const gross = s.gross ?? 0;
  const refunds = s.refunds ?? 0;
  const orders = s.orders ?? 0;
  return {
    currency,
    gross: money(gross, currency),
    refunds: money(refunds, currency),
    net: money(gross - refunds, currency),
    refundRate: gross > 0 ? refunds / gross : 0,
    orderCount: orders,
    refundCount: s.refundCount ?? 0,
    payingCustomerCount: s.customers ?? 0,
    averageOrderValue: money(orders > 0 ? Math.round(gross / orders) : 0, currency),
  };
}

describe('platformStats on known days', () => {
  it('weekly: every figure of both buckets and the totals, per currency, with the top lists', async () => {
    const result = await statsOf('2025-03-03T00:00:00.000Z', '2025-03-17T00:00:00.000Z', 'WEEK');
    expect(result.errors).toBeUndefined();
    const stats = result.data!.platformStats;
    expect(stats).toMatchObject({
      from: '2025-03-03T00:00:00.000Z',
      to: '2025-03-17T00:00:00.000Z',
      granularity: 'WEEK',
    });
    expect(stats.series).toEqual([
      {
        from: '2025-03-03T00:00:00.000Z',
        to: '2025-03-10T00:00:00.000Z',
        newUserCount: 2, // U1, and U2 at 23:59:59.999 on Sunday
        newVendorCount: 1,
        commission: [money(300, 'EUR'), money(675, 'USD')],
        sales: [
          sales('EUR', { gross: 2000, orders: 1, customers: 1 }),
          sales('USD', { gross: 4500, orders: 3, customers: 2 }),
        ],
      },
      {
        from: '2025-03-10T00:00:00.000Z',
        to: '2025-03-17T00:00:00.000Z',
        newUserCount: 1, // U3 at midnight Monday
        newVendorCount: 1,
        commission: [money(-300, 'EUR'), money(0, 'USD')], // given back with the refund
        sales: [sales('EUR', { refunds: 2000, refundCount: 1 }), sales('USD', {})],
      },
    ]);
    expect(stats.totals).toEqual({
      from: '2025-03-03T00:00:00.000Z',
      to: '2025-03-17T00:00:00.000Z',
      newUserCount: 3,
      newVendorCount: 2,
      commission: [money(0, 'EUR'), money(675, 'USD')],
      sales: [
        sales('EUR', { gross: 2000, refunds: 2000, orders: 1, refundCount: 1, customers: 1 }),
        sales('USD', { gross: 4500, orders: 3, customers: 2 }),
      ],
    });
    expect(stats.totals.sales[0].refundRate).toBe(1);
    expect(stats.totals.sales[1].averageOrderValue).toEqual(money(1500, 'USD'));
    const top = (currency: string, gross: number, refunds: number) => ({
      currency,
      gross: money(gross, currency),
      refunds: money(refunds, currency),
      net: money(gross - refunds, currency),
    });
    expect(stats.topProducts).toEqual([
      {
        product: { id: globalId('Product', P3) },
        vendor: { id: globalId('Vendor', ADA) },
        ...top('EUR', 2000, 2000),
        orderCount: 1,
      },
      {
        product: { id: globalId('Product', P2) },
        vendor: { id: globalId('Vendor', V2) },
        ...top('USD', 2500, 0),
        orderCount: 2,
      },
      {
        product: { id: globalId('Product', P1) },
        vendor: { id: globalId('Vendor', ADA) },
        ...top('USD', 2000, 0),
        orderCount: 2,
      },
    ]);
    expect(stats.topVendors).toEqual([
      { vendor: { id: globalId('Vendor', ADA) }, ...top('EUR', 2000, 2000), lineCount: 1 },
      { vendor: { id: globalId('Vendor', V2) }, ...top('USD', 2500, 0), lineCount: 2 },
      { vendor: { id: globalId('Vendor', ADA) }, ...top('USD', 2000, 0), lineCount: 2 },
    ]);
    const firstOnly = await statsOf('2025-03-03T00:00:00.000Z', '2025-03-17T00:00:00.000Z', 'WEEK', admin, 1);
    expect(firstOnly.data!.platformStats.topProducts.map((p: { currency: string }) => p.currency)).toEqual([
      'EUR',
      'USD',
    ]);
  });

  it('daily: a sale at 23:59:59.999 counts on its day, one at 00:00 on the next; empty days are present with zeros', async () => {
    const stats = (await statsOf('2025-03-03T00:00:00.000Z', '2025-03-06T00:00:00.000Z', 'DAY')).data!.platformStats;
    expect(stats.series.map((b: { from: string; sales: unknown[] }) => [b.from, b.sales])).toEqual([
      ['2025-03-03T00:00:00.000Z', [sales('EUR', {}), sales('USD', { gross: 4000, orders: 2, customers: 1 })]],
      ['2025-03-04T00:00:00.000Z', [sales('EUR', { gross: 2000, orders: 1, customers: 1 }), sales('USD', {})]],
      ['2025-03-05T00:00:00.000Z', [sales('EUR', {}), sales('USD', {})]], // the cancelled order counts nowhere
    ]);
    expect(stats.totals.sales[1].averageOrderValue).toEqual(money(2000, 'USD'));
    expect(stats.series.map((b: { newVendorCount: number }) => b.newVendorCount)).toEqual([0, 0, 1]);
  });

  it('widens a period not on bucket boundaries to whole UTC buckets (from down, to up)', async () => {
    const days = (await statsOf('2025-03-03T12:00:00.000Z', '2025-03-04T06:00:00.000Z', 'DAY')).data!.platformStats;
    expect([days.from, days.to, days.series.length]).toEqual([
      '2025-03-03T00:00:00.000Z',
      '2025-03-05T00:00:00.000Z',
      2,
    ]);
    const month = (await statsOf('2025-03-15T00:00:00.000Z', '2025-03-16T00:00:00.000Z', 'MONTH')).data!.platformStats;
    expect([month.from, month.to, month.series.length]).toEqual([
      '2025-03-01T00:00:00.000Z',
      '2025-04-01T00:00:00.000Z',
      1,
    ]);
    expect(month.totals.sales[1].gross).toEqual(money(4500, 'USD'));
    const week = (await statsOf('2025-03-05T00:00:00.000Z', '2025-03-11T00:00:00.000Z', 'WEEK')).data!.platformStats;
    expect([week.from, week.to]).toEqual(['2025-03-03T00:00:00.000Z', '2025-03-17T00:00:00.000Z']);
  });

  it('an empty period answers its buckets with no currencies and zero counts', async () => {
    const stats = (await statsOf('2020-01-01T00:00:00.000Z', '2020-01-03T00:00:00.000Z', 'DAY')).data!.platformStats;
    expect(stats.series).toEqual([
      {
        from: '2020-01-01T00:00:00.000Z',
        to: '2020-01-02T00:00:00.000Z',
        newUserCount: 0,
        newVendorCount: 0,
        commission: [],
        sales: [],
      },
      {
        from: '2020-01-02T00:00:00.000Z',
        to: '2020-01-03T00:00:00.000Z',
        newUserCount: 0,
        newVendorCount: 0,
        commission: [],
        sales: [],
      },
    ]);
    expect(stats.topProducts).toEqual([]);
  });
});

describe('platformStats today, from purchases and a refund made through the gateway', () => {
  it('counts two paid orders, one refunded, their customers and the commission left', async () => {
    const bought = [await orderWithIntent(supergraph), await orderWithIntent(supergraph)];
    for (const made of bought)
      expect((await postWebhook(supergraph, WEBHOOK_SECRET, succeeded(made))).status).toBe(200);
    for (const made of bought)
      await until(
        async () => ((await ledgerOf(supergraph, made.order.id)).length === 2 ? true : undefined),
        'the vendor credit',
      );
    await gql().data(
      `mutation($o: ID!) { refundOrder(input: { orderId: $o, reason: "Customer asked" }) { payment { status } } }`,
      {
        variables: { o: bought[1].order.id },
        token: admin,
      },
    );
    await until(
      async () => ((await ledgerOf(supergraph, bought[1].order.id)).length === 4 ? true : undefined),
      'the vendor debit',
    );
    const refunded = await until(async () => {
      const { order } = await gql().data(`query($o: ID!) { order(id: $o) { status } }`, {
        variables: { o: bought[1].order.id },
        token: admin,
      });
      return order.status === 'REFUNDED' ? true : undefined;
    }, 'the order refunded');
    expect(refunded).toBe(true);

    const today = new Date();
    const from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
    const to = new Date(from.getTime() + 24 * 60 * 60 * 1000);
    const stats = (await statsOf(from.toISOString(), to.toISOString(), 'DAY')).data!.platformStats;
    const [a, b] = bought.map((made) => made.order.total.amount);
    expect(stats.totals.sales).toEqual([
      sales('USD', { gross: a + b, refunds: b, orders: 2, refundCount: 1, customers: 2 }),
    ]);
    const commissionLeft = -(await ledgerOf(supergraph, bought[0].order.id)).find((e) => e.kind === 'COMMISSION')!
      .amount;
    expect(commissionLeft).toBeGreaterThan(0);
    expect(stats.totals.commission).toEqual([money(commissionLeft, 'USD')]);
    // The seeded admin and demo accounts, and the two buyers, registered today.
    const [{ n }] = await db('users').query(`SELECT count(*)::int AS n FROM users WHERE created_at >= $1`, [from]);
    expect(stats.totals.newUserCount).toBe(n);
    expect(stats.totals.newUserCount).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

describe('platformStats: bad input and who may ask', () => {
  const expectBadInput = async (from: string, to: string, g: string, fields: string[], first = 10) => {
    const result = await statsOf(from, to, g, admin, first);
    expect(result.data?.platformStats ?? null).toBeNull();
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((result.errors?.[0].extensions?.fields as { field: string }[]).map((f) => f.field)).toEqual(fields);
  };

  it('refuses an empty or reversed period, too many buckets, and a top list out of 1..50', async () => {
    await expectBadInput('2025-03-03T00:00:00.000Z', '2025-03-03T00:00:00.000Z', 'DAY', ['period.to']);
    await expectBadInput('2025-03-04T00:00:00.000Z', '2025-03-03T00:00:00.000Z', 'DAY', ['period.to']);
    await expectBadInput('2024-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z', 'DAY', ['period']); // 367 days
    // 366 days is the most: a leap year of days is fine, and the same span by week too.
    expect((await statsOf('2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', 'DAY')).errors).toBeUndefined();
    await expectBadInput('1969-12-31T00:00:00.000Z', '2025-03-10T00:00:00.000Z', 'MONTH', ['period.from']);
    await expectBadInput('2025-03-03T00:00:00.000Z', '9999-12-31T00:00:00.000Z', 'MONTH', ['period.to']);
    await expectBadInput('2025-03-03T00:00:00.000Z', '2025-03-10T00:00:00.000Z', 'WEEK', ['first'], 0);
    await expectBadInput('2025-03-03T00:00:00.000Z', '2025-03-10T00:00:00.000Z', 'WEEK', ['first'], 51);
  });

  it('refuses a malformed time and an unknown granularity before any resolver runs', async () => {
    const malformed = await statsOf('yesterday', '2025-03-10T00:00:00.000Z', 'DAY');
    expect(malformed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await statsOf('2025-03-03T00:00:00.000Z', '2025-03-10T00:00:00.000Z', 'YEAR');
    expect(unknown.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('is for admins: anonymous UNAUTHENTICATED, a customer and a vendor FORBIDDEN, all with null', async () => {
    const customer = await signIn('alan@customers.local', 'demo-password-123');
    const vendor = await signIn('ada@vendors.local', 'demo-password-123');
    for (const [token, code] of [
      [undefined, 'UNAUTHENTICATED'],
      [customer, 'FORBIDDEN'],
      [vendor, 'FORBIDDEN'],
    ] as const) {
      const result = await gql().request(STATS, {
        variables: { from: '2025-03-03T00:00:00.000Z', to: '2025-03-10T00:00:00.000Z', g: 'DAY' },
        token,
      });
      expect(result.data?.platformStats ?? null).toBeNull();
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual([code]);
    }
  });
});

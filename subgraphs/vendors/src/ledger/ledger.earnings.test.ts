import { randomUUID } from 'node:crypto';
import { Role } from '@marketplace/kit';
import { TestSubgraph, deliver, globalId, person } from '@marketplace/kit/testing';
import {
  REQUEST_PAYOUT,
  activeVendor,
  daysAgo,
  moneyOf,
  paidOrder,
  payoutInput,
  refundEvent,
  startVendor,
} from '../testing';

/** Balances under the earnings hold, and the earnings and stats by period. */
let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor(); // the default hold: 7 days
});
afterAll(() => vendor.close());

describe('hold', () => {
  it('keeps a sale pending for VENDOR_EARNINGS_HOLD_DAYS (7), then makes it available', async () => {
    const a = await activeVendor(vendor, admin);
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }], daysAgo(8)); // past the hold: 850 available
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 2000 }], daysAgo(6)); // inside it: 1700 pending
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 3000 }]); // just now: 2550 pending
    expect((await moneyOf(vendor, a.vendor.id, a.owner.token)).balance).toEqual({
      currency: 'USD',
      available: { amount: 850, currency: 'USD' },
      pending: { amount: 4250, currency: 'USD' },
    });
  });

  it('pending money cannot be paid out: requestPayout is CONFLICT with 0 available', async () => {
    const a = await activeVendor(vendor, admin);
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 10_000 }]);
    const result = await vendor.client.request(REQUEST_PAYOUT, { variables: payoutInput(1), token: a.owner.token });
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'INSUFFICIENT_BALANCE' });
    expect(result.errors?.[0].message).toMatch(/ 0 USD/);
  });

  it('a refund inside the hold cancels pending money; after it, it comes out of available', async () => {
    const a = await activeVendor(vendor, admin);
    const old = await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }], daysAgo(10));
    const recent = await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 2000 }], daysAgo(1));
    expect((await moneyOf(vendor, a.vendor.id, admin.token)).balance).toMatchObject({
      available: { amount: 850 },
      pending: { amount: 1700 },
    });
    await deliver(vendor, refundEvent(recent));
    expect((await moneyOf(vendor, a.vendor.id, admin.token)).balance).toMatchObject({
      available: { amount: 850 },
      pending: { amount: 0 },
    });
    await deliver(vendor, refundEvent(old));
    expect((await moneyOf(vendor, a.vendor.id, admin.token)).balance).toMatchObject({
      available: { amount: 0 },
      pending: { amount: 0 },
    });
  });
});

describe('earnings and stats', () => {
  it('count by period, per currency, with the top 5 products by revenue', async () => {
    const a = await activeVendor(vendor, admin);
    const products = Array.from({ length: 7 }, (_, i) => ({
      productId: globalId('Product', randomUUID()),
      name: `Agent ${i + 1}`,
    }));
    // Product i sells at (i + 1) × 1000 today; product 0 also sold 40 and 400 days ago; product 6 is refunded.
    for (const [i, product] of products.entries())
      await paidOrder(vendor, [{ vendorId: a.vendor.id, price: (i + 1) * 1000, ...product }]);
    await paidOrder(
      vendor,
      [{ vendorId: a.vendor.id, price: 1000, ...products[0], name: 'Agent 1 (old name)' }],
      daysAgo(40),
    );
    await paidOrder(
      vendor,
      [{ vendorId: a.vendor.id, price: 1000, ...products[0], name: 'Agent 1 (older name)' }],
      daysAgo(400),
    );
    const refunded = await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 500, ...products[6] }], daysAgo(3));
    await deliver(vendor, refundEvent(refunded));
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 9999, currency: 'EUR' }]);

    const week = await moneyOf(vendor, a.vendor.id, a.owner.token, 'LAST_7_DAYS');
    // USD today: 1000 + … + 7000 = 28000, plus the refunded 500; commission 15 % of each.
    expect(week.earnings).toEqual({
      period: 'LAST_7_DAYS',
      currency: 'USD',
      gross: { amount: 28_500, currency: 'USD' },
      commission: { amount: 4200 },
      refunds: { amount: 500 },
      net: { amount: 23_800 },
    });
    expect(week.stats).toMatchObject({
      saleCount: 8,
      refundCount: 1,
      gross: { amount: 28_500 },
      net: { amount: 23_800 },
    });
    expect(week.stats.topProducts).toEqual(
      [6, 5, 4, 3, 2].map((i) => ({
        product: { id: products[i].productId },
        name: products[i].name,
        saleCount: i === 6 ? 2 : 1,
        gross: { amount: (i + 1) * 1000 + (i === 6 ? 500 : 0), currency: 'USD' },
      })),
    );

    const month = await moneyOf(vendor, a.vendor.id, a.owner.token, 'LAST_30_DAYS');
    expect(month.earnings.gross.amount).toBe(28_500);
    const year = await moneyOf(vendor, a.vendor.id, a.owner.token, 'LAST_365_DAYS');
    expect(year.earnings).toMatchObject({
      gross: { amount: 29_500 },
      commission: { amount: 4350 },
      net: { amount: 24_650 },
    });
    const all = await moneyOf(vendor, a.vendor.id, a.owner.token, 'ALL_TIME');
    expect(all.stats.saleCount).toBe(10);
    expect(all.stats.topProducts.find((t) => t.product.id === products[0].productId)).toEqual({
      product: { id: products[0].productId },
      name: 'Agent 1',
      saleCount: 3,
      gross: { amount: 3000, currency: 'USD' },
    });
    // Primary currency is USD (most entries); EUR on request, and listed in balances.
    expect(all.balances.map((b) => b.currency)).toEqual(['USD', 'EUR']);
    const eur = await vendor.client.data<{ vendor: unknown }>(
      `query($id: ID!) { vendor(id: $id) { earnings(period: ALL_TIME, currency: EUR) { gross { amount currency } net { amount } } balance(currency: EUR) { pending { amount currency } } } }`,
      { variables: { id: a.vendor.id }, token: a.owner.token },
    );
    expect(eur.vendor).toEqual({
      earnings: { gross: { amount: 9999, currency: 'EUR' }, net: { amount: 8499 } },
      balance: { pending: { amount: 8499, currency: 'EUR' } },
    });

    // What vendorStats answered, now on the signed-in user's vendor (`me { vendor { stats } }` at the gateway).
    const mine = await vendor.client.data<{ _entities: { vendor: { stats: unknown } }[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { vendor { stats(period: LAST_7_DAYS) { saleCount refundCount gross { amount currency } topProducts { name } } } } } }`,
      { variables: { r: [{ __typename: 'User', id: globalId('User', a.owner.id) }] }, token: a.owner.token },
    );
    expect(mine._entities[0].vendor.stats).toEqual({
      saleCount: 8,
      refundCount: 1,
      gross: { amount: 28_500, currency: 'USD' },
      topProducts: week.stats.topProducts.map((t) => ({ name: t.name })),
    });
  });

  it('are zero in USD for a vendor with no sales', async () => {
    const a = await activeVendor(vendor, admin);
    const seen = await moneyOf(vendor, a.vendor.id, a.owner.token);
    expect(seen.balance).toEqual({
      currency: 'USD',
      available: { amount: 0, currency: 'USD' },
      pending: { amount: 0, currency: 'USD' },
    });
    expect(seen.balances).toEqual([]);
    expect(seen.earnings.net).toEqual({ amount: 0 });
    expect(seen.stats).toMatchObject({ saleCount: 0, refundCount: 0, topProducts: [] });
    expect(seen.ledger).toEqual({ totalCount: 0, edges: [] });
  });

  it('refuse a currency that is not a CurrencyCode', async () => {
    const a = await activeVendor(vendor, admin);
    const result = await vendor.client.request(
      `query($id: ID!, $currency: CurrencyCode) { vendor(id: $id) { earnings(period: ALL_TIME, currency: $currency) { net { amount } } } }`,
      { variables: { id: a.vendor.id, currency: 'usd' }, token: a.owner.token },
    );
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('sums past 2^31 (a 32-bit Int), summed as bigint in SQL and answered as SafeInt numbers', () => {
  it('earnings, stats, top products, balances, the ledger and a payout', async () => {
    const a = await activeVendor(vendor, admin);
    const productId = globalId('Product', randomUUID());
    const price = 2_000_000_000; // each under 2^31, three of them well over
    for (let i = 0; i < 3; i += 1)
      await paidOrder(vendor, [{ vendorId: a.vendor.id, price, productId, name: 'Enterprise agent' }], daysAgo(8));
    const gross = 3 * price;
    const commission = 3 * 300_000_000;
    expect(gross).toBeGreaterThan(2 ** 31);
    const all = await moneyOf(vendor, a.vendor.id, a.owner.token, 'ALL_TIME');
    expect(all.earnings).toEqual({
      period: 'ALL_TIME',
      currency: 'USD',
      gross: { amount: gross, currency: 'USD' },
      commission: { amount: commission },
      refunds: { amount: 0 },
      net: { amount: gross - commission },
    });
    expect(all.stats).toMatchObject({ saleCount: 3, gross: { amount: gross }, net: { amount: gross - commission } });
    expect(all.stats.topProducts).toEqual([
      { product: { id: productId }, name: 'Enterprise agent', saleCount: 3, gross: { amount: gross, currency: 'USD' } },
    ]);
    expect(all.balance.available).toEqual({ amount: gross - commission, currency: 'USD' });
    // A payout past 2^31 too, and the balance after it.
    const payout = await vendor.client.data<{ requestPayout: { payout: { amount: { amount: number } } } }>(
      REQUEST_PAYOUT,
      { variables: payoutInput(3_000_000_000), token: a.owner.token },
    );
    expect(payout.requestPayout.payout.amount.amount).toBe(3_000_000_000);
    const after = await moneyOf(vendor, a.vendor.id, a.owner.token, 'ALL_TIME');
    expect(after.balance.available.amount).toBe(gross - commission - 3_000_000_000);
  });
});

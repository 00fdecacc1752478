import { randomUUID } from 'node:crypto';
import { Role, queryRows } from '@marketplace/kit';
import { Person, TestSubgraph, deliver, person, sqlDuring, until } from '@marketplace/kit/testing';
import {
  BALANCE,
  ENTRY_FIELDS,
  activeVendor,
  daysAgo,
  ledgerRows,
  orderPaidEvent,
  paidOrder,
  refundEvent,
  startVendor,
  vendorIn,
} from '../testing';

let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  // The default hold (7 days); quick retries, for the refund that arrives before its order.
  vendor = await startVendor({ EVENTS_RETRY_BASE_MS: '20', EVENTS_RETRY_MAX_MS: '200', EVENTS_MAX_ATTEMPTS: '50' });
});
afterAll(() => vendor.close());

const VIEW = `query($id: ID!, $period: EarningsPeriod!) { vendor(id: $id) {
  ${BALANCE}
  balances { currency available { amount currency } pending { amount currency } }
  earnings(period: $period) { period currency gross { amount currency } commission { amount } refunds { amount } net { amount } }
  stats(period: $period) { period currency sales refunds revenue { amount } net { amount } topProducts { product { id } name sales revenue { amount currency } } }
  ledger(first: 100) { totalCount edges { node { ${ENTRY_FIELDS} } } }
} }`;

interface Money {
  amount: number;
  currency: string;
}

/** VIEW's answer: the fields the tests walk are typed, the rest is compared whole. */
interface VendorMoney {
  balance: { currency: string; available: Money; pending: Money };
  balances: { currency: string }[];
  earnings: { gross: Money; net: unknown };
  stats: { sales: number; topProducts: { product: { id: string }; name: string }[] };
  ledger: {
    totalCount: number;
    edges: { node: { productName: string; order: unknown; payout: unknown; availableAt: string } }[];
  };
}

async function view(vendorId: string, token: string = admin.token, period = 'ALL_TIME') {
  return (await vendor.client.data<{ vendor: VendorMoney }>(VIEW, { variables: { id: vendorId, period }, token }))
    .vendor;
}

const kindsAndAmounts = (rows: { kind: string; amount: number; product_id: string | null }[]) =>
  rows.map((row) => [row.kind, row.amount, row.product_id]).sort((a, b) => String(a).localeCompare(String(b)));

describe('order.paid', () => {
  it("credits each line to its vendor: the gross SALE and the COMMISSION at the vendor's rate, summing to the net", async () => {
    const a = await activeVendor(vendor, admin);
    const b = await activeVendor(vendor, admin);
    await vendor.subgraph.deps.db.query(`UPDATE vendors SET commission_bps = 1000 WHERE id = $1`, [b.vendor.id]);
    const paid = await paidOrder(vendor, [
      { vendorId: a.vendor.id, price: 1999 },
      { vendorId: b.vendor.id, price: 5000 },
      { vendorId: a.vendor.id, price: 1001 },
    ]);
    const [lineA1, lineB, lineA2] = paid.payload.items;
    expect(kindsAndAmounts(await ledgerRows(vendor, a.vendor.id))).toEqual(
      kindsAndAmounts([
        { kind: 'SALE', amount: 1999, product_id: lineA1.productId },
        { kind: 'COMMISSION', amount: -300, product_id: lineA1.productId }, // 299.85 rounded half up
        { kind: 'SALE', amount: 1001, product_id: lineA2.productId },
        { kind: 'COMMISSION', amount: -150, product_id: lineA2.productId }, // 150.15
      ]),
    );
    expect(kindsAndAmounts(await ledgerRows(vendor, b.vendor.id))).toEqual(
      kindsAndAmounts([
        { kind: 'SALE', amount: 5000, product_id: lineB.productId },
        { kind: 'COMMISSION', amount: -500, product_id: lineB.productId },
      ]),
    );

    const seen = await view(a.vendor.id, a.owner.token);
    expect(seen.earnings).toEqual({
      period: 'ALL_TIME',
      currency: 'USD',
      gross: { amount: 3000, currency: 'USD' },
      commission: { amount: 450 },
      refunds: { amount: 0 },
      net: { amount: 2550 },
    });
    // Paid just now, with a 7-day hold: all of it pending.
    expect(seen.balance).toEqual({
      currency: 'USD',
      available: { amount: 0, currency: 'USD' },
      pending: { amount: 2550, currency: 'USD' },
    });
    expect(seen.ledger.totalCount).toBe(4);
    for (const { node } of seen.ledger.edges) {
      expect(node.order).toEqual({ id: paid.payload.orderId });
      expect(node.payout).toBeNull();
      expect(new Date(node.availableAt).getTime()).toBe(new Date(paid.occurredAt).getTime() + 7 * 24 * 3600 * 1000);
    }
    expect(seen.ledger.edges.map((e) => e.node.productName).sort()).toEqual(
      [lineA1.name, lineA1.name, lineA2.name, lineA2.name].sort(),
    );
  });

  it('uses the commission rate at the time of the sale: a later change leaves recorded sales alone', async () => {
    const a = await activeVendor(vendor, admin);
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }]);
    await vendor.subgraph.deps.db.query(`UPDATE vendors SET commission_bps = 2500 WHERE id = $1`, [a.vendor.id]);
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }]);
    const commissions = (await ledgerRows(vendor, a.vendor.id))
      .filter((row) => row.kind === 'COMMISSION')
      .map((row) => row.amount);
    expect(commissions).toEqual([-150, -250]);
  });

  it('replayed (the same envelope twice, and a new envelope for the same order) changes nothing', async () => {
    const a = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [
      { vendorId: a.vendor.id, price: 2000 },
      { vendorId: a.vendor.id, price: 3000 },
    ]);
    const before = await ledgerRows(vendor, a.vendor.id);
    expect(before).toHaveLength(4);
    await deliver(vendor, paid);
    await deliver(vendor, { ...paid, id: randomUUID(), occurredAt: new Date().toISOString() });
    expect(await ledgerRows(vendor, a.vendor.id)).toEqual(before);
    expect((await view(a.vendor.id)).balance.pending.amount).toBe(4250);
  });

  it('skips (and logs) lines of vendors unknown here, crediting the other lines', async () => {
    const a = await activeVendor(vendor, admin);
    const stranger = randomUUID();
    const paid = await paidOrder(vendor, [
      { vendorId: stranger, price: 700 },
      { vendorId: a.vendor.id, price: 1000 },
    ]);
    expect((await ledgerRows(vendor, a.vendor.id)).map((row) => row.amount)).toEqual(
      expect.arrayContaining([1000, -150]),
    );
    const [{ count }] = await queryRows<{ count: number }>(
      vendor.subgraph.deps.db,
      `SELECT count(*)::int AS count FROM ledger_entries WHERE vendor_id::text = $1`,
      [stranger],
    );
    expect(count).toBe(0);
    expect(
      vendor.logs
        .records()
        .filter((r) => r.msg === 'order.paid line of a vendor unknown here; not credited' && r.vendorId === stranger),
    ).toEqual([expect.objectContaining({ orderId: paid.payload.orderId, productId: paid.payload.items[0].productId })]);
  });
});

describe('payment.refunded', () => {
  it('debits every credited line of the order (REFUND −price, REFUND_COMMISSION +commission); a replay changes nothing', async () => {
    const a = await activeVendor(vendor, admin);
    const b = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [
      { vendorId: a.vendor.id, price: 1999 },
      { vendorId: b.vendor.id, price: 1000 },
    ]);
    const refund = refundEvent(paid);
    await deliver(vendor, refund);
    const rowsA = await ledgerRows(vendor, a.vendor.id);
    expect(rowsA.map((row) => [row.kind, row.amount])).toEqual(
      expect.arrayContaining([
        ['SALE', 1999],
        ['COMMISSION', -300],
        ['REFUND', -1999],
        ['REFUND_COMMISSION', 300],
      ]),
    );
    expect(rowsA).toHaveLength(4);
    expect(rowsA.reduce((sum, row) => sum + row.amount, 0)).toBe(0);
    expect((await ledgerRows(vendor, b.vendor.id)).map((row) => row.amount).sort((x, y) => x - y)).toEqual([
      -1000, -150, 150, 1000,
    ]);

    await deliver(vendor, refund);
    await deliver(vendor, { ...refund, id: randomUUID() });
    expect(await ledgerRows(vendor, a.vendor.id)).toEqual(rowsA);
    const seen = await view(a.vendor.id, a.owner.token);
    expect(seen.earnings).toMatchObject({
      gross: { amount: 1999 },
      commission: { amount: 0 },
      refunds: { amount: 1999 },
      net: { amount: 0 },
    });
    expect(seen.stats).toMatchObject({ sales: 1, refunds: 1, revenue: { amount: 1999 }, net: { amount: 0 } });
    expect(seen.balance).toMatchObject({ available: { amount: 0 }, pending: { amount: 0 } });
  });

  it('arriving before its order.paid is retried, and ends exactly as in order', async () => {
    const a = await activeVendor(vendor, admin);
    const paid = orderPaidEvent([
      { vendorId: a.vendor.id, price: 4000 },
      { vendorId: a.vendor.id, price: 600 },
    ]);
    const refund = refundEvent(paid);
    await vendor.subgraph.events.transport.publish(refund);
    // It fails (and is retried) while the order is unknown here.
    await until(
      () =>
        vendor.logs
          .records()
          .some(
            (r) => r.msg === 'event handler failed; retrying' && String(r.err?.message).includes(paid.payload.orderId),
          )
          ? true
          : undefined,
      'the refund to be retried',
    );
    expect(await ledgerRows(vendor, a.vendor.id)).toEqual([]);
    await deliver(vendor, paid);
    await until(
      async () => ((await ledgerRows(vendor, a.vendor.id)).length === 8 ? true : undefined),
      'the refund to be applied after order.paid',
    );
    const rows = await ledgerRows(vendor, a.vendor.id);
    expect(rows.map((row) => row.kind).sort()).toEqual([
      'COMMISSION',
      'COMMISSION',
      'REFUND',
      'REFUND',
      'REFUND_COMMISSION',
      'REFUND_COMMISSION',
      'SALE',
      'SALE',
    ]);
    expect(rows.reduce((sum, row) => sum + row.amount, 0)).toBe(0);
    const [{ dead }] = await queryRows<{ dead: number }>(
      vendor.subgraph.deps.db,
      `SELECT count(*)::int AS dead FROM dead_letters`,
    );
    expect(dead).toBe(0);
    // A late replay of order.paid changes nothing either.
    await deliver(vendor, { ...paid, id: randomUUID() });
    expect(await ledgerRows(vendor, a.vendor.id)).toHaveLength(8);
  });
});

describe('hold', () => {
  it('keeps a sale pending for VENDOR_EARNINGS_HOLD_DAYS (7), then makes it available', async () => {
    const a = await activeVendor(vendor, admin);
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }], daysAgo(8)); // past the hold: 850 available
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 2000 }], daysAgo(6)); // inside it: 1700 pending
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 3000 }]); // just now: 2550 pending
    expect((await view(a.vendor.id, a.owner.token)).balance).toEqual({
      currency: 'USD',
      available: { amount: 850, currency: 'USD' },
      pending: { amount: 4250, currency: 'USD' },
    });
  });

  it('pending money cannot be paid out: requestPayout is CONFLICT with 0 available', async () => {
    const a = await activeVendor(vendor, admin);
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 10_000 }]);
    const result = await vendor.client.request(`mutation { requestPayout(amount: 1) { id } }`, {
      token: a.owner.token,
    });
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', available: { amount: 0, currency: 'USD' } });
  });

  it('a refund inside the hold cancels pending money; after it, it comes out of available', async () => {
    const a = await activeVendor(vendor, admin);
    const old = await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }], daysAgo(10));
    const recent = await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 2000 }], daysAgo(1));
    expect((await view(a.vendor.id)).balance).toMatchObject({ available: { amount: 850 }, pending: { amount: 1700 } });
    await deliver(vendor, refundEvent(recent));
    expect((await view(a.vendor.id)).balance).toMatchObject({ available: { amount: 850 }, pending: { amount: 0 } });
    await deliver(vendor, refundEvent(old));
    expect((await view(a.vendor.id)).balance).toMatchObject({ available: { amount: 0 }, pending: { amount: 0 } });
  });
});

describe('earnings and stats', () => {
  it('count by period, per currency, with the top 5 products by revenue', async () => {
    const a = await activeVendor(vendor, admin);
    const products = Array.from({ length: 7 }, (_, i) => ({ productId: randomUUID(), name: `Agent ${i + 1}` }));
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

    const week = await view(a.vendor.id, a.owner.token, 'LAST_7_DAYS');
    // USD today: 1000 + … + 7000 = 28000, plus the refunded 500; commission 15 % of each.
    expect(week.earnings).toEqual({
      period: 'LAST_7_DAYS',
      currency: 'USD',
      gross: { amount: 28_500, currency: 'USD' },
      commission: { amount: 4200 },
      refunds: { amount: 500 },
      net: { amount: 23_800 },
    });
    expect(week.stats).toMatchObject({ sales: 8, refunds: 1, revenue: { amount: 28_500 }, net: { amount: 23_800 } });
    expect(week.stats.topProducts).toEqual(
      [6, 5, 4, 3, 2].map((i) => ({
        product: { id: products[i].productId },
        name: products[i].name,
        sales: i === 6 ? 2 : 1,
        revenue: { amount: (i + 1) * 1000 + (i === 6 ? 500 : 0), currency: 'USD' },
      })),
    );

    const month = await view(a.vendor.id, a.owner.token, 'LAST_30_DAYS');
    expect(month.earnings.gross.amount).toBe(28_500);
    const year = await view(a.vendor.id, a.owner.token, 'LAST_365_DAYS');
    expect(year.earnings).toMatchObject({
      gross: { amount: 29_500 },
      commission: { amount: 4350 },
      net: { amount: 24_650 },
    });
    const all = await view(a.vendor.id, a.owner.token, 'ALL_TIME');
    expect(all.stats.sales).toBe(10);
    expect(all.stats.topProducts.find((t) => t.product.id === products[0].productId)).toEqual({
      product: { id: products[0].productId },
      name: 'Agent 1',
      sales: 3,
      revenue: { amount: 3000, currency: 'USD' },
    });
    // Primary currency is USD (most entries); EUR on request, and listed in balances.
    expect(all.balances.map((b) => b.currency)).toEqual(['USD', 'EUR']);
    const eur = await vendor.client.data<{ vendor: unknown }>(
      `query($id: ID!) { vendor(id: $id) { earnings(period: ALL_TIME, currency: "EUR") { gross { amount currency } net { amount } } balance(currency: "EUR") { pending { amount currency } } } }`,
      { variables: { id: a.vendor.id }, token: a.owner.token },
    );
    expect(eur.vendor).toEqual({
      earnings: { gross: { amount: 9999, currency: 'EUR' }, net: { amount: 8499 } },
      balance: { pending: { amount: 8499, currency: 'EUR' } },
    });

    const mine = await vendor.client.data<{ vendorStats: unknown }>(
      `{ vendorStats(period: LAST_7_DAYS) { sales refunds revenue { amount currency } topProducts { name } } }`,
      { token: a.owner.token },
    );
    expect(mine.vendorStats).toEqual({
      sales: 8,
      refunds: 1,
      revenue: { amount: 28_500, currency: 'USD' },
      topProducts: week.stats.topProducts.map((t) => ({ name: t.name })),
    });
  });

  it('are zero in USD for a vendor with no sales', async () => {
    const a = await activeVendor(vendor, admin);
    const seen = await view(a.vendor.id, a.owner.token);
    expect(seen.balance).toEqual({
      currency: 'USD',
      available: { amount: 0, currency: 'USD' },
      pending: { amount: 0, currency: 'USD' },
    });
    expect(seen.balances).toEqual([]);
    expect(seen.earnings.net).toEqual({ amount: 0 });
    expect(seen.stats).toMatchObject({ sales: 0, refunds: 0, topProducts: [] });
    expect(seen.ledger).toEqual({ totalCount: 0, edges: [] });
  });

  it('refuse a malformed currency', async () => {
    const a = await activeVendor(vendor, admin);
    const result = await vendor.client.request(
      `query($id: ID!) { vendor(id: $id) { earnings(period: ALL_TIME, currency: "usd") { net { amount } } } }`,
      {
        variables: { id: a.vendor.id },
        token: a.owner.token,
      },
    );
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'currency', message: expect.any(String) }],
    });
  });
});

describe('who sees the money', () => {
  let owner: Person;
  let vendorId: string;
  beforeAll(async () => {
    const a = await activeVendor(vendor, admin);
    owner = a.owner;
    vendorId = a.vendor.id;
    await paidOrder(vendor, [{ vendorId, price: 1000 }]);
  });

  const PRIVATE = `query($id: ID!) { vendor(id: $id) { id ${BALANCE} balances { currency } earnings(period: ALL_TIME) { net { amount } } stats(period: ALL_TIME) { sales } ledger { totalCount } payouts { totalCount } } }`;

  it.each([
    ['anonymous', () => undefined],
    ['a customer', () => person(Role.CUSTOMER).token],
    ['another vendor', () => person(Role.VENDOR).token],
  ])('%s gets null for every money field of a public vendor', async (_who, token) => {
    const result = await vendor.client.request<{ vendor: unknown }>(PRIVATE, {
      variables: { id: vendorId },
      token: token(),
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.vendor).toEqual({
      id: vendorId,
      balance: null,
      balances: null,
      earnings: null,
      stats: null,
      ledger: null,
      payouts: null,
    });
  });

  it.each([
    ['its owner', () => owner.token],
    ['an admin', () => admin.token],
  ])('%s sees them', async (_who, token) => {
    const { vendor: seen } = await vendor.client.data<{ vendor: unknown }>(PRIVATE, {
      variables: { id: vendorId },
      token: token(),
    });
    expect(seen).toEqual({
      id: vendorId,
      balance: {
        currency: 'USD',
        available: { amount: 0, currency: 'USD' },
        pending: { amount: 850, currency: 'USD' },
      },
      balances: [{ currency: 'USD' }],
      earnings: { net: { amount: 850 } },
      stats: { sales: 1 },
      ledger: { totalCount: 2 },
      payouts: { totalCount: 0 },
    });
  });

  it('vendorStats: UNAUTHENTICATED when signed out, FORBIDDEN without a vendor profile', async () => {
    const query = `{ vendorStats(period: ALL_TIME) { sales } }`;
    expect(await vendor.client.errorCode(query)).toBe('UNAUTHENTICATED');
    expect(await vendor.client.errorCode(query, { token: person().token })).toBe('FORBIDDEN');
    const pending = await vendorIn(vendor, 'PENDING', admin);
    expect(await vendor.client.data(query, { token: pending.owner.token })).toEqual({ vendorStats: { sales: 0 } });
  });
});

/** A page of the ledger as the paging test asks for it. */
interface LedgerPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string };
  edges: { node: { kind: string; order: { id: string }; product: { id: string }; payout: { id: string } | null } }[];
}

describe('the ledger', () => {
  it('pages newest first, every entry pointing at its order and product', async () => {
    const a = await activeVendor(vendor, admin);
    const orders: Awaited<ReturnType<typeof paidOrder>>[] = [];
    for (let i = 0; i < 3; i += 1) orders.push(await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 + i }]));
    const page = async (after?: string) =>
      (
        await vendor.client.data<{ vendor: { ledger: LedgerPage } }>(
          `query($id: ID!, $after: String) { vendor(id: $id) { ledger(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { kind order { id } product { id } payout { id } } } } } }`,
          {
            variables: { id: a.vendor.id, after },
            token: a.owner.token,
          },
        )
      ).vendor.ledger;
    const first = await page();
    expect(first.totalCount).toBe(6);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(first.pageInfo.endCursor);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const nodes = [...first.edges, ...second.edges].map((e) => e.node);
    expect(nodes).toHaveLength(6);
    expect(nodes.map((n) => n.order.id)).toEqual([2, 2, 1, 1, 0, 0].map((i) => orders[i].payload.orderId));
    expect(nodes.map((n) => n.product.id)).toEqual([2, 2, 1, 1, 0, 0].map((i) => orders[i].payload.items[0].productId));
    expect(nodes.every((n) => n.payout === null)).toBe(true);
    expect(
      await vendor.client.errorCode(`query($id: ID!) { vendor(id: $id) { ledger(after: "bm9wZQ") { totalCount } } }`, {
        variables: { id: a.vendor.id },
        token: a.owner.token,
      }),
    ).toBe('BAD_USER_INPUT');
  });

  it('refuses an untraceable entry, a wrong sign, a second credit of a line, and any edit', async () => {
    const a = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }]);
    const db = vendor.subgraph.deps.db;
    const insert = (kind: string, amount: number, orderId: string | null, productId: string | null) =>
      db.query(
        `INSERT INTO ledger_entries (vendor_id, kind, amount, currency, order_id, product_id, occurred_at, available_at) VALUES ($1, $2, $3, 'USD', $4, $5, now(), now())`,
        [a.vendor.id, kind, amount, orderId, productId],
      );
    await expect(insert('SALE', 100, null, null)).rejects.toThrow(/ledger_entries_traceable/);
    await expect(insert('PAYOUT', -100, null, null)).rejects.toThrow(/ledger_entries_traceable/);
    await expect(insert('SALE', -100, paid.payload.orderId, randomUUID())).rejects.toThrow(/ledger_entries_sign/);
    await expect(insert('SALE', 1000, paid.payload.orderId, paid.payload.items[0].productId)).rejects.toThrow(
      /ledger_entries_line_once/,
    );
    await expect(db.query(`UPDATE ledger_entries SET amount = 1 WHERE vendor_id = $1`, [a.vendor.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query(`DELETE FROM ledger_entries WHERE vendor_id = $1`, [a.vendor.id])).rejects.toThrow(
      /append-only/,
    );
  });

  it('loads the balances of a page of vendors in one statement', async () => {
    const made = await Promise.all([1, 2, 3].map(() => activeVendor(vendor, admin)));
    for (const m of made) await paidOrder(vendor, [{ vendorId: m.vendor.id, price: 1000 }]);
    const { result, statements } = await sqlDuring(vendor, () =>
      vendor.client.data<{ vendors: { edges: { node: { id: string; balance: { pending: Money } } }[] } }>(
        `{ vendors(first: 100) { edges { node { id ${BALANCE} earnings(period: ALL_TIME) { net { amount } } } } } }`,
        { token: admin.token },
      ),
    );
    const nodes = result.vendors.edges.map((e) => e.node).filter((n) => made.some((m) => m.vendor.id === n.id));
    expect(nodes.map((n) => n.balance.pending.amount)).toEqual([850, 850, 850]);
    expect(statements.filter((sql) => /FROM ledger_entries/.test(sql))).toHaveLength(2); // balances + earnings totals, whatever the page size
  });
});

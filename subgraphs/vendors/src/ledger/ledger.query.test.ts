import { randomUUID } from 'node:crypto';
import { Role } from '@marketplace/kit';
import { Person, TestSubgraph, globalId, person, sqlDuring, uuidOf } from '@marketplace/kit/testing';
import type { Money } from '../testing';
import { BALANCE, activeVendor, paidOrder, startVendor, vendorIn } from '../testing';

/** Who may read a vendor's money, and the ledger itself: its pages, its guarantees, its loading. */
let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor(); // the default hold: 7 days
});
afterAll(() => vendor.close());

describe('who sees the money', () => {
  let owner: Person;
  let vendorId: string;
  beforeAll(async () => {
    const a = await activeVendor(vendor, admin);
    owner = a.owner;
    vendorId = a.vendor.id;
    await paidOrder(vendor, [{ vendorId, price: 1000 }]);
  });

  const PRIVATE = `query($id: ID!) { vendor(id: $id) { id ${BALANCE} balances { currency } earnings(period: ALL_TIME) { net { amount } } stats(period: ALL_TIME) { saleCount } ledger { totalCount } payouts { totalCount } } }`;

  it.each([
    ['anonymous', () => undefined],
    ['a customer', () => person(Role.CUSTOMER).token],
    ['another vendor', () => person(Role.VENDOR).token],
  ])(
    '%s gets null for every money field of a public vendor: single objects without an error, lists FORBIDDEN',
    async (_who, token) => {
      const result = await vendor.client.request<{ vendor: unknown }>(PRIVATE, {
        variables: { id: vendorId },
        token: token(),
      });
      expect(result.errors?.map((e) => [e.extensions?.code, e.path?.join('.')]).sort()).toEqual([
        ['FORBIDDEN', 'vendor.balances'],
        ['FORBIDDEN', 'vendor.ledger'],
        ['FORBIDDEN', 'vendor.payouts'],
      ]);
      expect(result.data!.vendor).toEqual({
        id: vendorId,
        balance: null,
        balances: null,
        earnings: null,
        stats: null,
        ledger: null,
        payouts: null,
      });
    },
  );

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
      stats: { saleCount: 1 },
      ledger: { totalCount: 2 },
      payouts: { totalCount: 0 },
    });
  });

  it('two owners asking at once each see their own money and null for the other, never a shared answer', async () => {
    const other = await activeVendor(vendor, admin);
    await paidOrder(vendor, [{ vendorId: other.vendor.id, price: 2000 }]);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Vendor { id balance { pending { amount } } stats(period: ALL_TIME) { saleCount gross { amount } } } } }`;
    const r = [vendorId, other.vendor.id].map((id) => ({ __typename: 'Vendor', id }));
    const [mine, theirs] = await Promise.all(
      [owner, other.owner].map((who) => vendor.client.request(query, { variables: { r }, token: who.token })),
    );
    expect(mine.data!._entities).toEqual([
      { id: vendorId, balance: { pending: { amount: 850 } }, stats: { saleCount: 1, gross: { amount: 1000 } } },
      { id: other.vendor.id, balance: null, stats: null },
    ]);
    expect(theirs.data!._entities).toEqual([
      { id: vendorId, balance: null, stats: null },
      { id: other.vendor.id, balance: { pending: { amount: 1700 } }, stats: { saleCount: 1, gross: { amount: 2000 } } },
    ]);
    for (const answer of [mine, theirs]) expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('me { vendor { stats } } (the former vendorStats): the owner in any status and admins; null for anyone else', async () => {
    // `me` is the users subgraph's; here the gateway asks for the signed-in User's vendor by key.
    const statsOf = async (userId: string, token?: string) => {
      const result = await vendor.client.request<{ _entities: { vendor: unknown }[] }>(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { vendor { stats(period: ALL_TIME) { saleCount } } } } }`,
        { variables: { r: [{ __typename: 'User', id: globalId('User', userId) }] }, token },
      );
      expect(result.errors).toBeUndefined();
      return result.data!._entities[0].vendor;
    };
    expect(await statsOf(owner.id, owner.token)).toEqual({ stats: { saleCount: 1 } });
    expect(await statsOf(owner.id, admin.token)).toEqual({ stats: { saleCount: 1 } });
    for (const token of [undefined, person().token, person(Role.VENDOR).token])
      expect(await statsOf(owner.id, token)).toEqual({ stats: null }); // an ACTIVE vendor is public, its money is not
    const stranger = person();
    expect(await statsOf(stranger.id, stranger.token)).toBeNull(); // no vendor profile
    const pending = await vendorIn(vendor, 'PENDING', admin);
    expect(await statsOf(pending.owner.id, pending.owner.token)).toEqual({ stats: { saleCount: 0 } });
    expect(await statsOf(pending.owner.id)).toBeNull(); // a PENDING vendor is hidden
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
    expect(nodes.map((n) => n.order.id)).toEqual(
      [2, 2, 1, 1, 0, 0].map((i) => globalId('Order', orders[i].payload.orderId)),
    );
    expect(nodes.map((n) => n.product.id)).toEqual(
      [2, 2, 1, 1, 0, 0].map((i) => globalId('Product', orders[i].payload.items[0].productId)),
    );
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
    const insert = (
      kind: string,
      amount: number,
      orderId: string | null,
      productId: string | null,
      rateBps: number | null = 1500,
    ) =>
      db.query(
        `INSERT INTO ledger_entries (vendor_id, kind, amount, currency, order_id, product_id, occurred_at, available_at, commission_bps) VALUES ($1, $2, $3, 'USD', $4, $5, now(), now(), $6)`,
        [uuidOf(a.vendor.id), kind, amount, orderId, productId, rateBps],
      );
    await expect(insert('SALE', 100, null, null)).rejects.toThrow(/ledger_entries_traceable/);
    // A sale line records the commission rate it was credited at.
    await expect(insert('SALE', 100, paid.payload.orderId, randomUUID(), null)).rejects.toThrow(
      /ledger_entries_commission_terms/,
    );
    await expect(insert('PAYOUT', -100, null, null)).rejects.toThrow(/ledger_entries_traceable/);
    await expect(insert('SALE', -100, paid.payload.orderId, randomUUID())).rejects.toThrow(/ledger_entries_sign/);
    await expect(insert('SALE', 1000, paid.payload.orderId, paid.payload.items[0].productId)).rejects.toThrow(
      /ledger_entries_line_once/,
    );
    await expect(
      db.query(`UPDATE ledger_entries SET amount = 1 WHERE vendor_id = $1`, [uuidOf(a.vendor.id)]),
    ).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM ledger_entries WHERE vendor_id = $1`, [uuidOf(a.vendor.id)])).rejects.toThrow(
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

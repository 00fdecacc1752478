import { randomUUID } from 'node:crypto';
import { Events, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, globalId, sqlDuring } from '@marketplace/kit/testing';
import { admin, customer, placeOrder, published, startOrders, tokenFor, userOf } from '../testing';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const ORDERS = `query($filter: OrderFilter, $first: Int, $after: String) {
  orders(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { id number status total { amount currency } owner { id } createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Page {
  totalCount: number;
  edges: { node: { id: string; number: string; status: string; createdAt: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const search = async (filter: Record<string, unknown>, token = admin(), first = 100) =>
  (await orders.client.data<{ orders: Page }>(ORDERS, { variables: { filter, first }, token })).orders;
const ids = (page: Page) => page.edges.map((e) => e.node.id);

/** A customer registered with `email` (the replica hears user.registered) and their order. */
async function customerWithOrder(email: string, products = [undefined]) {
  const token = customer();
  await deliverEvent(orders, Events.UserRegistered, {
    userId: userOf(token),
    email,
    displayName: 'Someone',
    role: 'CUSTOMER',
  });
  const placed = [];
  for (const product of products) placed.push((await placeOrder(orders, token, product && [product])).order);
  return { token, orders: placed };
}

describe('orders(filter) for admins', () => {
  it('lists every customer’s orders newest first, keyset-paged, with the total count', async () => {
    const a = await placeOrder(orders, customer());
    const b = await placeOrder(orders, customer());
    const first = await search({}, admin(), 1);
    expect(first.edges[0].node.id).toBe(b.order.id);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const [{ count }] = await queryRows<{ count: number }>(
      orders.subgraph.deps.db,
      `SELECT count(*)::int AS count FROM orders`,
    );
    expect(first.totalCount).toBe(count);
    const second = (
      await orders.client.data<{ orders: Page }>(ORDERS, {
        variables: { first: 1, after: first.pageInfo.endCursor },
        token: admin(),
      })
    ).orders;
    expect(second.edges[0].node.id).toBe(a.order.id);
  });

  it('finds an order by its number, whole, by its beginning, or by the digits people read off a receipt', async () => {
    const { order } = await placeOrder(orders, customer());
    expect(ids(await search({ search: order.number }))).toEqual([order.id]);
    expect(ids(await search({ search: order.number.toLowerCase() }))).toEqual([order.id]);
    expect(ids(await search({ search: order.number.slice(0, -1) }))).toContain(order.id);
    const digits = String(Number(order.number.slice(3)));
    if (digits.length < 6) expect(ids(await search({ search: digits }))).toEqual([order.id]);
    expect((await search({ search: 'MP-999999999' })).totalCount).toBe(0);
  });

  it('finds a customer’s orders by email, whole or its beginning, whatever the case', async () => {
    const tag = randomUUID().slice(0, 8);
    const { orders: placed } = await customerWithOrder(`Ada.${tag}@Example.com`, [undefined, undefined]);
    await customerWithOrder(`bob.${tag}@example.com`);
    const whole = await search({ search: `ada.${tag}@example.com` });
    expect(ids(whole)).toEqual(placed.map((o) => o.id).reverse());
    expect(whole.totalCount).toBe(2);
    expect(ids(await search({ search: `ADA.${tag}` }))).toEqual(placed.map((o) => o.id).reverse());
    expect((await search({ search: `%${tag}` })).totalCount).toBe(0);
    expect((await search({ search: `nobody.${tag}@example.com` })).totalCount).toBe(0);
  });

  it('filters by status, placement time, minimum total, vendor and product, together', async () => {
    const vendorId = randomUUID();
    const cheap = await published(orders, { vendorId, price: { amount: 500, currency: 'USD' } });
    const dear = await published(orders, { vendorId, price: { amount: 9000, currency: 'USD' } });
    const other = await published(orders, { price: { amount: 9000, currency: 'USD' } });
    const before = new Date(Date.now() - 1000).toISOString();
    const { order: o1 } = await placeOrder(orders, customer(), [cheap]);
    const { order: o2 } = await placeOrder(orders, customer(), [dear, other]);
    const { order: o3 } = await placeOrder(orders, customer(), [other]);
    await orders.subgraph.deps.db.query(`UPDATE orders SET status = 'PAID' WHERE id = $1`, [o2.id.split(':')[1]]);
    const vendor = globalId('Vendor', vendorId);
    expect(ids(await search({ vendorId: vendor }))).toEqual([o2.id, o1.id]);
    expect(ids(await search({ productId: globalId('Product', other.productId) }))).toEqual([o3.id, o2.id]);
    expect(ids(await search({ vendorId: vendor, status: 'PAID' }))).toEqual([o2.id]);
    expect(ids(await search({ vendorId: vendor, status: 'PENDING_PAYMENT' }))).toEqual([o1.id]);
    expect(ids(await search({ vendorId: vendor, minTotal: { amount: 1000, currency: 'USD' } }))).toEqual([o2.id]);
    expect(ids(await search({ vendorId: vendor, minTotal: { amount: 1000, currency: 'EUR' } }))).toEqual([]);
    expect(ids(await search({ vendorId: vendor, createdAfter: o2.createdAt }))).toEqual([o2.id]);
    expect(ids(await search({ vendorId: vendor, createdAfter: before, createdBefore: o2.createdAt }))).toEqual([o1.id]);
    const page = await search({ vendorId: vendor, status: 'PAID', createdAfter: before });
    expect([page.totalCount, ids(page)]).toEqual([1, [o2.id]]);
  });

  it('runs two statements for a page with its count, whatever the page size', async () => {
    const reads = async (filter: Record<string, unknown>, first: number) =>
      (await sqlDuring(orders, () => search(filter, admin(), first))).statements.filter((s) =>
        /\borders o\b|order_status_counts/.test(s),
      ).length;
    expect(await reads({ status: 'PENDING_PAYMENT' }, 5)).toBe(2);
    expect(await reads({ status: 'PENDING_PAYMENT' }, 50)).toBe(2);
    expect(await reads({ vendorId: globalId('Vendor', randomUUID()) }, 50)).toBe(2);
  });

  it('counts every order, and one status, from counts kept in step with every change (concurrent ones too)', async () => {
    const tokens = Array.from({ length: 6 }, () => customer());
    const placed = await Promise.all(tokens.map((token) => placeOrder(orders, token)));
    await Promise.all(
      placed.slice(0, 3).map(({ order }, i) =>
        orders.client.data(`mutation($o: ID!) { cancelOrder(input: { orderId: $o }) { order { id } } }`, {
          variables: { o: order.id },
          token: tokens[i],
        }),
      ),
    );
    const actual = await queryRows<{ status: string; count: number }>(
      orders.subgraph.deps.db,
      `SELECT status, count(*)::int AS count FROM orders GROUP BY status`,
    );
    expect((await search({})).totalCount).toBe(actual.reduce((sum, row) => sum + row.count, 0));
    for (const { status, count } of actual)
      expect([status, (await search({ status })).totalCount]).toEqual([status, count]);
    expect((await search({ status: 'REFUNDED' })).totalCount).toBe(
      actual.find((r) => r.status === 'REFUNDED')?.count ?? 0,
    );
    const { statements } = await sqlDuring(orders, () => search({}));
    expect(statements.filter((s) => /count\(\*\)/.test(s))).toEqual([]);
    // Two folds at once (two replicas' expiry rounds) move every change into the counts once.
    const before = (await search({})).totalCount;
    await Promise.all([
      orders.subgraph.deps.db.query(`SELECT order_status_counts_fold()`),
      orders.subgraph.deps.db.query(`SELECT order_status_counts_fold()`),
    ]);
    const [{ pending }] = await queryRows<{ pending: number }>(
      orders.subgraph.deps.db,
      `SELECT count(*)::int AS pending FROM order_status_count_changes`,
    );
    expect([pending, (await search({})).totalCount]).toEqual([0, before]);
  });
});

describe('bad input', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a malformed vendor id', { vendorId: 'vendor-1' }, ['filter.vendorId']],
    ['a bare product uuid', { productId: randomUUID() }, ['filter.productId']],
    ['a product id of another type', { productId: globalId('Order', randomUUID()) }, ['filter.productId']],
    [
      'createdAfter after createdBefore',
      { createdAfter: '2026-02-01T00:00:00Z', createdBefore: '2026-01-01T00:00:00Z' },
      ['filter.createdBefore'],
    ],
    ['a negative minTotal', { minTotal: { amount: -1, currency: 'USD' } }, ['filter.minTotal.amount']],
    ['a search too long', { search: `${'a'.repeat(250)}@b.co` }, ['filter.search']],
    ['control characters in the search', { search: 'ab\u0000c' }, ['filter.search']],
  ])('refuses %s as BAD_USER_INPUT', async (_label, filter, fields) => {
    const result = await orders.client.request(ORDERS, { variables: { filter }, token: admin() });
    expect(result.data?.orders ?? null).toBeNull();
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((result.errors?.[0].extensions?.fields as { field: string }[]).map((f) => f.field)).toEqual(fields);
  });

  it.each([
    ['an unknown currency', { minTotal: { amount: 1, currency: 'XXX' } }],
    ['a date that is not one', { createdAfter: 'yesterday' }],
    ['a status that does not exist', { status: 'LOST' }],
  ])('refuses %s before any resolver runs', async (_label, filter) => {
    const result = await orders.client.request(ORDERS, { variables: { filter }, token: admin() });
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a forged cursor', async () => {
    const result = await orders.client.request(ORDERS, { variables: { after: 'bm9wZQ' }, token: admin() });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('authorization', () => {
  it.each([
    ['anonymous', undefined, 'UNAUTHENTICATED'],
    ['a customer', customer(), 'FORBIDDEN'],
    ['a vendor', tokenFor(randomUUID(), 'VENDOR'), 'FORBIDDEN'],
  ])('answers %s null with %s', async (_label, token, code) => {
    const result = await orders.client.request(ORDERS, { variables: {}, token });
    expect(result.data?.orders).toBeNull();
    expect(result.errors?.[0].extensions?.code).toBe(code);
  });

  it('applies the same filter to a customer’s own orders (`User.orders`), and only to theirs', async () => {
    const token = customer();
    const mine = await placeOrder(orders, token);
    const theirs = await placeOrder(orders, customer());
    const query = `query($userId: ID!, $filter: OrderFilter) { _entities(representations: [{ __typename: "User", id: $userId }]) { ... on User { orders(filter: $filter) { totalCount edges { node { id } } } } } }`;
    const { _entities } = await orders.client.data<{ _entities: [{ orders: Page }] }>(query, {
      variables: { userId: globalId('User', userOf(token)), filter: { search: theirs.order.number } },
      token,
    });
    expect(_entities[0].orders.totalCount).toBe(0);
    const own = await orders.client.data<{ _entities: [{ orders: Page }] }>(query, {
      variables: { userId: globalId('User', userOf(token)), filter: { search: mine.order.number } },
      token,
    });
    expect(ids(own._entities[0].orders)).toEqual([mine.order.id]);
  });
});

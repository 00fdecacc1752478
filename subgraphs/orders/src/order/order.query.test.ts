import { randomUUID } from 'node:crypto';
import { TestSubgraph, sqlDuring } from '@marketplace/kit/testing';
import { ORDER, ORDER_FIELDS, OrderView, customer, placeOrder, startOrders, tokenFor } from '../testing';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const admin = () => tokenFor(randomUUID(), 'ADMIN');
const userOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub as string;

interface Page {
  edges: { cursor: string; node: { id: string; status: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}
const PAGE = 'edges { cursor node { id status } } pageInfo { hasNextPage endCursor } totalCount';
const MY_ORDERS = `query($status: OrderStatus, $first: Int, $after: String) { myOrders(status: $status, first: $first, after: $after) { ${PAGE} } }`;
const USER_ORDERS = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id orders(first: 10) { ${PAGE} } } } }`;
const ORDER_ENTITY = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id number status } } }`;

describe('order(id)', () => {
  let owner: string;
  let order: OrderView;
  beforeAll(async () => {
    owner = customer();
    order = (await placeOrder(orders, owner)).order;
  });

  it('shows the order to its owner and to an admin', async () => {
    for (const token of [owner, admin()]) {
      const { order: seen } = await orders.client.data<{ order: OrderView }>(ORDER, {
        variables: { id: order.id },
        token,
      });
      expect(seen).toMatchObject({ id: order.id, number: order.number, user: { id: userOf(owner) } });
    }
  });

  it.each([
    // Someone else's order is answered as if it did not exist (issue 18, item 12).
    ['another customer', () => ({ id: order.id, token: customer() }), 'NOT_FOUND'],
    ['a vendor', () => ({ id: order.id, token: tokenFor(randomUUID(), 'VENDOR') }), 'NOT_FOUND'],
    ['a signed-out caller', () => ({ id: order.id, token: undefined }), 'UNAUTHENTICATED'],
    ['an unknown id', () => ({ id: randomUUID(), token: owner }), 'NOT_FOUND'],
    ['a malformed id', () => ({ id: 'order-1', token: owner }), 'BAD_USER_INPUT'],
  ])('refuses %s', async (_who, request, code) => {
    const { id, token } = request();
    expect(await orders.client.errorCode(ORDER, { variables: { id }, token })).toBe(code);
  });

  it('as an entity reference: the order for its owner or an admin, null for anyone else', async () => {
    const reps = [{ __typename: 'Order', id: order.id }];
    for (const token of [owner, admin()]) {
      expect((await orders.client.data(ORDER_ENTITY, { variables: { reps }, token }))._entities).toEqual([
        { id: order.id, number: order.number, status: 'PENDING_PAYMENT' },
      ]);
    }
    expect((await orders.client.data(ORDER_ENTITY, { variables: { reps }, token: customer() }))._entities).toEqual([
      null,
    ]);
    expect((await orders.client.data(ORDER_ENTITY, { variables: { reps } }))._entities).toEqual([null]);
  });
});

describe('myOrders and User.orders', () => {
  let token: string;
  let placed: OrderView[];
  beforeAll(async () => {
    token = customer();
    placed = [];
    for (let i = 0; i < 5; i += 1) placed.push((await placeOrder(orders, token)).order);
    await orders.client.data(`mutation($id: ID!) { cancelOrder(id: $id) { id } }`, {
      variables: { id: placed[1].id },
      token,
    });
    await placeOrder(orders, customer()); // someone else's order is never listed
  });

  it("pages through the user's orders newest first", async () => {
    const newestFirst = [...placed].reverse().map((o) => o.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 3; pages += 1) {
      const { myOrders }: { myOrders: Page } = await orders.client.data<{ myOrders: Page }>(MY_ORDERS, {
        variables: { first: 2, after },
        token,
      });
      expect(myOrders.totalCount).toBe(5);
      seen.push(...myOrders.edges.map((e) => e.node.id));
      expect(myOrders.pageInfo.hasNextPage).toBe(pages < 2);
      after = myOrders.pageInfo.endCursor;
    }
    expect(seen).toEqual(newestFirst);
  });

  it('filters by status', async () => {
    const { myOrders } = await orders.client.data<{ myOrders: Page }>(MY_ORDERS, {
      variables: { status: 'CANCELLED' },
      token,
    });
    expect(myOrders).toMatchObject({ totalCount: 1, edges: [{ node: { id: placed[1].id, status: 'CANCELLED' } }] });
  });

  it('refuses a forged cursor with BAD_USER_INPUT and a signed-out caller with UNAUTHENTICATED', async () => {
    const forged = Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url');
    expect(await orders.client.errorCode(MY_ORDERS, { variables: { after: forged }, token })).toBe('BAD_USER_INPUT');
    expect(await orders.client.errorCode(MY_ORDERS, { variables: { first: 0 }, token })).toBe('BAD_USER_INPUT');
    expect(await orders.client.errorCode(MY_ORDERS, {})).toBe('UNAUTHENTICATED');
  });

  it("User.orders shows a user's orders to that user and to admins, FORBIDDEN to anyone else", async () => {
    const reps = [{ __typename: 'User', id: userOf(token) }];
    for (const viewer of [token, admin()]) {
      const { _entities } = await orders.client.data(USER_ORDERS, { variables: { reps }, token: viewer });
      expect(_entities[0].orders.totalCount).toBe(5);
    }
    const refused = await orders.client.request(USER_ORDERS, { variables: { reps }, token: customer() });
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(refused.data?._entities).toEqual([{ id: userOf(token), orders: null }]);
    const anonymous = await orders.client.request(USER_ORDERS, { variables: { reps } });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('loads items and history of a whole page in one statement each', async () => {
    const query = `{ myOrders(first: 5) { edges { node { ${ORDER_FIELDS} } } } }`;
    const { result, statements } = await sqlDuring(orders, () =>
      orders.client.data<{ myOrders: { edges: { node: OrderView }[] } }>(query, { token }),
    );
    expect(result.myOrders.edges.every((e) => e.node.items.length === 1 && e.node.statusHistory.length >= 1)).toBe(
      true,
    );
    expect(statements.filter((s) => /FROM order_items/.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /FROM order_status_history/.test(s))).toHaveLength(1);
  });
});

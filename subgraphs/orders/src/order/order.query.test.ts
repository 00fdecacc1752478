import { randomUUID } from 'node:crypto';
import { TestSubgraph, globalId, sqlDuring, uuidOf } from '@marketplace/kit/testing';
import {
  CANCEL,
  ORDER,
  ORDER_FIELDS,
  OrderView,
  admin,
  customer,
  placeOrder,
  startOrders,
  tokenFor,
  userOf,
} from '../testing';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

interface Page {
  edges: { cursor: string; node: { id: string; status: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}
const PAGE = 'edges { cursor node { id status } } pageInfo { hasNextPage endCursor } totalCount';
// `me { orders(…) }` as the gateway asks this subgraph for it: User.orders of the viewer's own User.
const MY_ORDERS = `query($userId: ID!, $status: OrderStatus, $first: Int, $after: String) {
  _entities(representations: [{ __typename: "User", id: $userId }]) {
    ... on User { orders(filter: { status: $status }, first: $first, after: $after) { ${PAGE} } }
  }
}`;
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
      expect(seen).toMatchObject({
        id: order.id,
        number: order.number,
        owner: { id: globalId('User', userOf(owner)) },
      });
    }
  });

  it.each([
    // Someone else's order is answered exactly as one that does not exist: null, no error (contract v1, rule 2).
    ['another customer', () => ({ id: order.id, token: customer() })],
    ['a vendor', () => ({ id: order.id, token: tokenFor(randomUUID(), 'VENDOR') })],
    ['a signed-out caller', () => ({ id: order.id, token: undefined })],
    ['an unknown id', () => ({ id: globalId('Order', randomUUID()), token: owner })],
    ['an unknown id, signed out', () => ({ id: globalId('Order', randomUUID()), token: undefined })],
  ])('answers null without an error to %s', async (_who, request) => {
    const { id, token } = request();
    const result = await orders.client.request(ORDER, { variables: { id }, token });
    expect({ data: result.data, errors: result.errors }).toEqual({ data: { order: null }, errors: undefined });
  });

  it.each([
    ['the owner', true],
    ['a signed-out caller', false],
  ])('refuses a malformed id with BAD_USER_INPUT on id, for %s', async (_who, signedIn) => {
    // A bare uuid (the order's own, even) is not a global id either.
    for (const id of ['order-1', uuidOf(order.id), 'Order:1']) {
      const result = await orders.client.request(ORDER, { variables: { id }, token: signedIn ? owner : undefined });
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'id' }] });
    }
  });

  it("refuses an id of another type (the order's uuid as a Product id) with BAD_USER_INPUT, even for its owner", async () => {
    const result = await orders.client.request(ORDER, {
      variables: { id: globalId('Product', uuidOf(order.id)) },
      token: owner,
    });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'id' }] });
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

describe('User.orders (me { orders })', () => {
  let token: string;
  let placed: OrderView[];
  beforeAll(async () => {
    token = customer();
    placed = [];
    for (let i = 0; i < 5; i += 1) placed.push((await placeOrder(orders, token)).order);
    await orders.client.data(CANCEL, { variables: { orderId: placed[1].id }, token });
    await placeOrder(orders, customer()); // someone else's order is never listed
  });

  const mine = async (variables: object): Promise<Page> => {
    const { _entities } = await orders.client.data<{ _entities: [{ orders: Page }] }>(MY_ORDERS, {
      variables: { userId: globalId('User', userOf(token)), ...variables },
      token,
    });
    return _entities[0].orders;
  };

  it("pages through the user's orders newest first", async () => {
    const newestFirst = [...placed].reverse().map((o) => o.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 3; pages += 1) {
      const myOrders: Page = await mine({ first: 2, after });
      expect(myOrders.totalCount).toBe(5);
      seen.push(...myOrders.edges.map((e) => e.node.id));
      expect(myOrders.pageInfo.hasNextPage).toBe(pages < 2);
      after = myOrders.pageInfo.endCursor;
    }
    expect(seen).toEqual(newestFirst);
  });

  it('filters by status', async () => {
    expect(await mine({ status: 'CANCELLED' })).toMatchObject({
      totalCount: 1,
      edges: [{ node: { id: placed[1].id, status: 'CANCELLED' } }],
    });
  });

  it('refuses a forged cursor with BAD_USER_INPUT and a signed-out caller with UNAUTHENTICATED', async () => {
    const forged = Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url');
    const userId = globalId('User', userOf(token));
    const ask = (variables: object, viewer?: string) =>
      orders.client.errorCode(MY_ORDERS, { variables: { userId, ...variables }, token: viewer });
    expect(await ask({ after: forged }, token)).toBe('BAD_USER_INPUT');
    expect(await ask({ first: 0 }, token)).toBe('BAD_USER_INPUT');
    expect(await ask({})).toBe('UNAUTHENTICATED');
  });

  it("User.orders shows a user's orders to that user and to admins, FORBIDDEN to anyone else", async () => {
    const reps = [{ __typename: 'User', id: globalId('User', userOf(token)) }];
    for (const viewer of [token, admin()]) {
      const { _entities } = await orders.client.data(USER_ORDERS, { variables: { reps }, token: viewer });
      expect(_entities[0].orders.totalCount).toBe(5);
    }
    const refused = await orders.client.request(USER_ORDERS, { variables: { reps }, token: customer() });
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(refused.data?._entities).toEqual([{ id: globalId('User', userOf(token)), orders: null }]);
    const anonymous = await orders.client.request(USER_ORDERS, { variables: { reps } });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('loads items and history of a whole page in one statement each', async () => {
    const query = `query($userId: ID!) { _entities(representations: [{ __typename: "User", id: $userId }]) {
      ... on User { orders(first: 5) { edges { node { ${ORDER_FIELDS} } } } } } }`;
    const { result, statements } = await sqlDuring(orders, () =>
      orders.client.data<{ _entities: [{ orders: { edges: { node: OrderView }[] } }] }>(query, {
        variables: { userId: globalId('User', userOf(token)) },
        token,
      }),
    );
    expect(
      result._entities[0].orders.edges.every((e) => e.node.items.length === 1 && e.node.statusHistory.length >= 1),
    ).toBe(true);
    expect(statements.filter((s) => /FROM order_items/.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /FROM order_status_history/.test(s))).toHaveLength(1);
  });
});

import { queryRows } from '@marketplace/kit';
import { TestSubgraph, globalId, person, unknownPerson } from '@marketplace/kit/testing';
import { ADD, CHECKOUT, USER_CART, newKey, published, startOrders } from '../testing';

/**
 * Issue 18 item 9: a token signed with the real key for a user who does not exist created
 * carts and orders when sent to this subgraph's port directly. Without a session record
 * the subject is unknown: UNAUTHENTICATED, and nothing is written.
 */
let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const rowsOf = async (userId: string) => {
  const [row] = await queryRows<{ carts: number; orders: number }>(
    orders.subgraph.deps.db,
    `SELECT (SELECT count(*)::int FROM carts WHERE user_id = $1) AS carts,
            (SELECT count(*)::int FROM orders WHERE user_id = $1) AS orders`,
    [userId],
  );
  return row;
};

describe('a caller whose token names an unknown user', () => {
  it('cannot create a cart (addToCart)', async () => {
    const product = await published(orders);
    const stranger = unknownPerson();
    const result = await orders.client.request(ADD, {
      variables: { productId: globalId('Product', product.productId) },
      token: stranger.token,
    });
    expect(result.status).toBe(401);
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await rowsOf(stranger.id)).toEqual({ carts: 0, orders: 0 });
  });

  it('cannot create a cart by reading it (me { cart })', async () => {
    const stranger = unknownPerson();
    const result = await orders.client.request(USER_CART, {
      variables: { userId: globalId('User', stranger.id) },
      token: stranger.token,
    });
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await rowsOf(stranger.id)).toEqual({ carts: 0, orders: 0 });
  });

  it('cannot place an order (checkout)', async () => {
    const stranger = unknownPerson();
    const result = await orders.client.request(CHECKOUT, { variables: { key: newKey() }, token: stranger.token });
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await rowsOf(stranger.id)).toEqual({ carts: 0, orders: 0 });
  });

  it('while a known user with the same role can', async () => {
    const product = await published(orders);
    const known = person();
    await orders.client.data(ADD, {
      variables: { productId: globalId('Product', product.productId) },
      token: known.token,
    });
    await orders.client.data(CHECKOUT, { variables: { key: newKey() }, token: known.token });
    expect(await rowsOf(known.id)).toEqual({ carts: 1, orders: 1 });
  });
});

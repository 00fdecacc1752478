import { randomUUID } from 'node:crypto';
import { Events } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, productState } from '@marketplace/kit/testing';
import {
  ADD,
  CLEAR,
  CartView,
  REMOVE,
  admin,
  archive,
  cartAs,
  cartOf as cartOfIn,
  customer,
  globalId,
  published,
  startOrders,
  userOf,
} from '../testing';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

/** The `Product` global id of a product's uuid. */
const P = (uuid: string) => globalId('Product', uuid);
/** addToCart of the product with this uuid. */
const add = (token: string | undefined, productId: string) =>
  orders.client.request<{ addToCart: CartView }>(ADD, { variables: { productId: P(productId) }, token });
const addOk = async (token: string, productId: string) =>
  (await orders.client.data<{ addToCart: { cart: CartView } }>(ADD, { variables: { productId: P(productId) }, token }))
    .addToCart.cart;
const cartOf = (token: string) => cartOfIn(orders, token);

describe('authorization', () => {
  it.each([
    ['addToCart', ADD, { productId: P(randomUUID()) }],
    ['removeFromCart', REMOVE, { productId: P(randomUUID()) }],
    ['clearCart', CLEAR, {}],
  ])('%s refuses an anonymous caller with UNAUTHENTICATED and a null payload', async (name, query, variables) => {
    const result = await orders.client.request(query, { variables });
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data).toEqual({ [name]: null });
  });

  it('User.cart is null without an error for anyone but the user: signed out, another customer, an admin', async () => {
    const token = customer();
    await addOk(token, (await published(orders)).productId);
    for (const viewer of [undefined, customer(), admin()]) {
      const result = await orders.client.request(
        `query($userId: ID!) { _entities(representations: [{ __typename: "User", id: $userId }]) { ... on User { id cart { id } } } }`,
        { variables: { userId: globalId('User', userOf(token)) }, token: viewer },
      );
      expect({ data: result.data, errors: result.errors }).toEqual({
        data: { _entities: [{ id: globalId('User', userOf(token)), cart: null }] },
        errors: undefined,
      });
    }
    expect((await cartOf(token)).itemCount).toBe(1);
  });

  it("reading another user's cart creates none for them", async () => {
    const stranger = customer();
    await cartAs(orders, userOf(stranger), customer());
    const rows = await orders.subgraph.deps.db.query(`SELECT 1 FROM carts WHERE user_id = $1`, [userOf(stranger)]);
    expect(rows).toEqual([]);
  });
});

describe('cart', () => {
  it('is created empty on first use, and is the same cart afterwards', async () => {
    const token = customer();
    const cart = await cartOf(token);
    expect(cart).toMatchObject({ items: [], itemCount: 0, subtotal: { amount: 0, currency: 'USD' } });
    expect((await cartOf(token)).id).toBe(cart.id);
    expect((await cartOf(customer())).id).not.toBe(cart.id);
  });
});

describe('addToCart', () => {
  it('adds a published product priced from the replica and sums the subtotal', async () => {
    const token = customer();
    const a = await published(orders, { price: { amount: 1500, currency: 'USD' } });
    const b = await published(orders, { price: { amount: 250, currency: 'USD' } });
    await addOk(token, a.productId);
    const cart = await addOk(token, b.productId);
    expect(cart.items.map((i) => [i.product.id, i.unitPrice.amount, i.available])).toEqual([
      [P(a.productId), 1500, true],
      [P(b.productId), 250, true],
    ]);
    expect(cart).toMatchObject({ itemCount: 2, subtotal: { amount: 1750, currency: 'USD' } });
  });

  it('is idempotent: a product added twice is one line', async () => {
    const token = customer();
    const p = await published(orders);
    await addOk(token, p.productId);
    expect((await addOk(token, p.productId)).itemCount).toBe(1);
  });

  it('shows the current price after a product.updated', async () => {
    const token = customer();
    const p = await published(orders);
    await addOk(token, p.productId);
    await deliverEvent(orders, Events.ProductUpdated, { ...p, price: { amount: 999, currency: 'USD' }, revision: 2 });
    expect(await cartOf(token)).toMatchObject({ items: [{ unitPrice: { amount: 999 } }], subtotal: { amount: 999 } });
  });

  it('refuses a malformed product id with BAD_USER_INPUT on input.productId', async () => {
    for (const productId of ['not-a-uuid', randomUUID(), 'Product:42']) {
      const result = await orders.client.request(ADD, { variables: { productId }, token: customer() });
      expect(result.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.productId' }],
      });
    }
  });

  it('refuses an id of another type (an Order id as productId) with BAD_USER_INPUT', async () => {
    const token = customer();
    const product = await published(orders);
    const result = await orders.client.request(ADD, {
      variables: { productId: globalId('Order', product.productId) },
      token,
    });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.productId' }],
    });
    expect((await cartOf(token)).itemCount).toBe(0);
  });

  it('answers NOT_FOUND for an unknown, unpublished or archived product', async () => {
    const token = customer();
    const draft = productState({ status: 'IN_REVIEW' });
    await deliverEvent(orders, Events.ProductUpdated, draft);
    const archived = await published(orders);
    await archive(orders, archived);
    for (const productId of [randomUUID(), draft.productId, archived.productId]) {
      expect((await add(token, productId)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    expect((await cartOf(token)).itemCount).toBe(0);
  });

  it("refuses a product in another currency than the cart's with CONFLICT (CURRENCY_MISMATCH)", async () => {
    const token = customer();
    await addOk(token, (await published(orders)).productId);
    const euro = await published(orders, { price: { amount: 800, currency: 'EUR' } });
    const result = await add(token, euro.productId);
    expect(result.errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'CURRENCY_MISMATCH',
      fields: [{ field: 'input.productId', message: 'is priced in EUR but the cart is in USD' }],
    });
    expect((await cartOf(token)).itemCount).toBe(1);
  });

  it('sums only the first currency when a repricing left several in the cart', async () => {
    const token = customer();
    const a = await published(orders, { price: { amount: 100, currency: 'USD' } });
    const b = await published(orders, { price: { amount: 200, currency: 'USD' } });
    await addOk(token, a.productId);
    await addOk(token, b.productId);
    await deliverEvent(orders, Events.ProductUpdated, { ...b, price: { amount: 300, currency: 'EUR' }, revision: 2 });
    expect((await cartOf(token)).subtotal).toEqual({ amount: 100, currency: 'USD' });
  });
});

describe('archived after being added', () => {
  it('is shown as unavailable and left out of the subtotal', async () => {
    const token = customer();
    const kept = await published(orders, { price: { amount: 100, currency: 'USD' } });
    const gone = await published(orders, { price: { amount: 200, currency: 'USD' } });
    await addOk(token, kept.productId);
    await addOk(token, gone.productId);
    await archive(orders, gone);
    const cart = await cartOf(token);
    expect(cart.items.map((i) => [i.product.id, i.available])).toEqual([
      [P(kept.productId), true],
      [P(gone.productId), false],
    ]);
    expect(cart).toMatchObject({ itemCount: 2, subtotal: { amount: 100, currency: 'USD' } });
  });
});

describe('removeFromCart and clearCart', () => {
  it('remove takes one product out; removing one not there is no error', async () => {
    const token = customer();
    const a = await published(orders);
    const b = await published(orders);
    await addOk(token, a.productId);
    await addOk(token, b.productId);
    const { removeFromCart } = await orders.client.data<{ removeFromCart: { cart: CartView } }>(REMOVE, {
      variables: { productId: P(a.productId) },
      token,
    });
    expect(removeFromCart.cart.items.map((i) => i.product.id)).toEqual([P(b.productId)]);
    const again = await orders.client.data<{ removeFromCart: { cart: CartView } }>(REMOVE, {
      variables: { productId: P(randomUUID()) },
      token,
    });
    expect(again.removeFromCart.cart.itemCount).toBe(1);
  });

  it('remove refuses a malformed id with BAD_USER_INPUT', async () => {
    const result = await orders.client.request(REMOVE, { variables: { productId: '42' }, token: customer() });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.productId' }],
    });
  });

  it("clear empties the cart and touches no one else's", async () => {
    const token = customer();
    const other = customer();
    const p = await published(orders);
    await addOk(token, p.productId);
    await addOk(other, p.productId);
    const { clearCart } = await orders.client.data<{ clearCart: { cart: CartView } }>(CLEAR, { token });
    expect(clearCart.cart).toMatchObject({ items: [], itemCount: 0, subtotal: { amount: 0 } });
    expect((await cartOf(other)).itemCount).toBe(1);
  });
});

describe('concurrency', () => {
  it('10 parallel adds of one product make one line', async () => {
    const token = customer();
    const p = await published(orders);
    const results = await Promise.all(Array.from({ length: 10 }, () => add(token, p.productId)));
    expect(results.map((r) => r.errors)).toEqual(Array(10).fill(undefined));
    expect((await cartOf(token)).itemCount).toBe(1);
  });

  it('parallel adds of different products all land', async () => {
    const token = customer();
    const products = await Promise.all(Array.from({ length: 8 }, () => published(orders)));
    const results = await Promise.all(products.map((p) => add(token, p.productId)));
    expect(results.map((r) => r.errors)).toEqual(Array(8).fill(undefined));
    const cart = await cartOf(token);
    expect(cart.itemCount).toBe(8);
    expect(cart.subtotal.amount).toBe(8 * 1500);
  });
});

import { Events, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, globalId, outboxOf, uuidOf } from '@marketplace/kit/testing';
import {
  ADD,
  CHECKOUT,
  archive,
  cartOf as cartOfIn,
  checkout,
  customer,
  newKey,
  orderAs,
  published,
  startOrders,
  userOf,
} from '../testing';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

/** addToCart of the product with this uuid. */
const addOk = (token: string, productId: string) =>
  orders.client.data(ADD, { variables: { productId: globalId('Product', productId) }, token });
const cartOf = (token: string) => cartOfIn(orders, token);
const checkoutPayload = async (token: string, key = newKey()) => {
  const result = await checkout(orders, token, key);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.checkout;
};
const checkoutOk = async (token: string, key = newKey()) => (await checkoutPayload(token, key)).order;
const ordersOfUser = (userId: string) =>
  queryRows(orders.subgraph.deps.db, `SELECT id FROM orders WHERE user_id = $1`, [userId]);

const usd = (amount: number) => ({ amount, currency: 'USD' });
/** A line's money in an event when nothing was taken off and no tax applies. */
const untaxedLine = (price: number) => ({
  unitPrice: usd(price),
  discount: usd(0),
  vendorDiscount: usd(0),
  taxRateBps: 0,
  tax: usd(0),
  total: usd(price),
});

describe('checkout', () => {
  it('turns the cart into an order priced from the replica, empties the cart and records order.created', async () => {
    const token = customer();
    const a = await published(orders, { name: 'Agent A', price: { amount: 1500, currency: 'USD' } });
    const b = await published(orders, { name: 'Workflow B', price: { amount: 250, currency: 'USD' } });
    await addOk(token, a.productId);
    const before = await cartOf(token);
    await addOk(token, b.productId);

    const { order, cart } = await checkoutPayload(token);

    // The payload holds the emptied cart, so a client's cache needs no refetch.
    expect(cart).toMatchObject({ id: before.id, items: [], itemCount: 0, subtotal: { amount: 0 } });
    expect(order).toMatchObject({
      status: 'PENDING_PAYMENT',
      owner: { id: globalId('User', userOf(token)) },
      subtotal: { amount: 1750, currency: 'USD' },
      total: { amount: 1750, currency: 'USD' },
      items: [
        {
          product: { id: globalId('Product', a.productId) },
          vendor: { id: globalId('Vendor', a.vendorId) },
          name: 'Agent A',
          unitPrice: { amount: 1500, currency: 'USD' },
          quantity: 1,
        },
        {
          product: { id: globalId('Product', b.productId) },
          vendor: { id: globalId('Vendor', b.vendorId) },
          name: 'Workflow B',
          unitPrice: { amount: 250, currency: 'USD' },
          quantity: 1,
        },
      ],
      statusHistory: [{ from: null, to: 'PENDING_PAYMENT', reason: 'CHECKOUT' }],
    });
    expect(order.number).toMatch(/^MP-\d{6,}$/);
    expect(await cartOf(token)).toMatchObject({ items: [], itemCount: 0 });

    const events = await outboxOf(orders, uuidOf(order.id));
    expect(events.map((e) => e.type)).toEqual(['order.created']);
    expect(events[0].payload).toEqual({
      orderId: uuidOf(order.id),
      number: order.number,
      userId: userOf(token),
      total: usd(1750),
      subtotal: usd(1750),
      discount: usd(0),
      tax: usd(0),
      billing: { name: 'Test Buyer', country: 'US', reverseCharge: false },
      items: [
        { productId: a.productId, vendorId: a.vendorId, name: 'Agent A', ...untaxedLine(1500) },
        { productId: b.productId, vendorId: b.vendorId, name: 'Workflow B', ...untaxedLine(250) },
      ],
    });
  });

  it('takes no price from the client: the input has no field for one', async () => {
    const token = customer();
    const p = await published(orders);
    await addOk(token, p.productId);
    const result = await orders.client.request(
      `mutation { checkout(input: { idempotencyKey: "client-price-1", total: 1 }) { order { id } } }`,
      { token },
    );
    expect(result.errors?.[0].extensions?.code).toMatch(/GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT/);
    expect(await ordersOfUser(userOf(token))).toEqual([]);
  });

  it('keeps the checkout price and name when the catalog changes the product afterwards', async () => {
    const token = customer();
    const p = await published(orders, { name: 'Before', price: { amount: 700, currency: 'USD' } });
    await addOk(token, p.productId);
    const order = await checkoutOk(token);
    await deliverEvent(orders, Events.ProductUpdated, {
      ...p,
      name: 'After',
      price: { amount: 9900, currency: 'USD' },
      revision: 2,
    });
    expect(await orderAs(orders, order.id, token)).toMatchObject({
      total: { amount: 700 },
      items: [{ name: 'Before', unitPrice: { amount: 700 } }],
    });
  });

  it('numbers orders increasingly', async () => {
    const numbers: number[] = [];
    for (let i = 0; i < 2; i += 1) {
      const token = customer();
      await addOk(token, (await published(orders)).productId);
      numbers.push(Number((await checkoutOk(token)).number.slice(3)));
    }
    expect(numbers[1]).toBeGreaterThan(numbers[0]);
  });
});

describe('idempotency', () => {
  it('the same key twice returns the same order and records one event', async () => {
    const token = customer();
    await addOk(token, (await published(orders)).productId);
    const key = newKey();
    const first = await checkoutOk(token, key);
    await addOk(token, (await published(orders)).productId); // a retry must not buy what was added since
    const second = await checkoutPayload(token, key);
    expect(second.order.id).toBe(first.id);
    expect(second.order.items).toHaveLength(1);
    expect(second.cart.itemCount).toBe(1); // the cart as it is now, still holding the later addition
    expect((await outboxOf(orders, uuidOf(first.id))).map((e) => e.type)).toEqual(['order.created']);
    expect(await ordersOfUser(userOf(token))).toHaveLength(1);
  });

  it('two concurrent checkouts with the same key both get the one order', async () => {
    const token = customer();
    await addOk(token, (await published(orders)).productId);
    const key = newKey();
    const results = await Promise.all([checkout(orders, token, key), checkout(orders, token, key)]);
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(results[0].data!.checkout.order.id).toBe(results[1].data!.checkout.order.id);
    expect(await ordersOfUser(userOf(token))).toHaveLength(1);
  });

  it('two concurrent checkouts of one cart with different keys make one order; the other finds the cart empty', async () => {
    const token = customer();
    await addOk(token, (await published(orders)).productId);
    const results = await Promise.all([checkout(orders, token), checkout(orders, token)]);
    const won = results.filter((r) => !r.errors);
    const lost = results.filter((r) => r.errors);
    expect(won).toHaveLength(1);
    expect(lost.map((r) => r.errors![0].extensions)).toEqual([{ code: 'CONFLICT', reason: 'CART_EMPTY' }]);
    expect(lost[0].data).toEqual({ checkout: null });
    expect(await ordersOfUser(userOf(token))).toHaveLength(1);
    expect(await outboxOf(orders, uuidOf(won[0].data!.checkout.order.id))).toHaveLength(1);
  });

  it('a key is per user: another customer with the same key gets an order of their own', async () => {
    const key = newKey();
    const [one, two] = [customer(), customer()];
    for (const token of [one, two]) await addOk(token, (await published(orders)).productId);
    const a = await checkoutOk(one, key);
    const b = await checkoutOk(two, key);
    expect(a.id).not.toBe(b.id);
    expect(b.owner.id).toBe(globalId('User', userOf(two)));
  });
});

describe('refusals', () => {
  it('an empty cart is CONFLICT (CART_EMPTY)', async () => {
    const result = await checkout(orders, customer());
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'CART_EMPTY' });
  });

  it('a product archived since it was added is CONFLICT (PRODUCT_UNAVAILABLE) naming it, and nothing is written', async () => {
    const token = customer();
    const kept = await published(orders);
    const gone = await published(orders);
    await addOk(token, kept.productId);
    await addOk(token, gone.productId);
    await archive(orders, gone);
    const outboxBefore = await queryRows(orders.subgraph.deps.db, `SELECT count(*)::int AS n FROM outbox`);

    const result = await checkout(orders, token);

    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'PRODUCT_UNAVAILABLE' });
    expect(result.errors?.[0].message).toContain(globalId('Product', gone.productId));
    expect(result.errors?.[0].message).not.toContain(kept.productId);
    expect(await ordersOfUser(userOf(token))).toEqual([]);
    expect((await cartOf(token)).itemCount).toBe(2);
    expect(await queryRows(orders.subgraph.deps.db, `SELECT count(*)::int AS n FROM outbox`)).toEqual(outboxBefore);
  });

  it('a cart left in two currencies by a repricing is CONFLICT (CURRENCY_MISMATCH)', async () => {
    const token = customer();
    const a = await published(orders, { price: { amount: 100, currency: 'USD' } });
    const b = await published(orders, { price: { amount: 200, currency: 'USD' } });
    await addOk(token, a.productId);
    await addOk(token, b.productId);
    await deliverEvent(orders, Events.ProductUpdated, { ...b, price: { amount: 300, currency: 'EUR' }, revision: 2 });
    const result = await checkout(orders, token);
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'CURRENCY_MISMATCH' });
    expect(result.errors?.[0].message).toMatch(/currencies/);
    expect(await ordersOfUser(userOf(token))).toEqual([]);
  });

  it.each(['', 'short', 'has spaces in it', 'semi;colon-key', 'x'.repeat(101)])(
    'refuses the idempotency key %j with BAD_USER_INPUT',
    async (key) => {
      const token = customer();
      await addOk(token, (await published(orders)).productId);
      const result = await orders.client.request(CHECKOUT, { variables: { key }, token });
      expect(result.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.idempotencyKey' }],
      });
    },
  );

  it.each(['abc:DEF_12-3', 'k'.repeat(100)])('accepts the idempotency key %j', async (key) => {
    const token = customer();
    await addOk(token, (await published(orders)).productId);
    expect((await checkoutOk(token, key)).status).toBe('PENDING_PAYMENT');
  });

  it('refuses a signed-out caller with UNAUTHENTICATED and a null payload', async () => {
    const result = await checkout(orders, undefined);
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data).toEqual({ checkout: null });
  });
});

import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, outboxOf } from '@marketplace/kit/testing';
import { ERASED_BILLING_NAME } from './privacy.handlers';
import { ADD, checkout, customer, globalId, placeOrder, published, startOrders, userOf, uuidOf } from '../testing';

/** orders' share of a data export, and its erasure: orders kept (amounts, lines, dates) under the pseudonym, the cart gone. */
let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const rows = <T = Record<string, unknown>>(sql: string, parameters: unknown[]) =>
  queryRows<T>(orders.subgraph.deps.db, sql, parameters);

it("exports the user's orders, lines, history and cart; nobody else's", async () => {
  const token = customer();
  const other = customer();
  const { order } = await placeOrder(orders, token);
  await placeOrder(orders, other);
  const inCart = await published(orders);
  await orders.client.data(ADD, { variables: { productId: globalId('Product', inCart.productId) }, token });
  const exportId = randomUUID();
  await deliverEvent(orders, Events.UserDataExportRequested, { exportId, userId: userOf(token) });
  const [part] = await outboxOf<PayloadOf<typeof Events.UserDataExportPart>>(orders, exportId);
  expect(part.payload.subgraph).toBe('orders');
  expect(part.payload.data.orders.map((row) => row.id)).toEqual([uuidOf(order.id)]);
  expect(part.payload.data.orderLines).toEqual([expect.objectContaining({ tax: 0, total: order.total.amount })]);
  expect(part.payload.data.orders[0]).toMatchObject({ billing: { name: 'Test Buyer', country: 'US' } });
  expect(part.payload.data.orderStatusHistory).toEqual([expect.objectContaining({ toStatus: 'PENDING_PAYMENT' })]);
  expect(part.payload.data.cart).toEqual([expect.objectContaining({ productId: inCart.productId })]);
  expect(JSON.stringify(part.payload)).not.toContain(userOf(other));
});

it('erases: the order keeps its amounts under the pseudonym, the cart goes, and a later checkout is refused', async () => {
  const token = customer();
  const userId = userOf(token);
  const { order } = await placeOrder(orders, token);
  const inCart = await published(orders);
  await orders.client.data(ADD, { variables: { productId: globalId('Product', inCart.productId) }, token });
  const [before] = await rows(`SELECT number, total_amount, subtotal_amount, created_at FROM orders WHERE id = $1`, [
    uuidOf(order.id),
  ]);
  const pseudonym = randomUUID();
  await deliverEvent(orders, Events.UserErased, { userId, pseudonym });
  const [after] = await rows(
    `SELECT user_id, number, total_amount, subtotal_amount, created_at FROM orders WHERE id = $1`,
    [uuidOf(order.id)],
  );
  expect(after).toEqual({ ...before, user_id: pseudonym });
  // The billing name goes; the country and its tax treatment stay with the amounts.
  expect(await rows(`SELECT billing FROM orders WHERE id = $1`, [uuidOf(order.id)])).toEqual([
    { billing: { name: ERASED_BILLING_NAME, country: 'US', reverseCharge: false } },
  ]);
  expect(await rows(`SELECT 1 FROM carts WHERE user_id = $1`, [userId])).toEqual([]);
  expect(await rows(`SELECT 1 FROM order_items WHERE order_id = $1`, [uuidOf(order.id)])).toHaveLength(1);
  // The token still verifies here (the users subgraph would have ended it): the guard refuses the rows.
  const late = await orders.client.request(ADD, {
    variables: { productId: globalId('Product', inCart.productId) },
    token,
  });
  expect(late.errors).toBeDefined();
  expect((await checkout(orders, token)).errors).toBeDefined();
  expect(await rows(`SELECT 1 FROM orders WHERE user_id = $1`, [userId])).toEqual([]);
});

it("erases the admin search's email and the user as a timeline actor; a registration replayed later stores nothing", async () => {
  const token = customer();
  const userId = userOf(token);
  const email = `erased-${randomUUID()}@example.com`;
  await deliverEvent(orders, Events.UserRegistered, { userId, email, displayName: 'Eve', role: 'CUSTOMER' });
  const { order } = await placeOrder(orders, token);
  expect(await rows(`SELECT email FROM customers WHERE user_id = $1`, [userId])).toEqual([{ email }]);
  expect(await rows(`SELECT 1 FROM order_timeline WHERE actor_user_id = $1`, [userId])).not.toEqual([]);
  const pseudonym = randomUUID();
  await deliverEvent(orders, Events.UserErased, { userId, pseudonym });
  expect(await rows(`SELECT 1 FROM customers WHERE user_id = $1 OR email = $2`, [userId, email])).toEqual([]);
  expect(await rows(`SELECT 1 FROM order_timeline WHERE actor_user_id = $1`, [userId])).toEqual([]);
  expect(
    await rows(`SELECT 1 FROM order_timeline WHERE order_id = $1 AND actor_user_id = $2`, [
      uuidOf(order.id),
      pseudonym,
    ]),
  ).not.toEqual([]);
  // A redelivered or replayed user.registered (a new event id) after the erasure brings nothing back.
  await deliverEvent(orders, Events.UserRegistered, { userId, email, displayName: 'Eve', role: 'CUSTOMER' });
  expect(await rows(`SELECT 1 FROM customers WHERE user_id = $1`, [userId])).toEqual([]);
});

it("exports the user's coupon redemptions; erasing keeps them, and the coupons the user created, under the pseudonym", async () => {
  const token = customer();
  const userId = userOf(token);
  const { order } = await placeOrder(orders, token);
  const [coupon] = await rows<{ id: string }>(
    `INSERT INTO coupons (code, issuer, kind, percent_off_bps, starts_at, created_by)
     VALUES ($1, 'PLATFORM', 'PERCENTAGE', 1000, now(), $2) RETURNING id`,
    [`PRIV-${randomUUID().slice(0, 8)}`.toUpperCase(), userId],
  );
  await rows(`INSERT INTO coupon_redemptions (coupon_id, order_id, user_id) VALUES ($1, $2, $3)`, [
    coupon.id,
    uuidOf(order.id),
    userId,
  ]);
  const exportId = randomUUID();
  await deliverEvent(orders, Events.UserDataExportRequested, { exportId, userId });
  const [part] = await outboxOf<PayloadOf<typeof Events.UserDataExportPart>>(orders, exportId);
  expect(part.payload.data.couponRedemptions).toEqual([
    expect.objectContaining({ orderId: uuidOf(order.id), releasedAt: null }),
  ]);
  const pseudonym = randomUUID();
  await deliverEvent(orders, Events.UserErased, { userId, pseudonym });
  expect(await rows(`SELECT user_id AS "userId" FROM coupon_redemptions WHERE coupon_id = $1`, [coupon.id])).toEqual([
    { userId: pseudonym },
  ]);
  expect(await rows(`SELECT created_by AS "createdBy" FROM coupons WHERE id = $1`, [coupon.id])).toEqual([
    { createdBy: pseudonym },
  ]);
});

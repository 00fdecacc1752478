import { randomUUID } from 'node:crypto';
import { ProductState, queryRows } from '@marketplace/kit';
import { TestSubgraph, globalId, until, uuidOf } from '@marketplace/kit/testing';
import type { EntityManager } from 'typeorm';
import type { LineDiscount, PricingLine } from '../pricing/pricing.types';
import { ADD, CANCEL, admin, customer, published, startOrders, statusOf, userOf } from '../testing';
import { CouponPricing } from './coupon-pricing';
import {
  APPLY_COUPON,
  CouponView,
  TestVendor,
  addVendor,
  createCoupon,
  redemptionCountOf,
  unpaidOrder,
} from './coupon.testing';

/** The checkout's side of coupons: re-validation, atomic redemption, release; against real Postgres. */
let orders: TestSubgraph;
let vendor: TestVendor;
const pricing = new CouponPricing();
beforeAll(async () => {
  orders = await startOrders({ ORDER_PAYMENT_TIMEOUT_MINUTES: '30', ORDER_EXPIRY_CHECK_SECONDS: '1' });
  vendor = await addVendor(orders);
});
afterAll(() => orders.close());

const db = () => orders.subgraph.deps.db;
const inTransaction = <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => db().transaction(work);
const product = (amount = 1000, extra: Partial<ProductState> = {}) =>
  published(orders, { vendorId: vendor.vendorId, price: { amount, currency: 'USD' }, ...extra });
const lineOf = (state: ProductState): PricingLine => ({
  productId: state.productId,
  vendorId: state.vendorId,
  categoryId: state.categoryId ?? null,
  name: state.name,
  unitPrice: state.price.amount,
});
const cartIdOf = async (userId: string) =>
  (await queryRows<{ id: string }>(db(), `SELECT id FROM carts WHERE user_id = $1`, [userId]))[0].id;
const discountsAtCheckout = (userId: string, lines: PricingLine[]) =>
  inTransaction(async (manager) => pricing.discountsAtCheckout(manager, await cartIdOf(userId), userId, lines, 'USD'));
const redeem = (orderId: string, userId: string, discounts: LineDiscount[]) =>
  inTransaction((manager) => pricing.redeem(manager, orderId, userId, discounts));
const release = (orderId: string) => inTransaction((manager) => pricing.release(manager, orderId));
/** One coupon's discount of `amount` on one line. */
const discountOf = (coupon: CouponView, productId: string, amount = 100): LineDiscount => ({
  productId,
  couponId: uuidOf(coupon.id),
  code: coupon.code,
  issuer: coupon.issuer,
  amount,
});
/** A customer whose cart holds `products` and the coupons of `codes`. */
async function shopper(products: ProductState[], codes: string[]): Promise<string> {
  const token = customer();
  for (const p of products)
    await orders.client.data(ADD, { variables: { productId: globalId('Product', p.productId) }, token });
  for (const code of codes) await orders.client.data(APPLY_COUPON, { variables: { code }, token });
  return token;
}
const errorOf = async (work: Promise<unknown>) => {
  try {
    await work;
  } catch (error) {
    return { message: (error as Error).message, extensions: (error as { extensions?: unknown }).extensions };
  }
  throw new Error('expected a refusal');
};

describe('discountsAtCheckout', () => {
  it("re-prices the cart's coupons from the server's data: vendor coupon first, then the platform's", async () => {
    const [a, b] = [await product(2000), await product(1000)];
    const ofVendor = await createCoupon(orders, vendor.token, {
      percentOffBps: 1000,
      productIds: [globalId('Product', a.productId)],
    });
    const platform = await createCoupon(orders, admin(), {
      kind: 'FIXED_AMOUNT',
      percentOffBps: null,
      amountsOff: [{ amount: 290, currency: 'USD' }],
    });
    const token = await shopper([a, b], [ofVendor.code, platform.code]);
    const discounts = await discountsAtCheckout(userOf(token), [lineOf(a), lineOf(b)]);
    // a: 200 off by the vendor, 1800 left; 290 over 1800/1000: 186.4 → 186, 103.6 → 104.
    expect(discounts).toEqual([
      { ...discountOf(ofVendor, a.productId, 200) },
      { ...discountOf(platform, a.productId, 186) },
      { ...discountOf(platform, b.productId, 104) },
    ]);
  });

  it('throws the CONFLICT applyCoupon would when a coupon no longer applies (no field: the cart is at fault)', async () => {
    const a = await product();
    const coupon = await createCoupon(orders, admin());
    const token = await shopper([a], [coupon.code]);
    await db().query(`UPDATE coupons SET active = false WHERE id = $1`, [uuidOf(coupon.id)]);
    expect(await errorOf(discountsAtCheckout(userOf(token), [lineOf(a)]))).toEqual({
      message: `Coupon ${coupon.code} was deactivated`,
      extensions: { code: 'CONFLICT', reason: 'COUPON_EXPIRED' },
    });
    await db().query(`UPDATE coupons SET active = true, max_redemptions = 1, redemption_count = 1 WHERE id = $1`, [
      uuidOf(coupon.id),
    ]);
    expect((await errorOf(discountsAtCheckout(userOf(token), [lineOf(a)]))).extensions).toEqual({
      code: 'CONFLICT',
      reason: 'COUPON_LIMIT_REACHED',
    });
    const other = await product();
    await db().query(`UPDATE coupons SET max_redemptions = NULL, product_ids = $2 WHERE id = $1`, [
      uuidOf(coupon.id),
      [other.productId],
    ]);
    expect((await errorOf(discountsAtCheckout(userOf(token), [lineOf(a)]))).extensions).toEqual({
      code: 'CONFLICT',
      reason: 'COUPON_NOT_APPLICABLE',
    });
  });
});

describe('redeem', () => {
  it("takes a redemption, records each line's discounts, empties the cart's coupons; OrderItem.discounts shows them", async () => {
    const a = await product(1500);
    const ofVendor = await createCoupon(orders, vendor.token);
    const platform = await createCoupon(orders, admin(), { percentOffBps: 500 });
    const token = await shopper([a], [ofVendor.code, platform.code]);
    const userId = userOf(token);
    const discounts = await discountsAtCheckout(userId, [lineOf(a)]);
    const orderId = await unpaidOrder(orders, userId, [a.productId]);
    await redeem(orderId, userId, discounts);
    expect(await redemptionCountOf(orders, uuidOf(ofVendor.id))).toBe(1);
    expect(await redemptionCountOf(orders, uuidOf(platform.id))).toBe(1);
    expect(await queryRows(db(), `SELECT 1 FROM cart_coupons WHERE cart_id = $1`, [await cartIdOf(userId)])).toEqual(
      [],
    );
    const { order } = await orders.client.data(
      `query($id: ID!) { order(id: $id) { items { product { id } discounts { code issuer amount { amount currency } } } } }`,
      { variables: { id: globalId('Order', orderId) }, token },
    );
    // 10 % of 1500 = 150 by the vendor; 5 % of 1350 = 67.5 → 68 by the platform.
    expect(order.items).toEqual([
      {
        product: { id: globalId('Product', a.productId) },
        discounts: [
          { code: ofVendor.code, issuer: 'VENDOR', amount: { amount: 150, currency: 'USD' } },
          { code: platform.code, issuer: 'PLATFORM', amount: { amount: 68, currency: 'USD' } },
        ],
      },
    ]);
  });

  it('an order without coupons has no discounts', async () => {
    const token = customer();
    const a = await product();
    const orderId = await unpaidOrder(orders, userOf(token), [a.productId]);
    await redeem(orderId, userOf(token), []);
    const { order } = await orders.client.data(`query($id: ID!) { order(id: $id) { items { discounts { code } } } }`, {
      variables: { id: globalId('Order', orderId) },
      token,
    });
    expect(order.items).toEqual([{ discounts: [] }]);
  });

  it('100 customers racing for a coupon limited to 10: exactly 10 redeem it, the others get COUPON_LIMIT_REACHED', async () => {
    const a = await product();
    const coupon = await createCoupon(orders, admin(), { maxRedemptions: 10 });
    const customers = Array.from({ length: 100 }, () => randomUUID());
    const orderIds = await Promise.all(customers.map((userId) => unpaidOrder(orders, userId, [a.productId])));
    const results = await Promise.allSettled(
      customers.map((userId, index) => redeem(orderIds[index], userId, [discountOf(coupon, a.productId)])),
    );
    const refusals = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(new Set(refusals.map((r) => (r.reason as { extensions: { reason: string } }).extensions.reason))).toEqual(
      new Set(['COUPON_LIMIT_REACHED']),
    );
    expect(await redemptionCountOf(orders, uuidOf(coupon.id))).toBe(10);
    const [{ count }] = await queryRows<{ count: number }>(
      db(),
      `SELECT count(*)::int AS count FROM coupon_redemptions WHERE coupon_id = $1 AND released_at IS NULL`,
      [uuidOf(coupon.id)],
    );
    expect(count).toBe(10);
    const [{ lines }] = await queryRows<{ lines: number }>(
      db(),
      `SELECT count(*)::int AS lines FROM order_item_discounts WHERE coupon_id = $1`,
      [uuidOf(coupon.id)],
    );
    expect(lines).toBe(10);
  });

  it("one customer's concurrent checkouts redeem a coupon only as often as it allows per customer", async () => {
    const a = await product();
    const coupon = await createCoupon(orders, vendor.token, { maxRedemptionsPerCustomer: 2 });
    const userId = randomUUID();
    const orderIds = await Promise.all(Array.from({ length: 8 }, () => unpaidOrder(orders, userId, [a.productId])));
    const results = await Promise.allSettled(
      orderIds.map((id) => redeem(id, userId, [discountOf(coupon, a.productId)])),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(await redemptionCountOf(orders, uuidOf(coupon.id))).toBe(2);
    // Another customer is not held back by the first.
    const other = randomUUID();
    await redeem(await unpaidOrder(orders, other, [a.productId]), other, [discountOf(coupon, a.productId)]);
    expect(await redemptionCountOf(orders, uuidOf(coupon.id))).toBe(3);
  });
});

describe('release', () => {
  it('gives the redemption back once (idempotent), so another order may take it', async () => {
    const a = await product();
    const coupon = await createCoupon(orders, admin(), { maxRedemptions: 1 });
    const [first, second] = [randomUUID(), randomUUID()];
    const firstOrder = await unpaidOrder(orders, first, [a.productId]);
    const secondOrder = await unpaidOrder(orders, second, [a.productId]);
    await redeem(firstOrder, first, [discountOf(coupon, a.productId)]);
    expect((await errorOf(redeem(secondOrder, second, [discountOf(coupon, a.productId)]))).extensions).toEqual({
      code: 'CONFLICT',
      reason: 'COUPON_LIMIT_REACHED',
    });
    await release(firstOrder);
    await release(firstOrder);
    expect(await redemptionCountOf(orders, uuidOf(coupon.id))).toBe(0);
    await redeem(secondOrder, second, [discountOf(coupon, a.productId)]);
    expect(await redemptionCountOf(orders, uuidOf(coupon.id))).toBe(1);
    // The released order keeps what it was discounted: it is its history.
    const rows = await queryRows(db(), `SELECT amount FROM order_item_discounts WHERE order_id = $1`, [firstOrder]);
    expect(rows).toEqual([{ amount: 100 }]);
  });

  it('a per-customer redemption released by a cancelled order may be used again by that customer', async () => {
    const a = await product();
    const coupon = await createCoupon(orders, admin());
    const userId = randomUUID();
    const [one, two] = [
      await unpaidOrder(orders, userId, [a.productId]),
      await unpaidOrder(orders, userId, [a.productId]),
    ];
    await redeem(one, userId, [discountOf(coupon, a.productId)]);
    expect((await errorOf(redeem(two, userId, [discountOf(coupon, a.productId)]))).extensions).toMatchObject({
      reason: 'COUPON_LIMIT_REACHED',
    });
    await release(one);
    await redeem(two, userId, [discountOf(coupon, a.productId)]);
  });

  it.each([
    ['the customer', (owner: string) => owner],
    ['an admin', () => admin()],
  ])('cancelOrder by %s releases the order’s redemptions', async (_who, canceller) => {
    const a = await product();
    const coupon = await createCoupon(orders, admin(), { maxRedemptions: 5 });
    const token = customer();
    const orderId = await unpaidOrder(orders, userOf(token), [a.productId]);
    await redeem(orderId, userOf(token), [discountOf(coupon, a.productId)]);
    expect(await redemptionCountOf(orders, uuidOf(coupon.id))).toBe(1);
    const result = await orders.client.request(CANCEL, {
      variables: { orderId: globalId('Order', orderId) },
      token: canceller(token),
    });
    expect(result.errors).toBeUndefined();
    expect(await redemptionCountOf(orders, uuidOf(coupon.id))).toBe(0);
  });

  it('an unpaid order expiring (payment timeout) releases its redemptions', async () => {
    const a = await product();
    const coupon = await createCoupon(orders, admin(), { maxRedemptions: 5 });
    const userId = randomUUID();
    const orderId = await unpaidOrder(orders, userId, [a.productId]);
    await redeem(orderId, userId, [discountOf(coupon, a.productId)]);
    // Placed two hours ago: the subgraph's own expiry job (every second here) cancels it.
    await db().query(`UPDATE orders SET created_at = now() - interval '2 hours' WHERE id = $1`, [orderId]);
    await until(async () => ((await statusOf(orders, orderId)) === 'CANCELLED' ? true : undefined), 'the expiry');
    expect(await redemptionCountOf(orders, uuidOf(coupon.id))).toBe(0);
  });
});

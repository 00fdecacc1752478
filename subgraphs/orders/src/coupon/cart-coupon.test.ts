import { randomUUID } from 'node:crypto';
import { ProductState } from '@marketplace/kit';
import { TestSubgraph, globalId, uuidOf } from '@marketplace/kit/testing';
import { ADD, REMOVE, admin, archive, customer, published, startOrders, userOf } from '../testing';
import {
  APPLY_COUPON,
  CART_COUPON_FIELDS,
  CartCouponsView,
  REMOVE_COUPON,
  TestVendor,
  addVendor,
  createCoupon,
  unpaidOrder,
} from './coupon.testing';

/** applyCoupon, removeCoupon and what the cart shows of its coupons. */
let orders: TestSubgraph;
let vendorA: TestVendor;
let vendorB: TestVendor;
beforeAll(async () => {
  orders = await startOrders();
  [vendorA, vendorB] = [await addVendor(orders), await addVendor(orders)];
});
afterAll(() => orders.close());

const sql = (query: string, parameters: unknown[]) => orders.subgraph.deps.db.query(query, parameters);
const P = (productId: string) => globalId('Product', productId);

const apply = (code: string, token?: string) =>
  orders.client.request<{ applyCoupon: { cart: CartCouponsView } | null }>(APPLY_COUPON, {
    variables: { code },
    token,
  });
const applied = async (code: string, token: string) => {
  const result = await apply(code, token);
  expect(result.errors).toBeUndefined();
  return result.data!.applyCoupon!.cart;
};
const removeCoupon = (code: string, token?: string) =>
  orders.client.request<{ removeCoupon: { cart: CartCouponsView } | null }>(REMOVE_COUPON, {
    variables: { code },
    token,
  });
const cartOf = async (token: string): Promise<CartCouponsView> =>
  (
    await orders.client.data(
      `query($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { cart { ${CART_COUPON_FIELDS} } } } }`,
      { variables: { id: globalId('User', userOf(token)) }, token },
    )
  )._entities[0].cart;

/** A customer whose cart holds `products`. */
async function shopper(...products: ProductState[]): Promise<string> {
  const token = customer();
  for (const product of products)
    await orders.client.data(ADD, { variables: { productId: P(product.productId) }, token });
  return token;
}
const product = (vendor: TestVendor, amount: number, extra: Partial<ProductState> = {}) =>
  published(orders, { vendorId: vendor.vendorId, price: { amount, currency: 'USD' }, ...extra });
const refusedWith = (result: { errors?: { extensions?: Record<string, unknown> }[] }) => result.errors?.[0].extensions;

describe('applyCoupon', () => {
  it('shows each item its discount, the cart its discount and total before tax; the subtotal stays the list prices', async () => {
    const [a, b] = [await product(vendorA, 1500), await product(vendorB, 2505)];
    const coupon = await createCoupon(orders, admin(), { percentOffBps: 1000 });
    const token = await shopper(a, b);
    const cart = await applied(coupon.code.toLowerCase(), token);
    expect(cart).toMatchObject({
      subtotal: { amount: 4005, currency: 'USD' },
      discount: { amount: 401, currency: 'USD' },
      totalBeforeTax: { amount: 3604, currency: 'USD' },
      items: [
        { product: { id: P(a.productId) }, discount: { amount: 150, currency: 'USD' } },
        // 10 % of 2505 = 250.5 → 251
        { product: { id: P(b.productId) }, discount: { amount: 251, currency: 'USD' } },
      ],
      coupons: [
        {
          code: coupon.code,
          issuer: 'PLATFORM',
          vendor: null,
          kind: 'PERCENTAGE',
          applies: true,
          problem: null,
          problemMessage: null,
          discount: { amount: 401, currency: 'USD' },
        },
      ],
    });
    expect(await cartOf(token)).toEqual(cart);
  });

  it("stacks one coupon per issuer: each vendor's on its own products first, then the platform's on what is left", async () => {
    const category = randomUUID();
    const [a, b] = [await product(vendorA, 2000, { categoryId: category }), await product(vendorB, 1000)];
    const ofA = await createCoupon(orders, vendorA.token, { percentOffBps: 2500 });
    const ofB = await createCoupon(orders, vendorB.token, {
      kind: 'FIXED_AMOUNT',
      percentOffBps: null,
      amountsOff: [{ amount: 300, currency: 'USD' }],
    });
    const platform = await createCoupon(orders, admin(), {
      kind: 'FIXED_AMOUNT',
      percentOffBps: null,
      amountsOff: [{ amount: 1000, currency: 'USD' }],
    });
    const token = await shopper(a, b);
    await applied(platform.code, token);
    await applied(ofA.code, token);
    const cart = await applied(ofB.code, token);
    // a: 2000 − 500 (A) = 1500; b: 1000 − 300 (B) = 700; platform 1000 over 1500/700: 681.8 → 682, 318.2 → 318.
    expect(cart.items.map((i) => i.discount.amount)).toEqual([500 + 682, 300 + 318]);
    expect(cart.coupons.map((c) => [c.code, c.issuer, c.vendor?.id ?? null, c.discount.amount])).toEqual([
      [platform.code, 'PLATFORM', null, 1000],
      [ofA.code, 'VENDOR', vendorA.id, 500],
      [ofB.code, 'VENDOR', vendorB.id, 300],
    ]);
    expect(cart).toMatchObject({
      subtotal: { amount: 3000 },
      discount: { amount: 1800 },
      totalBeforeTax: { amount: 1200 },
    });
  });

  it('targets products or categories (either), and a vendor coupon only its own products', async () => {
    const category = randomUUID();
    const [a1, a2, a3, b] = [
      await product(vendorA, 1000),
      await product(vendorA, 1000, { categoryId: category }),
      await product(vendorA, 1000),
      await product(vendorB, 1000, { categoryId: category }),
    ];
    const coupon = await createCoupon(orders, vendorA.token, {
      percentOffBps: 5000,
      productIds: [P(a1.productId)],
      categoryIds: [globalId('Category', category)],
    });
    const cart = await applied(coupon.code, await shopper(a1, a2, a3, b));
    expect(cart.items.map((i) => i.discount.amount)).toEqual([500, 500, 0, 0]);
  });

  it('applying a code already in the cart changes nothing', async () => {
    const coupon = await createCoupon(orders, admin());
    const token = await shopper(await product(vendorA, 1000));
    await applied(coupon.code, token);
    expect((await applied(coupon.code, token)).coupons).toHaveLength(1);
  });

  it('refuses a malformed or unknown code with BAD_USER_INPUT on input.code', async () => {
    const token = await shopper(await product(vendorA, 1000));
    expect(refusedWith(await apply('a b', token))).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.code', message: 'must be 3 to 32 of the characters A-Z 0-9 _ -' }],
    });
    expect(refusedWith(await apply('NO-SUCH-CODE-42', token))).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.code', message: 'no coupon with this code' }],
    });
    expect((await cartOf(token)).coupons).toEqual([]);
  });

  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const result = await apply('WHATEVER');
    expect(refusedWith(result)?.code).toBe('UNAUTHENTICATED');
    expect(result.data).toEqual({ applyCoupon: null });
    expect(refusedWith(await removeCoupon('WHATEVER'))?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a deactivated, not yet started or ended coupon with CONFLICT (COUPON_EXPIRED)', async () => {
    const token = await shopper(await product(vendorA, 1000));
    const deactivated = await createCoupon(orders, admin());
    await sql(`UPDATE coupons SET active = false WHERE id = $1`, [uuidOf(deactivated.id)]);
    const future = await createCoupon(orders, admin(), { startsAt: '2099-01-01T00:00:00.000Z' });
    const ended = await createCoupon(orders, admin());
    await sql(
      `UPDATE coupons SET starts_at = now() - interval '2 days', ends_at = now() - interval '1 day' WHERE id = $1`,
      [uuidOf(ended.id)],
    );
    for (const [coupon, message] of [
      [deactivated, 'was deactivated'],
      [future, 'is valid from 2099-01-01T00:00:00.000Z'],
      [ended, expect.stringMatching(/^ended at /)],
    ] as const) {
      expect(refusedWith(await apply(coupon.code, token))).toEqual({
        code: 'CONFLICT',
        reason: 'COUPON_EXPIRED',
        fields: [{ field: 'input.code', message }],
      });
    }
  });

  it('refuses a second coupon of the same issuer with CONFLICT (COUPON_STACKING)', async () => {
    const token = await shopper(await product(vendorA, 1000), await product(vendorB, 1000));
    const [p1, p2] = [await createCoupon(orders, admin()), await createCoupon(orders, admin())];
    const [a1, a2] = [await createCoupon(orders, vendorA.token), await createCoupon(orders, vendorA.token)];
    await applied(p1.code, token);
    await applied(a1.code, token);
    for (const [second, first] of [
      [p2, p1],
      [a2, a1],
    ]) {
      expect(refusedWith(await apply(second.code, token))).toEqual({
        code: 'CONFLICT',
        reason: 'COUPON_STACKING',
        fields: [
          {
            field: 'input.code',
            message: `cannot be combined with ${first.code} in one cart: one coupon per issuer (the platform, each vendor)`,
          },
        ],
      });
    }
    // Another vendor's is another issuer.
    await applied((await createCoupon(orders, vendorB.token)).code, token);
    expect((await cartOf(token)).coupons).toHaveLength(3);
  });

  it('refuses a coupon redeemed as often as it may be, in all or by this customer, with CONFLICT (COUPON_LIMIT_REACHED)', async () => {
    const item = await product(vendorA, 1000);
    const token = await shopper(item);
    const spent = await createCoupon(orders, admin(), { maxRedemptions: 1 });
    await sql(`UPDATE coupons SET redemption_count = 1 WHERE id = $1`, [uuidOf(spent.id)]);
    expect(refusedWith(await apply(spent.code, token))).toEqual({
      code: 'CONFLICT',
      reason: 'COUPON_LIMIT_REACHED',
      fields: [{ field: 'input.code', message: 'was redeemed as often as it may be' }],
    });
    const once = await createCoupon(orders, vendorA.token, { maxRedemptionsPerCustomer: 1 });
    const order = await unpaidOrder(orders, userOf(token), [item.productId]);
    await sql(`INSERT INTO coupon_redemptions (coupon_id, order_id, user_id) VALUES ($1, $2, $3)`, [
      uuidOf(once.id),
      order,
      userOf(token),
    ]);
    expect(refusedWith(await apply(once.code, token))).toMatchObject({
      code: 'CONFLICT',
      reason: 'COUPON_LIMIT_REACHED',
      fields: [{ field: 'input.code', message: 'may be redeemed once per customer, and you have already' }],
    });
    // Another customer may still.
    await applied(once.code, await shopper(item));
  });

  it("refuses a coupon with no amount or minimum in the cart's currency with CONFLICT (CURRENCY_MISMATCH)", async () => {
    const token = await shopper(await product(vendorA, 1000));
    const euroOnly = await createCoupon(orders, admin(), {
      kind: 'FIXED_AMOUNT',
      percentOffBps: null,
      amountsOff: [{ amount: 100, currency: 'EUR' }],
    });
    expect(refusedWith(await apply(euroOnly.code, token))).toEqual({
      code: 'CONFLICT',
      reason: 'CURRENCY_MISMATCH',
      fields: [{ field: 'input.code', message: "has no amount off in USD, the cart's currency" }],
    });
    const euroMinimum = await createCoupon(orders, admin(), { minimumSubtotals: [{ amount: 100, currency: 'EUR' }] });
    expect(refusedWith(await apply(euroMinimum.code, token))).toMatchObject({
      reason: 'CURRENCY_MISMATCH',
      fields: [{ field: 'input.code', message: "has no minimum subtotal in USD, the cart's currency" }],
    });
  });

  it('refuses a coupon for nothing in the cart, or below its minimum, with CONFLICT (COUPON_NOT_APPLICABLE)', async () => {
    const [a, b] = [await product(vendorA, 1000), await product(vendorB, 1500)];
    const token = await shopper(b);
    const notApplicable = (message: string) => ({
      code: 'CONFLICT',
      reason: 'COUPON_NOT_APPLICABLE',
      fields: [{ field: 'input.code', message }],
    });
    const none = 'applies to none of the products in the cart';
    expect(refusedWith(await apply((await createCoupon(orders, vendorA.token)).code, token))).toEqual(
      notApplicable(none),
    );
    const forA = await createCoupon(orders, admin(), { productIds: [P(a.productId)] });
    expect(refusedWith(await apply(forA.code, token))).toEqual(notApplicable(none));
    const minimum = await createCoupon(orders, admin(), { minimumSubtotals: [{ amount: 1501, currency: 'USD' }] });
    expect(refusedWith(await apply(minimum.code, token))).toEqual(
      notApplicable('needs the products it applies to to come to at least 1501 USD; in the cart they come to 1500 USD'),
    );
    expect(refusedWith(await apply(minimum.code, customer()))).toEqual(notApplicable(none));
    // At the minimum exactly, it applies.
    const exact = await createCoupon(orders, admin(), { minimumSubtotals: [{ amount: 1500, currency: 'USD' }] });
    expect((await applied(exact.code, token)).discount.amount).toBe(150);
  });
});

describe('a coupon that stops applying', () => {
  it('stays in the cart, shown as not applying with the reason, and the cart reads without an error', async () => {
    const [a, b] = [await product(vendorA, 1000), await product(vendorB, 1000)];
    const token = await shopper(a, b);
    const ofA = await createCoupon(orders, vendorA.token);
    const platform = await createCoupon(orders, admin(), { percentOffBps: 500 });
    await applied(ofA.code, token);
    await applied(platform.code, token);
    await orders.client.data(REMOVE, { variables: { productId: P(a.productId) }, token });
    await sql(
      `UPDATE coupons SET starts_at = now() - interval '2 days', ends_at = now() - interval '1 day' WHERE id = $1`,
      [uuidOf(platform.id)],
    );
    const cart = await cartOf(token);
    expect(cart.coupons).toEqual([
      expect.objectContaining({
        code: ofA.code,
        applies: false,
        problem: 'COUPON_NOT_APPLICABLE',
        problemMessage: 'applies to none of the products in the cart',
        discount: { amount: 0, currency: 'USD' },
      }),
      expect.objectContaining({
        code: platform.code,
        applies: false,
        problem: 'COUPON_EXPIRED',
        discount: { amount: 0, currency: 'USD' },
      }),
    ]);
    expect(cart).toMatchObject({ discount: { amount: 0 }, totalBeforeTax: { amount: 1000 } });
  });

  it('an archived product loses its discount; a deactivated coupon shows as expired', async () => {
    const [a, b] = [await product(vendorA, 1000), await product(vendorA, 3000)];
    const token = await shopper(a, b);
    const coupon = await createCoupon(orders, vendorA.token);
    await applied(coupon.code, token);
    await archive(orders, b);
    let cart = await cartOf(token);
    expect(cart.items.map((i) => [i.available, i.discount.amount])).toEqual([
      [true, 100],
      [false, 0],
    ]);
    await sql(`UPDATE coupons SET active = false WHERE id = $1`, [uuidOf(coupon.id)]);
    cart = await cartOf(token);
    expect(cart.coupons[0]).toMatchObject({
      applies: false,
      problem: 'COUPON_EXPIRED',
      problemMessage: 'was deactivated',
    });
    expect(cart.discount.amount).toBe(0);
  });
});

describe('removeCoupon', () => {
  it('takes the code out (any case); one not in the cart is no error; a malformed one is BAD_USER_INPUT', async () => {
    const token = await shopper(await product(vendorA, 1000));
    const coupon = await createCoupon(orders, admin());
    await applied(coupon.code, token);
    const { data } = await removeCoupon(coupon.code.toLowerCase(), token);
    expect(data!.removeCoupon!.cart).toMatchObject({ coupons: [], discount: { amount: 0 } });
    const again = await removeCoupon(coupon.code, token);
    expect(again.errors).toBeUndefined();
    expect(refusedWith(await removeCoupon('!', token))).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.code' }],
    });
    // Removing frees the issuer's place.
    await applied((await createCoupon(orders, admin())).code, token);
  });
});

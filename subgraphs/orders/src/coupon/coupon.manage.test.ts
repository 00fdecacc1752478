import { randomUUID } from 'node:crypto';
import { TestSubgraph, globalId, uuidOf } from '@marketplace/kit/testing';
import { admin, customer, published, startOrders } from '../testing';
import {
  COUPON_FIELDS,
  CREATE_COUPON,
  CouponView,
  DEACTIVATE_COUPON,
  TestVendor,
  addVendor,
  couponInput,
  createCoupon,
  uniqueCode,
} from './coupon.testing';

/** createCoupon, deactivateCoupon, `coupons` and `Vendor.coupons`: who may, and what is refused. */
let orders: TestSubgraph;
let vendor: TestVendor;
let otherVendor: TestVendor;
beforeAll(async () => {
  orders = await startOrders();
  vendor = await addVendor(orders);
  otherVendor = await addVendor(orders);
});
afterAll(() => orders.close());

const create = (input: Record<string, unknown>, token?: string) =>
  orders.client.request<{ createCoupon: { coupon: CouponView } | null }>(CREATE_COUPON, {
    variables: { input: couponInput(input) },
    token,
  });
const deactivate = (couponId: string, token?: string) =>
  orders.client.request<{ deactivateCoupon: { coupon: CouponView } | null }>(DEACTIVATE_COUPON, {
    variables: { couponId },
    token,
  });
const COUPONS = `query($filter: CouponFilter, $after: String, $first: Int) { coupons(filter: $filter, first: $first, after: $after) {
  totalCount edges { node { id code } } pageInfo { hasNextPage endCursor } } }`;
const VENDOR_COUPONS = `query($id: ID!, $filter: VendorCouponFilter) { _entities(representations: [{ __typename: "Vendor", id: $id }]) {
  ... on Vendor { coupons(filter: $filter) { totalCount edges { node { id code issuer vendor { id } } } } } } }`;
const vendorCoupons = (vendorId: string, token?: string, filter?: Record<string, unknown>) =>
  orders.client.request<{ _entities: [{ coupons: { totalCount: number; edges: { node: CouponView }[] } | null }] }>(
    VENDOR_COUPONS,
    { variables: { id: vendorId, filter }, token },
  );

describe('createCoupon', () => {
  it('an admin creates a PLATFORM coupon; the code is stored upper case; defaults are filled in', async () => {
    const code = uniqueCode('plat').toLowerCase();
    const before = Date.now();
    const coupon = await createCoupon(orders, admin(), { code: `  ${code} ` });
    expect(coupon).toMatchObject({
      code: code.toUpperCase(),
      issuer: 'PLATFORM',
      vendor: null,
      kind: 'PERCENTAGE',
      percentOffBps: 1000,
      amountsOff: [],
      minimumSubtotals: [],
      products: [],
      categories: [],
      endsAt: null,
      maxRedemptions: null,
      maxRedemptionsPerCustomer: 1,
      redemptionCount: 0,
      active: true,
    });
    expect(coupon.id).toMatch(/^Coupon:/);
    expect(new Date(coupon.startsAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('an ACTIVE vendor creates a VENDOR fixed-amount coupon for its own products and categories', async () => {
    const own = await published(orders, { vendorId: vendor.vendorId });
    const category = randomUUID();
    const endsAt = new Date(Date.now() + 86_400_000).toISOString();
    const coupon = await createCoupon(orders, vendor.token, {
      kind: 'FIXED_AMOUNT',
      percentOffBps: null,
      amountsOff: [
        { amount: 500, currency: 'USD' },
        { amount: 450, currency: 'EUR' },
      ],
      minimumSubtotals: [{ amount: 2000, currency: 'USD' }],
      productIds: [globalId('Product', own.productId)],
      categoryIds: [globalId('Category', category)],
      endsAt,
      maxRedemptions: 10,
      maxRedemptionsPerCustomer: 2,
    });
    expect(coupon).toMatchObject({
      issuer: 'VENDOR',
      vendor: { id: vendor.id },
      kind: 'FIXED_AMOUNT',
      percentOffBps: null,
      amountsOff: [
        { amount: 450, currency: 'EUR' },
        { amount: 500, currency: 'USD' },
      ],
      minimumSubtotals: [{ amount: 2000, currency: 'USD' }],
      products: [{ id: globalId('Product', own.productId) }],
      categories: [{ id: globalId('Category', category) }],
      endsAt,
      maxRedemptions: 10,
      maxRedemptionsPerCustomer: 2,
    });
  });

  it('refuses a code taken already, whatever its case, with CONFLICT (COUPON_CODE_TAKEN)', async () => {
    const code = uniqueCode('dup');
    await createCoupon(orders, admin(), { code });
    const result = await create({ code: code.toLowerCase() }, vendor.token);
    expect(result.errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'COUPON_CODE_TAKEN',
      fields: [{ field: 'input.code', message: 'is taken (codes are case-insensitive)' }],
    });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a short code', { code: 'AB' }, 'input.code', 'must be 3 to 32 of the characters A-Z 0-9 _ -'],
    ['a code with a space', { code: 'TEN OFF' }, 'input.code', 'must be 3 to 32 of the characters A-Z 0-9 _ -'],
    ['a long code', { code: 'X'.repeat(33) }, 'input.code', 'must be 3 to 32 of the characters A-Z 0-9 _ -'],
    ['no percentOffBps', { percentOffBps: null }, 'input.percentOffBps', 'is required for a PERCENTAGE coupon'],
    ['0 %', { percentOffBps: 0 }, 'input.percentOffBps', 'must be a whole number of basis points from 1 to 10000'],
    [
      'over 100 %',
      { percentOffBps: 10001 },
      'input.percentOffBps',
      'must be a whole number of basis points from 1 to 10000',
    ],
    [
      'amounts on a percentage',
      { amountsOff: [{ amount: 1, currency: 'USD' }] },
      'input.amountsOff',
      'is for FIXED_AMOUNT coupons only',
    ],
    [
      'a fixed coupon without amounts',
      { kind: 'FIXED_AMOUNT', percentOffBps: null, amountsOff: [] },
      'input.amountsOff',
      'needs at least one amount for a FIXED_AMOUNT coupon',
    ],
    [
      'a fixed coupon with a rate',
      { kind: 'FIXED_AMOUNT', amountsOff: [{ amount: 5, currency: 'USD' }] },
      'input.percentOffBps',
      'is for PERCENTAGE coupons only',
    ],
    [
      'an amount of 0',
      { kind: 'FIXED_AMOUNT', percentOffBps: null, amountsOff: [{ amount: 0, currency: 'USD' }] },
      'input.amountsOff.0.amount',
      'must be a whole number of minor units from 1 to 1000000000000',
    ],
    [
      'a currency twice',
      {
        kind: 'FIXED_AMOUNT',
        percentOffBps: null,
        amountsOff: [
          { amount: 5, currency: 'USD' },
          { amount: 6, currency: 'USD' },
        ],
      },
      'input.amountsOff.1.currency',
      'is given twice',
    ],
    [
      'a minimum in a currency without an amount',
      {
        kind: 'FIXED_AMOUNT',
        percentOffBps: null,
        amountsOff: [{ amount: 5, currency: 'USD' }],
        minimumSubtotals: [{ amount: 100, currency: 'EUR' }],
      },
      'input.minimumSubtotals',
      'has EUR, for which amountsOff has no amount',
    ],
    [
      'a negative minimum',
      { minimumSubtotals: [{ amount: -1, currency: 'USD' }] },
      'input.minimumSubtotals.0.amount',
      'must be a whole number of minor units from 1 to 1000000000000',
    ],
    ['an end in the past', { endsAt: '2020-01-01T00:00:00.000Z' }, 'input.endsAt', 'must be in the future'],
    [
      'an end before the start',
      { startsAt: '2099-02-01T00:00:00.000Z', endsAt: '2099-01-01T00:00:00.000Z' },
      'input.endsAt',
      'must be after startsAt',
    ],
    ['maxRedemptions 0', { maxRedemptions: 0 }, 'input.maxRedemptions', 'must be a whole number from 1 to 1000000000'],
    [
      'maxRedemptionsPerCustomer 0',
      { maxRedemptionsPerCustomer: 0 },
      'input.maxRedemptionsPerCustomer',
      'must be a whole number from 1 to 1000000000',
    ],
    [
      'an unknown product',
      { productIds: [globalId('Product', randomUUID())] },
      'input.productIds.0',
      'is not a product of the marketplace',
    ],
  ])('refuses %s with BAD_USER_INPUT on %s', async (_what, input, field, message) => {
    const result = await create(input, admin());
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].extensions?.fields).toContainEqual({ field, message });
    expect(result.data).toEqual({ createCoupon: null });
  });

  it("refuses a vendor another vendor's product, and ids of the wrong type, with BAD_USER_INPUT", async () => {
    const theirs = await published(orders, { vendorId: otherVendor.vendorId });
    const result = await create({ productIds: [globalId('Product', theirs.productId)] }, vendor.token);
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.productIds.0', message: 'is not one of your products' }],
    });
    const wrongType = await create({ categoryIds: [globalId('Product', randomUUID())] }, admin());
    expect(wrongType.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.categoryIds.0' }],
    });
  });

  it.each<[string, () => Promise<string | undefined>, string, string | undefined]>([
    ['anonymous', async () => undefined, 'UNAUTHENTICATED', undefined],
    ['a customer', async () => customer(), 'FORBIDDEN', undefined],
    ['a vendor unknown here', async () => (await addVendor(orders, 'PENDING')).token, 'FORBIDDEN', 'NOT_A_VENDOR'],
    ['a suspended vendor', async () => (await addVendor(orders, 'SUSPENDED')).token, 'FORBIDDEN', 'VENDOR_SUSPENDED'],
  ])('refuses %s with %s and creates nothing', async (_who, token, code, reason) => {
    const input = couponInput();
    const result = await create(input, await token());
    expect(result.errors?.[0].extensions).toMatchObject({ code, ...(reason ? { reason } : {}) });
    expect(result.data).toEqual({ createCoupon: null });
    const rows = await orders.subgraph.deps.db.query(`SELECT 1 FROM coupons WHERE code = $1`, [input.code]);
    expect(rows).toEqual([]);
  });
});

describe('deactivateCoupon', () => {
  it('its vendor and any admin may; the coupon stays, inactive; twice changes nothing', async () => {
    const own = await createCoupon(orders, vendor.token);
    const { data } = await deactivate(own.id, vendor.token);
    expect(data!.deactivateCoupon!.coupon).toMatchObject({ id: own.id, active: false });
    const again = await deactivate(own.id, admin());
    expect(again.errors).toBeUndefined();
    expect(again.data!.deactivateCoupon!.coupon.active).toBe(false);
    const platform = await createCoupon(orders, admin());
    expect((await deactivate(platform.id, admin())).data!.deactivateCoupon!.coupon.active).toBe(false);
  });

  it.each<[string, () => string | undefined, string]>([
    ['anonymous', () => undefined, 'UNAUTHENTICATED'],
    ['a customer', customer, 'FORBIDDEN'],
    ['another vendor', () => otherVendor.token, 'NOT_FOUND'],
  ])('refuses %s with %s and leaves the coupon active', async (_who, token, code) => {
    const coupon = await createCoupon(orders, vendor.token);
    const result = await deactivate(coupon.id, token());
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(result.data).toEqual({ deactivateCoupon: null });
    const { _entities } = await orders.client.data(VENDOR_COUPONS, {
      variables: { id: vendor.id, filter: { code: coupon.code } },
      token: vendor.token,
    });
    expect(_entities[0].coupons.edges).toHaveLength(1);
  });

  it('a vendor may not deactivate a platform coupon (NOT_FOUND); unknown ids are NOT_FOUND, malformed BAD_USER_INPUT', async () => {
    const platform = await createCoupon(orders, admin());
    expect((await deactivate(platform.id, vendor.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await deactivate(globalId('Coupon', randomUUID()), admin())).errors?.[0].extensions?.code).toBe(
      'NOT_FOUND',
    );
    for (const id of ['nope', globalId('Order', randomUUID())]) {
      expect((await deactivate(id, admin())).errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.couponId' }],
      });
    }
  });
});

describe('coupons (admin) and Vendor.coupons', () => {
  it('admins list every coupon newest first, filtered and paged', async () => {
    const mine = await addVendor(orders);
    const a = await createCoupon(orders, mine.token);
    const b = await createCoupon(orders, mine.token);
    await deactivate(a.id, mine.token);
    const page = async (filter: Record<string, unknown>, first = 20, after?: string) =>
      (await orders.client.data(COUPONS, { variables: { filter, first, after }, token: admin() })).coupons;
    const all = await page({ vendorId: mine.id });
    expect(all.totalCount).toBe(2);
    expect(all.edges.map((e: { node: CouponView }) => e.node.code)).toEqual([b.code, a.code]);
    const first = await page({ vendorId: mine.id }, 1);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page({ vendorId: mine.id }, 1, first.pageInfo.endCursor);
    expect(second.edges.map((e: { node: CouponView }) => e.node.code)).toEqual([a.code]);
    expect(
      (await page({ vendorId: mine.id, active: false })).edges.map((e: { node: CouponView }) => e.node.code),
    ).toEqual([a.code]);
    expect((await page({ code: b.code.toLowerCase() })).totalCount).toBe(1);
    expect((await page({ issuer: 'PLATFORM', vendorId: mine.id })).totalCount).toBe(0);
  });

  it.each<[string, () => string | undefined, string]>([
    ['anonymous', () => undefined, 'UNAUTHENTICATED'],
    ['a customer', customer, 'FORBIDDEN'],
    ['a vendor', () => vendor.token, 'FORBIDDEN'],
  ])('coupons refuses %s with %s and null', async (_who, token, code) => {
    const result = await orders.client.request(COUPONS, { variables: {}, token: token() });
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(result.data).toEqual({ coupons: null });
  });

  it('Vendor.coupons: the vendor and admins read them; anyone else gets null with an error', async () => {
    const mine = await addVendor(orders);
    const coupon = await createCoupon(orders, mine.token);
    await createCoupon(orders, admin());
    for (const token of [mine.token, admin()]) {
      const result = await vendorCoupons(mine.id, token);
      expect(result.errors).toBeUndefined();
      expect(result.data!._entities[0].coupons).toEqual({
        totalCount: 1,
        edges: [{ node: { id: coupon.id, code: coupon.code, issuer: 'VENDOR', vendor: { id: mine.id } } }],
      });
    }
    for (const [token, code] of [
      [undefined, 'UNAUTHENTICATED'],
      [customer(), 'FORBIDDEN'],
      [otherVendor.token, 'FORBIDDEN'],
    ] as const) {
      const result = await vendorCoupons(mine.id, token);
      expect(result.errors?.[0].extensions?.code).toBe(code);
      expect(result.data!._entities[0].coupons).toBeNull();
    }
  });

  it('COUPON_FIELDS all resolve for a coupon read through Vendor.coupons', async () => {
    const coupon = await createCoupon(orders, vendor.token);
    const { _entities } = await orders.client.data(
      `query($id: ID!, $code: String) { _entities(representations: [{ __typename: "Vendor", id: $id }]) { ... on Vendor { coupons(filter: { code: $code }) { edges { node { ${COUPON_FIELDS} } } } } } }`,
      { variables: { id: vendor.id, code: coupon.code }, token: vendor.token },
    );
    expect(_entities[0].coupons.edges[0].node).toEqual(coupon);
    expect(uuidOf(coupon.id)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

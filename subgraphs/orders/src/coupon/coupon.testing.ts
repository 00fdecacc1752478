import { randomUUID } from 'node:crypto';
import { queryRows } from '@marketplace/kit';
import { TestSubgraph, globalId, tokenFor } from '@marketplace/kit/testing';

export interface TestVendor {
  vendorId: string;
  /** `Vendor:<uuid>`, as the API answers it. */
  id: string;
  userId: string;
  token: string;
}

/** A vendor in the orders subgraph's replica, written directly (the replica's own tests go through events). */
export async function addVendor(
  orders: TestSubgraph,
  status: 'ACTIVE' | 'SUSPENDED' | 'PENDING' = 'ACTIVE',
): Promise<TestVendor> {
  const vendorId = randomUUID();
  const userId = randomUUID();
  await orders.subgraph.deps.db.query(
    `INSERT INTO vendors (id, user_id, status, status_changed_at) VALUES ($1, $2, $3, now())`,
    [vendorId, userId, status],
  );
  return { vendorId, id: globalId('Vendor', vendorId), userId, token: tokenFor(userId, 'VENDOR') };
}

let codes = 0;
/** A code no other test uses. */
export function uniqueCode(prefix = 'C'): string {
  codes += 1;
  return `${prefix}-${process.pid.toString(36)}${Date.now().toString(36)}${codes}`.toUpperCase().slice(0, 32);
}

export const COUPON_FIELDS = `id code issuer vendor { id } kind percentOffBps amountsOff { amount currency }
  minimumSubtotals { amount currency } products { id } categories { id } startsAt endsAt maxRedemptions
  maxRedemptionsPerCustomer redemptionCount active createdAt`;

export interface CouponView {
  id: string;
  code: string;
  issuer: 'PLATFORM' | 'VENDOR';
  vendor: { id: string } | null;
  kind: 'PERCENTAGE' | 'FIXED_AMOUNT';
  percentOffBps: number | null;
  amountsOff: { amount: number; currency: string }[];
  minimumSubtotals: { amount: number; currency: string }[];
  products: { id: string }[];
  categories: { id: string }[];
  startsAt: string;
  endsAt: string | null;
  maxRedemptions: number | null;
  maxRedemptionsPerCustomer: number;
  redemptionCount: number;
  active: boolean;
  createdAt: string;
}

export const CREATE_COUPON = `mutation($input: CreateCouponInput!) { createCoupon(input: $input) { coupon { ${COUPON_FIELDS} } } }`;
export const DEACTIVATE_COUPON = `mutation($couponId: ID!) { deactivateCoupon(input: { couponId: $couponId }) { coupon { ${COUPON_FIELDS} } } }`;

/** A 10 % coupon on everything its issuer may discount, with `overrides`. */
export const couponInput = (overrides: Record<string, unknown> = {}) => ({
  code: uniqueCode(),
  kind: 'PERCENTAGE',
  percentOffBps: 1000,
  ...overrides,
});

/** createCoupon as the holder of `token`, which must succeed. */
export async function createCoupon(
  orders: TestSubgraph,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<CouponView> {
  const { createCoupon } = await orders.client.data<{ createCoupon: { coupon: CouponView } }>(CREATE_COUPON, {
    variables: { input: couponInput(overrides) },
    token,
  });
  return createCoupon.coupon;
}

export const CART_COUPON_FIELDS = `id subtotal { amount currency } discount { amount currency } totalBeforeTax { amount currency }
  items { product { id } unitPrice { amount } discount { amount currency } available }
  coupons { code issuer vendor { id } kind applies problem problemMessage discount { amount currency } }`;

export interface CartCouponsView {
  id: string;
  subtotal: { amount: number; currency: string };
  discount: { amount: number; currency: string };
  totalBeforeTax: { amount: number; currency: string };
  items: {
    product: { id: string };
    unitPrice: { amount: number };
    discount: { amount: number; currency: string };
    available: boolean;
  }[];
  coupons: {
    code: string;
    issuer: string;
    vendor: { id: string } | null;
    kind: string;
    applies: boolean;
    problem: string | null;
    problemMessage: string | null;
    discount: { amount: number; currency: string };
  }[];
}

export const APPLY_COUPON = `mutation($code: String!) { applyCoupon(input: { code: $code }) { cart { ${CART_COUPON_FIELDS} } } }`;
export const REMOVE_COUPON = `mutation($code: String!) { removeCoupon(input: { code: $code }) { cart { ${CART_COUPON_FIELDS} } } }`;

/**
 * An unpaid order of `userId` with one line per product (their replica prices), written
 * directly: the redemption tests need many orders and no checkout.
 */
export async function unpaidOrder(orders: TestSubgraph, userId: string, productIds: string[]): Promise<string> {
  const db = orders.subgraph.deps.db;
  const [{ id }] = await queryRows<{ id: string }>(
    db,
    `WITH lines AS (SELECT sum(price_amount)::int AS subtotal, min(price_currency) AS currency FROM products WHERE id = ANY($2::uuid[]))
     INSERT INTO orders (number, user_id, status, currency, subtotal_amount, total_amount, idempotency_key)
     SELECT 'MP-' || lpad(nextval('order_number_seq')::text, 6, '0'), $1, 'PENDING_PAYMENT', currency, subtotal, subtotal, $3
     FROM lines RETURNING id`,
    [userId, productIds, `key-${randomUUID()}`],
  );
  await db.query(
    `INSERT INTO order_items (order_id, product_id, vendor_id, name, unit_price, currency, position)
     SELECT $1, p.id, p.vendor_id, p.name, p.price_amount, p.price_currency, row_number() OVER (ORDER BY p.id)
     FROM products p WHERE p.id = ANY($2::uuid[])`,
    [id, productIds],
  );
  return id;
}

/** A coupon's redemption count as stored. */
export async function redemptionCountOf(orders: TestSubgraph, couponId: string): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    orders.subgraph.deps.db,
    `SELECT redemption_count AS count FROM coupons WHERE id = $1`,
    [couponId],
  );
  return row.count;
}

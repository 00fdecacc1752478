import { Money, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { Coupon, CouponIssuer, CouponKind } from './coupon.type';

type Db = DataSource | EntityManager;

/** A coupons row, as the rules and the API read it. */
export interface CouponRow {
  id: string;
  code: string;
  issuer: CouponIssuer;
  vendorId: string | null;
  kind: CouponKind;
  percentOffBps: number | null;
  /** Minor units per currency; null for PERCENTAGE. */
  amountsOff: Record<string, number> | null;
  minimumSubtotals: Record<string, number>;
  productIds: string[];
  categoryIds: string[];
  startsAt: Date;
  endsAt: Date | null;
  maxRedemptions: number | null;
  maxRedemptionsPerCustomer: number;
  redemptionCount: number;
  active: boolean;
  createdAt: Date;
}

/** The columns of CouponRow, from `coupons` aliased `c`. */
export const COUPON_COLUMNS = `c.id, c.code, c.issuer, c.vendor_id AS "vendorId", c.kind, c.percent_off_bps AS "percentOffBps",
  c.amounts_off AS "amountsOff", c.minimum_subtotals AS "minimumSubtotals", c.product_ids AS "productIds",
  c.category_ids AS "categoryIds", c.starts_at AS "startsAt", c.ends_at AS "endsAt", c.max_redemptions AS "maxRedemptions",
  c.max_redemptions_per_customer AS "maxRedemptionsPerCustomer", c.redemption_count AS "redemptionCount", c.active,
  c.created_at AS "createdAt"`;

/** Per currency, in currency order: how the API lists `amountsOff` and `minimumSubtotals`. */
export const moneyList = (amounts: Record<string, number> | null): Money[] =>
  Object.entries(amounts ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => Money.of(amount, currency));

export function toCoupon(row: CouponRow): Coupon {
  return Object.assign(new Coupon(), {
    ...row,
    amountsOff: moneyList(row.amountsOff),
    minimumSubtotals: moneyList(row.minimumSubtotals),
  });
}

/** The coupon with this (upper-case) code, if any. */
export async function couponByCode(db: Db, code: string): Promise<CouponRow | null> {
  const [row] = await queryRows<CouponRow>(db, `SELECT ${COUPON_COLUMNS} FROM coupons c WHERE c.code = $1`, [code]);
  return row ?? null;
}

/** Unreleased redemptions of each coupon by one customer. */
export async function customerRedemptions(db: Db, userId: string, couponIds: string[]): Promise<Map<string, number>> {
  if (couponIds.length === 0) return new Map();
  const rows = await queryRows<{ couponId: string; count: number }>(
    db,
    `SELECT coupon_id AS "couponId", count(*)::int AS count FROM coupon_redemptions
     WHERE user_id = $1 AND coupon_id = ANY($2::uuid[]) AND released_at IS NULL GROUP BY coupon_id`,
    [userId, couponIds],
  );
  return new Map(rows.map((row) => [row.couponId, row.count]));
}

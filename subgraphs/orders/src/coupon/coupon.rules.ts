import { AppError, badInput, conflict } from '@marketplace/kit';
import type { PricingLine } from '../pricing/pricing.types';
import type { AllocatableCoupon } from './discount-allocation';
import type { CouponRow } from './coupon.store';
import { CartCouponProblem, CouponIssuer, CouponKind } from './coupon.type';

/** What a code must look like once trimmed and upper-cased. */
export const CODE_PATTERN = /^[A-Z0-9_-]{3,32}$/;

/** The stored form of a code a client typed: trimmed, upper case. */
export const normalizeCode = (raw: string) => raw.trim().toUpperCase();

/** A code that cannot be any coupon's: BAD_USER_INPUT on `field`, without asking the database. */
export function checkCode(raw: string, field = 'input.code'): string {
  const code = normalizeCode(raw);
  if (!CODE_PATTERN.test(code)) throw badInput([{ field, message: 'must be 3 to 32 of the characters A-Z 0-9 _ -' }]);
  return code;
}

/** The key that keeps one coupon per issuer in a cart: the platform, or each vendor. */
export const stackKeyOf = (coupon: Pick<CouponRow, 'issuer' | 'vendorId'>) =>
  coupon.issuer === CouponIssuer.PLATFORM ? 'PLATFORM' : coupon.vendorId!;

/** The lines a coupon targets: its vendor's (vendor coupons), then its products or categories (either), or all. */
export function targetedLines(coupon: CouponRow, lines: readonly PricingLine[]): PricingLine[] {
  const products = new Set(coupon.productIds);
  const categories = new Set(coupon.categoryIds);
  const everything = products.size === 0 && categories.size === 0;
  return lines.filter(
    (line) =>
      (coupon.issuer === CouponIssuer.PLATFORM || line.vendorId === coupon.vendorId) &&
      (everything || products.has(line.productId) || (line.categoryId !== null && categories.has(line.categoryId))),
  );
}

/** Why a coupon does not apply, in the reason's terms and in words. */
export interface CouponVerdict {
  problem: CartCouponProblem;
  message: string;
}

export interface CouponSituation {
  /** The available lines in the cart's currency. */
  lines: readonly PricingLine[];
  /** The cart's currency; null when it holds nothing available. */
  currency: string | null;
  now: Date;
  /** This customer's redemptions of the coupon that still count. */
  customerRedemptions: number;
}

/** Null when the coupon applies to the lines now; otherwise the first problem found. */
export function verdictOf(coupon: CouponRow, situation: CouponSituation): CouponVerdict | null {
  const { now, currency } = situation;
  const expired = (message: string) => ({ problem: CartCouponProblem.COUPON_EXPIRED, message });
  if (!coupon.active) return expired('was deactivated');
  if (now < coupon.startsAt) return expired(`is valid from ${coupon.startsAt.toISOString()}`);
  if (coupon.endsAt && now >= coupon.endsAt) return expired(`ended at ${coupon.endsAt.toISOString()}`);
  const limit = (message: string) => ({ problem: CartCouponProblem.COUPON_LIMIT_REACHED, message });
  if (coupon.maxRedemptions !== null && coupon.redemptionCount >= coupon.maxRedemptions)
    return limit('was redeemed as often as it may be');
  if (situation.customerRedemptions >= coupon.maxRedemptionsPerCustomer)
    return limit(perCustomerMessage(coupon.maxRedemptionsPerCustomer));
  const mismatch = (message: string) => ({ problem: CartCouponProblem.CURRENCY_MISMATCH, message });
  if (currency !== null && coupon.kind === CouponKind.FIXED_AMOUNT && coupon.amountsOff?.[currency] === undefined)
    return mismatch(`has no amount off in ${currency}, the cart's currency`);
  const minimums = coupon.minimumSubtotals;
  if (currency !== null && Object.keys(minimums).length > 0 && minimums[currency] === undefined)
    return mismatch(`has no minimum subtotal in ${currency}, the cart's currency`);
  const notApplicable = (message: string) => ({ problem: CartCouponProblem.COUPON_NOT_APPLICABLE, message });
  const targeted = targetedLines(coupon, situation.lines);
  if (targeted.length === 0 || currency === null) return notApplicable('applies to none of the products in the cart');
  const minimum = minimums[currency] ?? 0;
  const subtotal = targeted.reduce((sum, line) => sum + line.unitPrice, 0);
  if (subtotal < minimum)
    return notApplicable(
      `needs the products it applies to to come to at least ${minimum} ${currency}; in the cart they come to ${subtotal} ${currency}`,
    );
  return null;
}

/** The per-customer limit in words: "may be redeemed once per customer…". */
export const perCustomerMessage = (limit: number) =>
  `may be redeemed ${limit === 1 ? 'once' : `${limit} times`} per customer, and you have already`;

/** The error applyCoupon (field `input.code`) and checkout (no field: the cart is at fault) answer a verdict with. */
export function refusal(code: string, verdict: CouponVerdict, field?: string): AppError {
  return conflict(
    `Coupon ${code} ${verdict.message}`,
    verdict.problem,
    field ? [{ field, message: verdict.message }] : undefined,
  );
}

/** The coupon as allocation takes it, for lines in `currency`. */
export function allocatable(coupon: CouponRow, lines: readonly PricingLine[], currency: string): AllocatableCoupon {
  return {
    couponId: coupon.id,
    code: coupon.code,
    issuer: coupon.issuer,
    percentOffBps: coupon.kind === CouponKind.PERCENTAGE ? coupon.percentOffBps : null,
    amountOff: coupon.kind === CouponKind.FIXED_AMOUNT ? (coupon.amountsOff?.[currency] ?? 0) : null,
    productIds: targetedLines(coupon, lines).map((line) => line.productId),
  };
}

import type { DiscountIssuer, LineDiscount, PricingLine } from '../pricing/pricing.types';

const BPS_PER_UNIT = 10_000n;

/** One coupon that applies, as allocation needs it: what it takes off and the lines it targets. */
export interface AllocatableCoupon {
  couponId: string;
  code: string;
  issuer: DiscountIssuer;
  /** PERCENTAGE coupons: basis points off each targeted line (1..10000). */
  percentOffBps: number | null;
  /** FIXED_AMOUNT coupons: minor units off the targeted lines together, in the lines' currency. */
  amountOff: number | null;
  /** The products of `lines` the coupon targets (its vendor's for a vendor coupon). */
  productIds: readonly string[];
}

/**
 * Each applying coupon's share of each line, exact to the minor unit. Vendor coupons go
 * first, on their lines' list prices; then the platform coupon, on what the vendor coupons
 * left of its lines, so a line is never discounted below zero and the platform's share is
 * measured on what the buyer would otherwise pay. A share of 0 is left out.
 *
 * - Percentage: per line, rounded half up.
 * - Fixed amount: at most what its lines have left; split in proportion to those amounts by the
 *   largest-remainder method (ties to the lower productId), so the shares add up exactly to
 *   min(amountOff, eligible) and none exceeds its line's remaining amount.
 */
export function allocateDiscounts(
  lines: readonly PricingLine[],
  coupons: readonly AllocatableCoupon[],
): LineDiscount[] {
  const remaining = new Map(lines.map((line) => [line.productId, line.unitPrice]));
  const ordered = [
    ...coupons.filter((coupon) => coupon.issuer === 'VENDOR'),
    ...coupons.filter((coupon) => coupon.issuer === 'PLATFORM'),
  ];
  const discounts: LineDiscount[] = [];
  for (const coupon of ordered) {
    const targeted = [...new Set(coupon.productIds)]
      .filter((productId) => remaining.has(productId))
      .sort()
      .map((productId) => ({ productId, left: remaining.get(productId)! }));
    const shares =
      coupon.percentOffBps !== null
        ? percentShares(targeted, coupon.percentOffBps)
        : fixedShares(targeted, coupon.amountOff ?? 0);
    for (const [productId, amount] of shares) {
      if (amount === 0) continue;
      remaining.set(productId, remaining.get(productId)! - amount);
      discounts.push({ productId, couponId: coupon.couponId, code: coupon.code, issuer: coupon.issuer, amount });
    }
  }
  // In the lines' order, then vendor before platform: how an order or invoice lists them.
  const position = new Map(lines.map((line, index) => [line.productId, index]));
  const rank = (discount: LineDiscount) => (discount.issuer === 'VENDOR' ? 0 : 1);
  return discounts.sort((a, b) => position.get(a.productId)! - position.get(b.productId)! || rank(a) - rank(b));
}

interface Remaining {
  productId: string;
  left: number;
}

function percentShares(lines: Remaining[], bps: number): Map<string, number> {
  if (!Number.isInteger(bps) || bps < 1 || bps > 10_000)
    throw new RangeError(`percentOffBps must be 1..10000, got ${bps}`);
  return new Map(
    lines.map(({ productId, left }) => [
      productId,
      Number((BigInt(left) * BigInt(bps) + BPS_PER_UNIT / 2n) / BPS_PER_UNIT),
    ]),
  );
}

function fixedShares(lines: Remaining[], amountOff: number): Map<string, number> {
  if (!Number.isSafeInteger(amountOff) || amountOff < 0)
    throw new RangeError(`amountOff must be a whole amount, got ${amountOff}`);
  const eligible = lines.reduce((sum, line) => sum + BigInt(line.left), 0n);
  const shares = new Map(lines.map((line) => [line.productId, 0]));
  if (eligible === 0n) return shares;
  const total = BigInt(amountOff) < eligible ? BigInt(amountOff) : eligible;
  const parts = lines.map(({ productId, left }) => {
    const exact = total * BigInt(left);
    return { productId, floor: exact / eligible, remainder: exact % eligible };
  });
  let leftOver = total - parts.reduce((sum, part) => sum + part.floor, 0n);
  // Largest remainders first; equal ones in productId order (`lines` is sorted by it, and sort is stable).
  const byRemainder = [...parts].sort((a, b) => (a.remainder === b.remainder ? 0 : a.remainder > b.remainder ? -1 : 1));
  for (const part of byRemainder) {
    if (leftOver === 0n) break;
    if (part.remainder === 0n) continue;
    part.floor += 1n;
    leftOver -= 1n;
  }
  for (const part of parts) shares.set(part.productId, Number(part.floor));
  return shares;
}

import { priceLines, sumsOf } from '../pricing/price-lines';
import type { PricingLine } from '../pricing/pricing.types';
import { AllocatableCoupon, allocateDiscounts } from './discount-allocation';

/** Pure allocation: every figure to the minor unit. */
const line = (productId: string, unitPrice: number, vendorId = 'v1'): PricingLine => ({
  productId,
  vendorId,
  categoryId: null,
  name: productId,
  unitPrice,
});

const percent = (code: string, bps: number, productIds: string[], issuer: 'VENDOR' | 'PLATFORM' = 'PLATFORM') =>
  ({
    couponId: `id-${code}`,
    code,
    issuer,
    percentOffBps: bps,
    amountOff: null,
    productIds,
  }) satisfies AllocatableCoupon;
const fixed = (code: string, amountOff: number, productIds: string[], issuer: 'VENDOR' | 'PLATFORM' = 'PLATFORM') =>
  ({ couponId: `id-${code}`, code, issuer, percentOffBps: null, amountOff, productIds }) satisfies AllocatableCoupon;

/** productId → amount of one coupon. */
const sharesOf = (discounts: ReturnType<typeof allocateDiscounts>, code: string) =>
  Object.fromEntries(discounts.filter((d) => d.code === code).map((d) => [d.productId, d.amount]));

describe('percentage', () => {
  it('takes the rate off each targeted line, rounded half up per line', () => {
    // 10 % of 1005 = 100.5 → 101; of 1004 = 100.4 → 100; of 5 = 0.5 → 1.
    const lines = [line('a', 1005), line('b', 1004), line('c', 5)];
    expect(allocateDiscounts(lines, [percent('TEN', 1000, ['a', 'b', 'c'])])).toEqual([
      { productId: 'a', couponId: 'id-TEN', code: 'TEN', issuer: 'PLATFORM', amount: 101 },
      { productId: 'b', couponId: 'id-TEN', code: 'TEN', issuer: 'PLATFORM', amount: 100 },
      { productId: 'c', couponId: 'id-TEN', code: 'TEN', issuer: 'PLATFORM', amount: 1 },
    ]);
  });

  it('leaves out shares of 0 and untargeted lines; 100 % takes the whole line', () => {
    const lines = [line('a', 4), line('b', 999), line('c', 1999)];
    expect(sharesOf(allocateDiscounts(lines, [percent('P', 1, ['a', 'b'])]), 'P')).toEqual({});
    expect(sharesOf(allocateDiscounts(lines, [percent('ALL', 10_000, ['c'])]), 'ALL')).toEqual({ c: 1999 });
    // 12.5 % of 999 = 124.875 → 125
    expect(sharesOf(allocateDiscounts(lines, [percent('X', 1250, ['b'])]), 'X')).toEqual({ b: 125 });
  });

  it('ignores products that are not lines', () => {
    expect(allocateDiscounts([line('a', 1000)], [percent('P', 5000, ['zzz'])])).toEqual([]);
  });
});

describe('fixed amount', () => {
  it('splits in proportion to the lines, largest remainder first, adding up exactly', () => {
    // 1000 over 3000/2000/1000: 500, 333.33, 166.67 → 500, 333, 167.
    const lines = [line('a', 3000), line('b', 2000), line('c', 1000)];
    const shares = sharesOf(allocateDiscounts(lines, [fixed('F', 1000, ['a', 'b', 'c'])]), 'F');
    expect(shares).toEqual({ a: 500, b: 333, c: 167 });
  });

  it('breaks equal remainders by productId, deterministically whatever the line order', () => {
    // 100 over three equal lines: 33.33 each, the one left over to the lowest productId.
    const lines = [line('c', 500), line('a', 500), line('b', 500)];
    expect(sharesOf(allocateDiscounts(lines, [fixed('F', 100, ['b', 'c', 'a'])]), 'F')).toEqual({
      a: 34,
      b: 33,
      c: 33,
    });
    expect(sharesOf(allocateDiscounts([...lines].reverse(), [fixed('F', 100, ['a', 'b', 'c'])]), 'F')).toEqual({
      a: 34,
      b: 33,
      c: 33,
    });
    // 2 over three equal lines: a and b get one each.
    expect(sharesOf(allocateDiscounts(lines, [fixed('F', 2, ['a', 'b', 'c'])]), 'F')).toEqual({ a: 1, b: 1 });
  });

  it('is capped at what the targeted lines come to, never more than a line', () => {
    const lines = [line('a', 700), line('b', 300), line('c', 5000)];
    const discounts = allocateDiscounts(lines, [fixed('BIG', 5000, ['a', 'b'])]);
    expect(sharesOf(discounts, 'BIG')).toEqual({ a: 700, b: 300 });
  });

  it('adds up to min(amountOff, eligible) for awkward amounts', () => {
    const prices = [1, 7, 13, 999, 1001, 2, 3333];
    const lines = prices.map((price, index) => line(`p${index}`, price));
    for (const amountOff of [1, 2, 3, 17, 100, 1234, 5355, 5356, 9999]) {
      const discounts = allocateDiscounts(lines, [
        fixed(
          'F',
          amountOff,
          lines.map((l) => l.productId),
        ),
      ]);
      expect(discounts.reduce((sum, d) => sum + d.amount, 0)).toBe(Math.min(amountOff, 5356));
      for (const d of discounts)
        expect(d.amount).toBeLessThanOrEqual(lines.find((l) => l.productId === d.productId)!.unitPrice);
    }
  });

  it('handles amounts whose products exceed 2^53 exactly', () => {
    const lines = [line('a', 900_000_000), line('b', 900_000_001)];
    const discounts = allocateDiscounts(lines, [fixed('F', 999_999_999, ['a', 'b'])]);
    expect(sharesOf(discounts, 'F')).toEqual({ a: 499_999_999, b: 500_000_000 });
  });
});

describe('vendor and platform coupons together', () => {
  it("applies each vendor's coupon to its own lines first, then the platform coupon on what is left", () => {
    const lines = [line('a1', 2000, 'vendorA'), line('a2', 1000, 'vendorA'), line('b1', 3000, 'vendorB')];
    const discounts = allocateDiscounts(lines, [
      percent('PLAT10', 1000, ['a1', 'a2', 'b1']),
      percent('A20', 2000, ['a1'], 'VENDOR'),
      fixed('B5', 500, ['b1'], 'VENDOR'),
    ]);
    // a1: 20 % of 2000 = 400 (vendor), then 10 % of 1600 = 160; a2: 10 % of 1000 = 100; b1: 500 (vendor), 10 % of 2500 = 250.
    expect(discounts.map((d) => [d.productId, d.code, d.issuer, d.amount])).toEqual([
      ['a1', 'A20', 'VENDOR', 400],
      ['a1', 'PLAT10', 'PLATFORM', 160],
      ['a2', 'PLAT10', 'PLATFORM', 100],
      ['b1', 'B5', 'VENDOR', 500],
      ['b1', 'PLAT10', 'PLATFORM', 250],
    ]);
  });

  it('splits a fixed platform coupon over the amounts the vendor coupons left, never below zero', () => {
    const lines = [line('a', 1000, 'vendorA'), line('b', 1000, 'vendorB')];
    const discounts = allocateDiscounts(lines, [fixed('A-ALL', 1000, ['a'], 'VENDOR'), fixed('PLAT', 600, ['a', 'b'])]);
    // a is free after its vendor's coupon: the platform's 600 all goes to b.
    expect(discounts.map((d) => [d.productId, d.code, d.amount])).toEqual([
      ['a', 'A-ALL', 1000],
      ['b', 'PLAT', 600],
    ]);
    const capped = allocateDiscounts(lines, [percent('A90', 9000, ['a'], 'VENDOR'), fixed('PLAT', 5000, ['a', 'b'])]);
    // a: 900 off by the vendor, 100 left; the platform takes what is left of both (100 + 1000).
    expect(sharesOf(capped, 'PLAT')).toEqual({ a: 100, b: 1000 });
  });

  it('a platform percentage on a vendor-discounted line rounds on the remaining amount', () => {
    const lines = [line('a', 999, 'v')];
    // 999 − 15 % (149.85 → 150) = 849; 5 % of 849 = 42.45 → 42.
    const discounts = allocateDiscounts(lines, [percent('P5', 500, ['a']), percent('V15', 1500, ['a'], 'VENDOR')]);
    expect(discounts.map((d) => [d.code, d.amount])).toEqual([
      ['V15', 150],
      ['P5', 42],
    ]);
  });
});

describe('with priceLines (what checkout does with the discounts)', () => {
  it("gives each line its discount, the vendor's share and tax on the discounted price, adding up", () => {
    const lines = [line('a', 2000, 'vendorA'), line('b', 1000, 'vendorB')];
    const discounts = allocateDiscounts(lines, [
      percent('A25', 2500, ['a'], 'VENDOR'),
      fixed('PLAT', 1000, ['a', 'b']),
    ]);
    const priced = priceLines(lines, discounts, { rateBps: 1900, reverseCharge: false, name: 'VAT' });
    expect(priced.map((p) => [p.productId, p.discount, p.vendorDiscount, p.tax, p.total])).toEqual([
      // a: 500 by its vendor, then 1000 over 1500/1000 → 600; taxable 900, 19 % = 171.
      ['a', 1100, 500, 171, 1071],
      // b: 400 by the platform; taxable 600, 19 % = 114.
      ['b', 400, 0, 114, 714],
    ]);
    expect(sumsOf(priced)).toMatchObject({ subtotal: 3000, discount: 1500, tax: 285, total: 1785 });
  });
});

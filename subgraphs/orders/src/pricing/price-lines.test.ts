import { priceLines, sumsOf, taxOf } from './price-lines';
import type { LineDiscount, PricingLine } from './pricing.types';

const line = (productId: string, unitPrice: number, vendorId = 'v1'): PricingLine => ({
  productId,
  vendorId,
  categoryId: null,
  name: productId,
  unitPrice,
});
const discount = (productId: string, amount: number, issuer: 'VENDOR' | 'PLATFORM'): LineDiscount => ({
  productId,
  couponId: `${issuer}-coupon`,
  code: issuer,
  issuer,
  amount,
});
const consumer = (rateBps: number) => ({ rateBps, reverseCharge: false, name: 'VAT' });

describe('taxOf', () => {
  it.each([
    [1000, 1900, 190],
    [999, 1900, 190], // 189.81 → 190
    [105, 1000, 11], // 10.5 → 11: half up
    [104, 1000, 10],
    [2631, 2550, 671], // 670.905 → 671
    [0, 2000, 0],
    [Number.MAX_SAFE_INTEGER, 10_000, Number.MAX_SAFE_INTEGER],
  ])('tax on %i at %i bps is %i, rounded half up in integers', (amount, bps, tax) => {
    expect(taxOf(amount, bps)).toBe(tax);
  });

  it.each([
    [-1, 100],
    [1.5, 100],
    [100, -1],
    [100, 10_001],
    [100, 1.5],
  ])('refuses amount %d at %d bps', (amount, bps) => {
    expect(() => taxOf(amount, bps)).toThrow(RangeError);
  });
});

describe('priceLines', () => {
  it('takes each line its discounts off, then taxes what is left, and adds up to the cent', () => {
    const lines = [line('a', 2000, 'v1'), line('b', 999, 'v2')];
    const priced = priceLines(
      lines,
      [discount('a', 200, 'VENDOR'), discount('a', 180, 'PLATFORM'), discount('b', 100, 'PLATFORM')],
      consumer(1900),
    );
    expect(
      priced.map(({ productId, discount, vendorDiscount, taxRateBps, tax, total }) => ({
        productId,
        discount,
        vendorDiscount,
        taxRateBps,
        tax,
        total,
      })),
    ).toEqual([
      // 2000 − 380 = 1620; 19 % = 307.8 → 308
      { productId: 'a', discount: 380, vendorDiscount: 200, taxRateBps: 1900, tax: 308, total: 1928 },
      // 999 − 100 = 899; 19 % = 170.81 → 171
      { productId: 'b', discount: 100, vendorDiscount: 0, taxRateBps: 1900, tax: 171, total: 1070 },
    ]);
    expect(sumsOf(priced)).toEqual({ subtotal: 2999, discount: 480, tax: 479, total: 2998 });
  });

  it('charges no tax under reverse charge, whatever the rate', () => {
    const [priced] = priceLines([line('a', 1000)], [], { rateBps: 2000, reverseCharge: true, name: 'VAT' });
    expect(priced).toMatchObject({ taxRateBps: 0, tax: 0, total: 1000 });
  });

  it('allows a line discounted to nothing, and refuses discounts above the price', () => {
    expect(priceLines([line('a', 500)], [discount('a', 500, 'PLATFORM')], consumer(2000))[0]).toMatchObject({
      discount: 500,
      tax: 0,
      total: 0,
    });
    expect(() => priceLines([line('a', 500)], [discount('a', 501, 'VENDOR')], consumer(0))).toThrow(RangeError);
  });

  it('sums nothing for no lines', () => {
    expect(sumsOf([])).toEqual({ subtotal: 0, discount: 0, tax: 0, total: 0 });
  });
});

import { availableFrom, commissionOf, toAmount } from './ledger.math';

describe('commissionOf', () => {
  it.each([
    [1000, 1500, 150],
    [1999, 1500, 300], // 299.85 → 300
    [1001, 1500, 150], // 150.15 → 150
    [1, 5000, 1], // 0.5 → 1 (half up)
    [3, 5000, 2], // 1.5 → 2
    [5, 1000, 1], // 0.5 → 1
    [4, 1000, 0], // 0.4 → 0
    [999, 0, 0],
    [999, 10_000, 999],
    [0, 1500, 0],
    [2_147_483_647, 1500, 322_122_547], // 322122547.05
  ])('%i at %i bps is %i', (price, bps, expected) => {
    expect(commissionOf(price, bps)).toBe(expected);
  });

  it.each([
    [-1, 1500],
    [1.5, 1500],
    [100, -1],
    [100, 10_001],
    [100, 15.5],
  ])('refuses price %p at %p bps', (price, bps) => {
    expect(() => commissionOf(price, bps)).toThrow(RangeError);
  });

  it('agrees with rounding price × bps / 10000 half up for every price up to 5000', () => {
    for (const bps of [1500, 333, 2500]) {
      for (let price = 0; price <= 5000; price += 1)
        expect(commissionOf(price, bps)).toBe(Math.round((price * bps) / 10_000));
    }
  });
});

describe('availableFrom', () => {
  it('adds whole days of hold', () => {
    const paidAt = new Date('2026-01-01T10:00:00.000Z');
    expect(availableFrom(paidAt, 0).toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(availableFrom(paidAt, 7).toISOString()).toBe('2026-01-08T10:00:00.000Z');
    expect(availableFrom(paidAt, 90).toISOString()).toBe('2026-04-01T10:00:00.000Z');
  });
});

describe('toAmount', () => {
  it('reads Postgres bigint strings and missing sums', () => {
    expect(toAmount('-1234')).toBe(-1234);
    expect(toAmount(null)).toBe(0);
    expect(toAmount(undefined)).toBe(0);
    expect(toAmount(17)).toBe(17);
  });
});

describe('toAmount', () => {
  it('reads bigint amounts and sums past 2^31 exactly, and 0 for none', () => {
    expect(toAmount('6000000000')).toBe(6_000_000_000);
    expect(toAmount('-8500')).toBe(-8500);
    expect(toAmount(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(toAmount(null)).toBe(0);
  });

  it('refuses a sum a JSON number cannot carry exactly rather than round it', () => {
    expect(() => toAmount('9007199254740993')).toThrow(RangeError);
    expect(() => toAmount('-9007199254740993')).toThrow(RangeError);
  });
});

import { formatAmount, formatMoney, formatRate } from './money-format';

describe('formatMoney', () => {
  it.each([
    [0, 'EUR', '0.00 EUR'],
    [5, 'EUR', '0.05 EUR'],
    [99, 'USD', '0.99 USD'],
    [1_999, 'GBP', '19.99 GBP'],
    [123_456, 'EUR', '1,234.56 EUR'],
    [100_000_000, 'EUR', '1,000,000.00 EUR'],
    [-23_456, 'EUR', '-234.56 EUR'],
    [Number.MAX_SAFE_INTEGER, 'USD', '90,071,992,547,409.91 USD'],
    [9_007_199_254_740_899, 'USD', '90,071,992,547,408.99 USD'],
  ])('%d %s → %s, exactly', (amount, currency, text) => {
    expect(formatMoney(amount, currency)).toBe(text);
  });

  it('refuses what is not an amount in minor units', () => {
    expect(() => formatAmount(1.5, 'EUR')).toThrow('not an amount in minor units');
    expect(() => formatAmount(Number.MAX_SAFE_INTEGER + 1, 'EUR')).toThrow();
  });
});

describe('formatRate', () => {
  it.each([
    [0, '0%'],
    [2_000, '20%'],
    [1_900, '19%'],
    [2_150, '21.5%'],
    [55, '0.55%'],
    [10_000, '100%'],
  ])('%d bps → %s', (bps, text) => {
    expect(formatRate(bps)).toBe(text);
  });
});

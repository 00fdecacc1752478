import { MAX_LINES_SEARCHED, mapRefundedAmount } from './refund.rules';

const lines = (...amounts: number[]) => amounts.map((amountMinor, i) => ({ productId: `p${i}`, amountMinor }));
const pending = (...amounts: number[]) => amounts.map((amountMinor, i) => ({ id: `r${i}`, amountMinor }));

describe('mapRefundedAmount: what an amount refunded at the provider covers', () => {
  it('a REQUESTED refund of exactly that amount, the oldest first, before any line of that total', () => {
    expect(mapRefundedAmount(1_000, pending(500, 1_000, 1_000), lines(1_000), 3_500)).toEqual({
      confirms: [{ id: 'r1', amountMinor: 1_000 }],
      provider: null,
    });
  });

  it('the oldest REQUESTED refunds together', () => {
    expect(mapRefundedAmount(1_500, pending(500, 1_000, 700), [], 2_200)).toEqual({
      confirms: pending(500, 1_000),
      provider: null,
    });
  });

  it('the one set of free lines of that total; zero lines never count', () => {
    expect(mapRefundedAmount(2_500, [], lines(1_000, 1_500, 2_000, 0), 4_500)).toEqual({
      confirms: [],
      provider: { lines: lines(1_000, 1_500), amountMinor: 2_500 },
    });
  });

  it('everything left: every REQUESTED refund and every free line, zero lines included', () => {
    expect(mapRefundedAmount(3_000, pending(1_000), lines(0, 2_000), 3_000)).toEqual({
      confirms: pending(1_000),
      provider: { lines: lines(0, 2_000), amountMinor: 2_000 },
    });
    // An order whose lines payments does not know: the rest of the money, no lines.
    expect(mapRefundedAmount(900, [], [], 900)).toEqual({ confirms: [], provider: { lines: [], amountMinor: 900 } });
  });

  it.each([
    ['no set adds up', 1_234, lines(1_000, 1_500)],
    ['two sets add up', 2_000, lines(1_000, 1_000, 2_000)],
    ['nothing new', 0, lines(1_000)],
    ['too many lines to search', 1, lines(...Array.from({ length: MAX_LINES_SEARCHED + 1 }, () => 1))],
  ])('null when %s', (_case, delta, free) => {
    expect(mapRefundedAmount(delta, [], free, 1_000_000)).toBeNull();
  });
});

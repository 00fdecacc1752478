import type { OrderLine } from './refund.store';

/** A refund asked of the provider and not confirmed yet. */
export interface PendingRefund {
  id: string;
  amountMinor: number;
}

/**
 * What an amount the provider says went back covers: REQUESTED refunds it confirms, and the
 * lines of a refund made at the provider itself (Stripe's dashboard), if any.
 */
export interface RefundMapping {
  confirms: PendingRefund[];
  /** A refund made at the provider, not asked through refundOrder (its lines may be none: see below); null when none. */
  provider: { lines: OrderLine[]; amountMinor: number } | null;
}

/** Beyond this many free lines, only "everything left" maps a provider-side refund (2^n subsets). */
export const MAX_LINES_SEARCHED = 16;

/**
 * Maps `delta`, the money newly refunded at the provider, onto what it can only mean, or null
 * when it could mean nothing or several things (recorded as a mismatch, never guessed):
 *  1. everything left (`remaining`, the payment's amount not refunded yet): every REQUESTED
 *     refund, and every free line (neither refunded nor reserved by a REQUESTED refund) as a
 *     refund made at the provider; for an order whose lines payments does not know, that
 *     refund has no lines and is the rest of the money;
 *  2. one REQUESTED refund of exactly that amount, the oldest first;
 *  3. the oldest REQUESTED refunds together (their confirmations arrived as one);
 *  4. a refund made at the provider (Stripe's dashboard): the one set of free lines whose
 *     totals add up to it; lines of zero total never move money and are left out, or every
 *     amount would match several sets.
 */
export function mapRefundedAmount(
  delta: number,
  pending: PendingRefund[],
  free: OrderLine[],
  remaining: number,
): RefundMapping | null {
  if (delta <= 0) return null;
  if (delta === remaining) {
    const rest = remaining - pending.reduce((total, refund) => total + refund.amountMinor, 0);
    const provider = free.length > 0 || rest > 0 ? { lines: free, amountMinor: rest } : null;
    return { confirms: pending, provider };
  }
  const single = pending.find((refund) => refund.amountMinor === delta);
  if (single) return { confirms: [single], provider: null };
  let sum = 0;
  for (let count = 1; count <= pending.length; count += 1) {
    sum += pending[count - 1].amountMinor;
    if (sum === delta) return { confirms: pending.slice(0, count), provider: null };
    if (sum > delta) break;
  }
  const unique = uniqueSubsetSumming(
    free.filter((line) => line.amountMinor > 0),
    delta,
  );
  return unique ? { confirms: [], provider: { lines: unique, amountMinor: delta } } : null;
}

/** The one subset of `lines` whose amounts add up to `target`; null for none, several, or too many lines to search. */
function uniqueSubsetSumming(lines: OrderLine[], target: number): OrderLine[] | null {
  if (lines.length > MAX_LINES_SEARCHED) return null;
  let found: number | null = null;
  for (let mask = 1; mask < 1 << lines.length; mask += 1) {
    let sum = 0;
    for (let i = 0; i < lines.length; i += 1) if (mask & (1 << i)) sum += lines[i].amountMinor;
    if (sum !== target) continue;
    if (found !== null) return null;
    found = mask;
  }
  return found === null ? null : lines.filter((_line, i) => found & (1 << i));
}

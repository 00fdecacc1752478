import { BPS_PER_UNIT } from '../vendor-account/vendor.entity';

/** The platform's commission on `price` minor units at `bps` basis points, rounded half up to a whole minor unit. */
export function commissionOf(price: number, bps: number): number {
  if (!Number.isSafeInteger(price) || price < 0)
    throw new RangeError(`price must be a non-negative integer, got ${price}`);
  if (!Number.isInteger(bps) || bps < 0 || bps > BPS_PER_UNIT)
    throw new RangeError(`bps must be an integer between 0 and ${BPS_PER_UNIT}, got ${bps}`);
  // Integers throughout: (price × bps + 5000) / 10000, floored, is price × bps / 10000 rounded half up.
  return Number((BigInt(price) * BigInt(bps) + BigInt(BPS_PER_UNIT / 2)) / BigInt(BPS_PER_UNIT));
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a sale made at `paidAt` becomes available for payouts. */
export function availableFrom(paidAt: Date, holdDays: number): Date {
  return new Date(paidAt.getTime() + holdDays * DAY_MS);
}

/**
 * A bigint amount or sum as Postgres returns it (a string) to a JavaScript number. Sums are
 * cast to bigint in SQL, so anything past ±2^63 fails there; past ±(2^53 − 1), which a JSON
 * number (SafeInt) cannot carry exactly, it fails here rather than answer a rounded amount.
 */
export function toAmount(value: string | number | null | undefined): number {
  if (value == null) return 0;
  const amount = Number(value);
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount ${value} is beyond the safe integer range`);
  return amount;
}

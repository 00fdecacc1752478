import type { EnvReader } from '@marketplace/kit';

/** Settings of the vendor subgraph, read once at start-up. */
export interface VendorConfig {
  /** Platform commission a new vendor starts with, in basis points (1500 = 15 %). */
  defaultCommissionBps: number;
  /** Days a sale's earnings stay pending (refund window) before they can be paid out; 0 to 90. */
  earningsHoldDays: number;
}

export function readVendorConfig(env: EnvReader): VendorConfig {
  return {
    defaultCommissionBps: env.int('VENDOR_DEFAULT_COMMISSION_BPS', 1500, { min: 0, max: 10_000 }),
    earningsHoldDays: env.int('VENDOR_EARNINGS_HOLD_DAYS', 7, { min: 0, max: 90 }),
  };
}

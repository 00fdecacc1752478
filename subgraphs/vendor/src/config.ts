import type { EnvReader } from '@marketplace/kit';

/** Settings of the vendor subgraph, read once at start-up. */
export interface VendorConfig {
  /** Platform commission a new vendor starts with, in basis points (1500 = 15 %). */
  defaultCommissionBps: number;
}

export function readVendorConfig(env: EnvReader): VendorConfig {
  return {
    defaultCommissionBps: env.int('VENDOR_DEFAULT_COMMISSION_BPS', 1500, { min: 0, max: 10_000 }),
  };
}

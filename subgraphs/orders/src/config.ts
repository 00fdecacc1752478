import type { EnvReader } from '@marketplace/kit';

/** Settings of the orders subgraph, read and checked once at start-up. */
export interface OrdersConfig {
  /** An order still unpaid this long after checkout is cancelled (reason PAYMENT_TIMEOUT). */
  paymentTimeoutMinutes: number;
  /** How often this process looks for such orders. */
  expiryCheckSeconds: number;
}

export function readOrdersConfig(env: EnvReader): OrdersConfig {
  return {
    // Up to a week: a longer hold would keep carts' products reserved in orders nobody pays.
    paymentTimeoutMinutes: env.int('ORDER_PAYMENT_TIMEOUT_MINUTES', 30, { min: 1, max: 7 * 24 * 60 }),
    expiryCheckSeconds: env.int('ORDER_EXPIRY_CHECK_SECONDS', 60, { min: 1, max: 3600 }),
  };
}

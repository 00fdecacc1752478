import { ConfigError, EnvReader } from '@marketplace/kit';
import { isCountryCode } from './tax/tax.rules';

/** Settings of the orders subgraph, read and checked once at start-up. */
export interface OrdersConfig {
  /** An order still unpaid this long after checkout is cancelled (reason PAYMENT_TIMEOUT). */
  paymentTimeoutMinutes: number;
  /** How often this process looks for such orders. */
  expiryCheckSeconds: number;
  /** Where the marketplace (the seller of record) is established: EU buyers' businesses elsewhere are reverse charged. */
  sellerCountry: string;
}

export function readOrdersConfig(env: EnvReader): OrdersConfig {
  return {
    // Up to a week: a longer hold would keep carts' products reserved in orders nobody pays.
    paymentTimeoutMinutes: env.int('ORDER_PAYMENT_TIMEOUT_MINUTES', 30, { min: 1, max: 7 * 24 * 60 }),
    expiryCheckSeconds: env.int('ORDER_EXPIRY_CHECK_SECONDS', 60, { min: 1, max: 3600 }),
    sellerCountry: countryOf(env.string('SELLER_COUNTRY', 'IE')),
  };
}

function countryOf(value: string): string {
  const country = value.trim().toUpperCase();
  if (!isCountryCode(country))
    throw new ConfigError('SELLER_COUNTRY', 'must be an ISO 3166-1 alpha-2 country code, e.g. IE');
  return country;
}

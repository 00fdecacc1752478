import { globalId } from '@marketplace/kit';

/** An amount in minor units of an ISO 4217 currency, as events carry it. */
export interface Amount {
  amount: number;
  currency: string;
}

/** An amount in minor units as people read it: `19.99 USD` (as many decimals as the currency has). */
export function formatMoney({ amount, currency }: Amount): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown code: two decimals, the most common.
  }
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency}`;
}

/** `n thing(s)`. */
export const count = (n: number, thing: string) => `${n} ${thing}${n === 1 ? '' : 's'}`;

/**
 * Paths of the web app, relative to `APP_URL`. Objects are named by the global ids the API
 * answers, so the page can ask for them as they are.
 */
export const Paths = {
  order: (orderId: string) => `/orders/${globalId('Order', orderId)}`,
  orderPayment: (orderId: string) => `/orders/${globalId('Order', orderId)}/pay`,
  product: (slug: string) => `/products/${encodeURIComponent(slug)}`,
  storefront: () => '/products',
  license: (licenseId: string) => `/licenses/${globalId('License', licenseId)}`,
  licenses: () => '/licenses',
  vendorDashboard: () => '/vendor',
  vendorApplication: () => '/vendor/apply',
  deadLetters: () => '/admin/dead-letters',
  moderation: () => '/admin/moderation',
  vendorProduct: (productId: string) => `/vendor/products/${globalId('Product', productId)}`,
  vendorPayouts: () => '/vendor/payouts',
  vendorSales: () => '/vendor/sales',
  vendorDisputes: () => '/vendor/disputes',
  disputes: (orderId: string) => `/admin/orders/${globalId('Order', orderId)}`,
  home: () => '/',
} as const;

/**
 * What the benchmark data set is made of, as its users see it: the sizes at a scale, the ids
 * rows get, the logins of generated accounts, and the options and report of a load.
 */
import { createHash, KeyObject } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** The password of every generated account. */
export const DATASET_PASSWORD = 'bench-password-123';
export const DATASET_EMAIL_DOMAIN = 'bench.local';
/** What admins give as the reason of the generated refunds. */
export const DATASET_REFUND_REASON = 'Customer asked for a refund within 14 days';

export const SUBGRAPH_NAMES = ['users', 'vendor', 'catalog', 'orders', 'payments', 'licensing'] as const;
export type DatasetDatabases = Record<(typeof SUBGRAPH_NAMES)[number], DataSource>;

export interface DatasetOptions {
  /** The licensing subgraph's signing key; default: read from the environment as licensing does. */
  signingKey?: { privateKey: KeyObject; keyId: string };
  /** log2 of scrypt's N for the one password hash (users' PASSWORD_HASH_COST; default from the environment, else 15). */
  passwordHashCost?: number;
  /** VENDOR_DEFAULT_COMMISSION_BPS (default from the environment, else 1500). */
  commissionBps?: number;
  /** VENDOR_EARNINGS_HOLD_DAYS (default from the environment, else 7). */
  earningsHoldDays?: number;
  /** LICENSE_VALIDITY_DAYS (default from the environment, else 0 = perpetual). */
  licenseValidityDays?: number;
  /** Everything happened before this moment (default: the start of the current UTC day). */
  anchor?: Date;
  /** Licenses signed and inserted per statement. */
  licenseBatchSize?: number;
}

export interface DatasetCounts {
  users: number;
  vendors: number;
  admins: number;
  customers: number;
  categories: number;
  products: number;
  /** Products 1..sellableProducts are PUBLISHED; the newest others are drafts, in review, rejected or archived. */
  sellableProducts: number;
  orders: number;
}

export interface DatasetReport {
  counts: DatasetCounts;
  /** Seconds per step, `subgraph: step`; subgraphs load in parallel, so these overlap. */
  phases: { name: string; seconds: number }[];
  seconds: number;
}

/** Categories are a taxonomy and do not scale: the 12 the catalog's migration seeds plus 48. */
const CATEGORY_TOTAL = 60;

export function datasetCounts(scale: number): DatasetCounts {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`scale must be a positive number, got ${scale}`);
  const of = (base: number) => Math.max(1, Math.round(base * scale));
  const users = of(20_000);
  const vendors = of(500);
  const admins = of(5);
  const products = Math.max(2, of(50_000));
  const counts = {
    users,
    vendors,
    admins,
    customers: users - vendors - admins,
    categories: CATEGORY_TOTAL,
    products,
    sellableProducts: products - Math.max(1, Math.round(products * 0.04)),
    orders: of(100_000),
  };
  if (counts.customers < 1) throw new Error(`scale ${scale} leaves no customers`);
  return counts;
}

/** The id the data set gives row `key` of `kind` (the SQL computes the same: md5 → uuid). */
export function datasetId(kind: string, key: string | number): string {
  const hex = createHash('md5').update(`bench:${kind}:${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const vendorEmail = (n: number) => `vendor${n}@${DATASET_EMAIL_DOMAIN}`;
export const adminEmail = (n: number) => `admin${n}@${DATASET_EMAIL_DOMAIN}`;
export const customerEmail = (n: number) => `user${n}@${DATASET_EMAIL_DOMAIN}`;

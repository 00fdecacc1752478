/**
 * A realistic data set for benchmarks, loaded straight into a fresh supergraph's tables:
 * at scale 1, 20,000 users (500 of them vendors, 5 admins), 500 ACTIVE vendors, 60
 * categories, 50,000 products, 100,000 orders with their payments, signed licenses,
 * vendor ledger entries and reviews.
 *
 * Every subgraph's OWN tables are filled through its own DataSource, after its migrations
 * ran, with set-based SQL (INSERT … SELECT over generate_series). Values derive from the
 * row numbers only (md5 of the number, ids are md5 → uuid), so a run is reproducible and
 * every subgraph derives the same facts independently: a product's price in the catalog,
 * in the orders replica, in an order line and in a vendor's ledger entry are the same
 * expression of the product's number. The rows are those the events would have left:
 *
 *   users     users (role VENDOR from vendor.approved), one known password (one scrypt hash)
 *   vendor    vendors (ACTIVE, default commission), ledger_orders + SALE/COMMISSION per paid
 *             line (REFUND/REFUND_COMMISSION when refunded), available after the hold
 *   catalog   vendor replica, 48 categories added to the 12 the migration seeds, products
 *             (search tsvector is a generated column; search_terms filled by its trigger),
 *             product_media rows (covers and screenshots, no files),
 *             licenses (from license.issued/revoked), reviews and the rating aggregates,
 *             co-purchase counts (from order.paid/payment.refunded); download and view counts
 *             stay 0 (licensing's download log is empty here, and views come from browsers)
 *   orders    product replica, orders + lines (license ids) + status history, the number sequence
 *   payments  orders (from order.created/cancelled), payments, stripe_events
 *   licensing product replica, licenses with Ed25519-signed keys (signed here in Node, inserted
 *             in batches with unnest), refunded_orders
 *
 * Times are laid out backwards from an anchor (default: the start of the current UTC day):
 * vendors and customers sign up first, products are published over 18 months, orders come in
 * over the last year (more of them recently), each after its products were published and its
 * customer registered. Catalog `sales_count` stays 0: no event maintains it.
 *
 * One file per subgraph loads its tables (users.ts … licensing.ts); plan.ts holds the timeline
 * and the temp tables of shared facts each of them derives alike. CLI: `npm run bench:dataset`
 * (load-dataset.ts).
 */
import { envReader } from '@marketplace/kit';
import { readLicensingConfig } from '@marketplace/licensing';
import { PasswordHasher } from '@marketplace/users';
import type { EntityManager } from 'typeorm';
import { loadCatalog } from './catalog';
import { loadLicensing } from './licensing';
import { DATASET_EMAIL_DOMAIN, DATASET_PASSWORD, DatasetDatabases, DatasetOptions, DatasetReport } from './model';
import { loadOrders } from './orders';
import { loadPayments } from './payments';
import { Plan } from './plan';
import { DAY } from './sql';
import { Step, inTransaction } from './transaction';
import { loadUsers } from './users';
import { loadVendor } from './vendor';

export * from './model';

/** Refuses anything but a freshly migrated supergraph (the demo seed may have run: it does not collide). */
async function checkFresh(dbs: DatasetDatabases): Promise<void> {
  const [{ orders }] = await dbs.orders.query<{ orders: number }[]>(`SELECT count(*)::int AS orders FROM orders`);
  const [{ users }] = await dbs.users.query<{ users: number }[]>(
    `SELECT count(*)::int AS users FROM users WHERE email LIKE '%@${DATASET_EMAIL_DOMAIN}'`,
  );
  if (orders > 0 || users > 0)
    throw new Error(`loadDataset needs a fresh database (found ${orders} orders, ${users} generated users)`);
}

/**
 * Fills every subgraph's tables with the data set at `scale` (1 = 50,000 products, 20,000
 * users, 100,000 orders). The subgraphs load in parallel, each in one transaction.
 */
export async function loadDataset(
  dbs: DatasetDatabases,
  scale = 1,
  log: (line: string) => void = () => undefined,
  options: DatasetOptions = {},
): Promise<DatasetReport> {
  const env = envReader();
  const anchor = options.anchor ?? new Date(Math.floor(Date.now() / DAY) * DAY);
  const plan = new Plan(
    scale,
    anchor,
    options.commissionBps ?? env.int('VENDOR_DEFAULT_COMMISSION_BPS', 1500, { min: 0, max: 10_000 }),
    options.earningsHoldDays ?? env.int('VENDOR_EARNINGS_HOLD_DAYS', 7, { min: 0, max: 90 }),
  );
  const licensing = {
    signingKey: options.signingKey ?? readLicensingConfig(env).signingKey,
    licenseValidityDays: options.licenseValidityDays ?? env.int('LICENSE_VALIDITY_DAYS', 0, { min: 0 }),
    licenseBatchSize: options.licenseBatchSize ?? 5_000,
  };
  const started = performance.now();
  const phases: DatasetReport['phases'] = [];
  await checkFresh(dbs);
  log(`loading the data set at scale ${scale}: ${JSON.stringify(plan.c)}, anchored at ${anchor.toISOString()}`);

  const hashStarted = performance.now();
  const passwordHash = await new PasswordHasher(
    options.passwordHashCost ?? env.int('PASSWORD_HASH_COST', 15, { min: 10, max: 20 }),
  ).hash(DATASET_PASSWORD);
  phases.push({ name: 'password hash', seconds: (performance.now() - hashStarted) / 1000 });

  const run = (name: keyof DatasetDatabases, work: (manager: EntityManager, step: Step) => Promise<void>) =>
    inTransaction(dbs[name], name, phases, log, work);
  await Promise.all([
    run('users', (manager, step) => loadUsers(manager, step, plan, passwordHash)),
    run('vendor', (manager, step) => loadVendor(manager, step, plan)),
    run('catalog', (manager, step) => loadCatalog(manager, step, plan)),
    run('orders', (manager, step) => loadOrders(manager, step, plan)),
    run('payments', (manager, step) => loadPayments(manager, step, plan)),
    run('licensing', (manager, step) => loadLicensing(manager, step, plan, licensing)),
  ]);
  const seconds = (performance.now() - started) / 1000;
  log(`data set loaded in ${seconds.toFixed(2)} s`);
  return { counts: plan.c, phases, seconds };
}

/** The tables the data set fills, per subgraph. */
export const DATASET_TABLES: Record<keyof DatasetDatabases, string[]> = {
  users: ['users'],
  vendor: ['vendors', 'ledger_orders', 'ledger_entries'],
  catalog: ['vendors', 'categories', 'products', 'search_terms', 'product_media', 'licenses', 'reviews'],
  orders: ['products', 'orders', 'order_items', 'order_status_history'],
  payments: ['orders', 'payments', 'stripe_events'],
  licensing: ['products', 'licenses', 'refunded_orders'],
};

/** Rollups the subgraphs' triggers fill as the data set is written (issue 20): analyzed with it, not counted. */
export const ROLLUP_TABLES: Partial<Record<keyof DatasetDatabases, string[]>> = {
  vendor: ['ledger_daily', 'ledger_daily_platform', 'ledger_daily_products'],
  orders: [
    'order_daily',
    'order_daily_customers',
    'order_daily_products',
    'order_daily_vendors',
    'order_monthly_products',
  ],
};

/** Rows per table, as `subgraph.table`. */
export async function countRows(dbs: DatasetDatabases): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [subgraph, tables] of Object.entries(DATASET_TABLES) as [keyof DatasetDatabases, string[]][]) {
    for (const table of tables) {
      const [{ count }] = await dbs[subgraph].query<{ count: number }[]>(`SELECT count(*)::int AS count FROM ${table}`);
      counts[`${subgraph}.${table}`] = count;
    }
  }
  return counts;
}

/** Fresh statistics for the planner and a set visibility map after the bulk load. */
export async function analyzeDataset(dbs: DatasetDatabases): Promise<void> {
  // VACUUM too, as autovacuum would soon after a bulk load: with the visibility map set,
  // index-only scans (the rollups' top lists, counts) answer without visiting the heap.
  await Promise.all(
    (Object.entries(DATASET_TABLES) as [keyof DatasetDatabases, string[]][]).map(([subgraph, tables]) =>
      dbs[subgraph].query(`VACUUM (ANALYZE) ${[...tables, ...(ROLLUP_TABLES[subgraph] ?? [])].join(', ')}`),
    ),
  );
}

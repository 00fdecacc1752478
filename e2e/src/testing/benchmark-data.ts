import { randomUUID } from 'node:crypto';
import { DemoIds, Events, createEnvelope, queryRows } from '@marketplace/kit';
import { globalId, tokenFor, uuidOf } from '@marketplace/kit/testing';
import { TestSupergraph, until } from './supergraph';

/**
 * Data for the benchmark operations where every list has at least 100 items pointing at
 * distinct entities, so a resolver that loads per item (instead of per batch) shows up as
 * a statement count that grows with the page size.
 *
 * - the demo users, vendors and 207 published products (each subgraph's own seed);
 * - 103 more ACTIVE vendors (vendor's table + `vendor.approved`, which catalog replicates),
 *   and the storefront re-dealt so that, newest first, every other product belongs to a
 *   different vendor (`product.updated` carries that to the orders and licensing replicas);
 * - 100 paid orders of the demo customer (real path: cart → checkout → intent → simulated
 *   Stripe webhook → orders PAID → licensing issues a license per line → FULFILLED; the
 *   vendor ledger credits each line), each with one product of Ada's and one of another
 *   vendor's: 200 ledger entries for Ada over 100 orders and 100 products;
 * - 100 reviews of one product by 100 registered customers (license.issued to catalog,
 *   then `addReview` through the gateway).
 */
export interface BenchmarkData {
  customerToken: string;
  vendorToken: string;
  /** The product with 100+ reviews: its global id (`Product:<uuid>`), as the API answers it. */
  reviewedProductId: string;
  orderCount: number;
  reviewCount: number;
}

const ORDERS = 100;
const REVIEWS = 100;
const CONCURRENCY = 8;
const CORRELATION = 'n-plus-one-seed';

export async function seedBenchmarkData(supergraph: TestSupergraph): Promise<BenchmarkData> {
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  const dealt = await dealProducts(supergraph);
  // The API takes global ids; the seeding SQL and events above use the raw uuids.
  const [ada, others] = [dealt.ada, dealt.others].map((ids) => ids.map((id) => globalId('Product', id)));
  const customerToken = tokenFor(DemoIds.users.alan, 'CUSTOMER');
  const vendorToken = tokenFor(DemoIds.users.ada, 'VENDOR');
  const reviewed = ada[ada.length - 1];
  const [orderCount, reviewCount] = await Promise.all([
    placePaidOrders(supergraph, customerToken, ada.slice(0, ORDERS), others.slice(0, ORDERS)),
    reviewByDistinctCustomers(supergraph, reviewed, REVIEWS),
  ]);
  await until(
    async () =>
      (await countIn(supergraph, 'vendor', `SELECT count(*)::int AS n FROM ledger_entries WHERE vendor_id = $1`, [
        DemoIds.vendors.ada,
      ])) >=
      2 * ORDERS
        ? true
        : undefined,
    `the ledger to credit ${ORDERS} orders`,
    30_000,
  );
  return { customerToken, vendorToken, reviewedProductId: reviewed, orderCount, reviewCount };
}

async function countIn(
  supergraph: TestSupergraph,
  subgraph: string,
  sql: string,
  parameters: unknown[] = [],
): Promise<number> {
  const [row] = await queryRows<{ n: number }>(supergraph.subgraphs.get(subgraph)!.deps.db, sql, parameters);
  return row.n;
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function inParallel<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index], index);
      }
    }),
  );
  return results;
}

/** More vendors, and the storefront (newest first) alternating Ada's products with products of one other vendor each. */
async function dealProducts(supergraph: TestSupergraph): Promise<{ ada: string[]; others: string[] }> {
  const catalog = supergraph.subgraphs.get('catalog')!.deps;
  const vendor = supergraph.subgraphs.get('vendor')!.deps;
  const products = await queryRows<{ id: string }>(
    catalog.db,
    `SELECT id FROM products WHERE status = 'PUBLISHED' ORDER BY published_at DESC, id DESC`,
  );
  const extra = Array.from({ length: Math.floor(products.length / 2) }, (_, i) => ({
    vendorId: randomUUID(),
    userId: randomUUID(),
    displayName: `Bench Vendor ${i + 1}`,
    slug: `bench-vendor-${i + 1}`,
    commissionBps: 1500,
  }));
  await vendor.db.transaction(async (manager) => {
    await manager.query(
      `INSERT INTO vendors (id, user_id, display_name, slug, status, commission_bps, approved_at)
       SELECT v."vendorId", v."userId", v."displayName", v.slug, 'ACTIVE', v."commissionBps", now()
       FROM jsonb_to_recordset($1::jsonb) AS v("vendorId" uuid, "userId" uuid, "displayName" text, slug text, "commissionBps" int)`,
      [JSON.stringify(extra)],
    );
    for (const payload of extra)
      await vendor.outbox.record(manager, Events.VendorApproved, payload, {
        aggregateId: payload.vendorId,
        correlationId: CORRELATION,
      });
  });
  await until(
    async () =>
      (await countIn(supergraph, 'catalog', `SELECT count(*)::int AS n FROM vendors WHERE status = 'ACTIVE'`)) >=
      extra.length + 2
        ? true
        : undefined,
    'catalog to replicate the new vendors',
  );

  const deal = products.map((product, i) => ({
    id: product.id,
    vendorId: i % 2 === 0 ? DemoIds.vendors.ada : extra[(i - 1) / 2].vendorId,
  }));
  await catalog.db.transaction(async (manager) => {
    const rows = await queryRows<{
      id: string;
      vendorId: string;
      slug: string;
      name: string;
      kind: 'AGENT' | 'WORKFLOW' | 'TOOL';
      amount: number;
      currency: string;
      maxActivations: number;
      revision: number;
    }>(
      manager,
      `UPDATE products p SET vendor_id = d."vendorId", revision = p.revision + 1, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, "vendorId" uuid)
       WHERE p.id = d.id
       RETURNING p.id, p.vendor_id AS "vendorId", p.slug, p.name, p.kind, p.price_amount AS amount, p.price_currency AS currency,
                 p.max_activations AS "maxActivations", p.revision`,
      [JSON.stringify(deal)],
    );
    for (const row of rows) {
      await catalog.outbox.record(
        manager,
        Events.ProductUpdated,
        {
          productId: row.id,
          vendorId: row.vendorId,
          slug: row.slug,
          name: row.name,
          kind: row.kind,
          price: { amount: row.amount, currency: row.currency },
          status: 'PUBLISHED',
          maxActivations: row.maxActivations,
          revision: row.revision,
        },
        { aggregateId: row.id, correlationId: CORRELATION },
      );
    }
  });
  for (const replica of ['orders', 'licensing']) {
    await until(
      async () =>
        (await countIn(supergraph, replica, `SELECT count(*)::int AS n FROM products WHERE revision >= 2`)) >=
        products.length
          ? true
          : undefined,
      `the ${replica} product replica to learn the new vendors`,
    );
  }
  return {
    ada: deal.filter((d) => d.vendorId === DemoIds.vendors.ada).map((d) => d.id),
    others: deal.filter((d) => d.vendorId !== DemoIds.vendors.ada).map((d) => d.id),
  };
}

/** The real purchase path through the gateway, one order per (Ada product, other product) pair. */
async function placePaidOrders(
  supergraph: TestSupergraph,
  token: string,
  ada: string[],
  others: string[],
): Promise<number> {
  const gql = supergraph.client;
  if (ada.length < ORDERS || others.length < ORDERS)
    throw new Error(`need ${ORDERS} products of Ada and of others, have ${ada.length} and ${others.length}`);
  const orderIds: string[] = [];
  for (let k = 0; k < ORDERS; k++) {
    for (const productId of [ada[k], others[k]]) {
      await gql.data(`mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`, {
        variables: { p: productId },
        token,
      });
    }
    const { checkout } = await gql.data(
      `mutation($k: String!) { checkout(input: { idempotencyKey: $k, billing: { name: "Test Buyer", country: "US" } }) { order { id } } }`,
      { variables: { k: `n1-order-${k}` }, token },
    );
    orderIds.push(checkout.order.id);
  }
  await inParallel(orderIds, CONCURRENCY, async (orderId) => {
    await until(async () => {
      const result = await gql.request(
        `mutation($o: ID!) { createPaymentIntent(input: { orderId: $o }) { payment { id } } }`,
        { variables: { o: orderId }, token },
      );
      if (result.errors?.[0]?.extensions?.code === 'NOT_FOUND') return undefined;
      if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
      return true;
    }, `payments to know order ${orderId}`);
    await gql.data(
      `mutation($o: ID!) { simulatePayment(input: { orderId: $o, outcome: SUCCEEDED }) { payment { status } } }`,
      {
        variables: { o: orderId },
        token,
      },
    );
  });
  await until(
    async () =>
      (await countIn(
        supergraph,
        'orders',
        `SELECT count(*)::int AS n FROM orders WHERE status = 'FULFILLED' AND id = ANY($1::uuid[])`,
        [orderIds.map(uuidOf)],
      )) === ORDERS
        ? true
        : undefined,
    `${ORDERS} orders to be fulfilled`,
    45_000,
  );
  return orderIds.length;
}

/** Customers who registered, hold a license of the product (catalog learns it from license.issued) and review it. */
async function reviewByDistinctCustomers(
  supergraph: TestSupergraph,
  /** The product's uuid (events and SQL take uuids, the API its global id). */
  productId: string,
  count: number,
): Promise<number> {
  const gql = supergraph.client;
  const catalog = supergraph.subgraphs.get('catalog')!;
  const reviewers = await inParallel(
    Array.from({ length: count }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const { register } = await gql.data(
        `mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`,
        {
          variables: {
            i: {
              email: `reviewer.${i}.${randomUUID()}@example.com`,
              password: 'a long reviewer passphrase',
              displayName: `Reviewer ${i + 1}`,
            },
          },
        },
      );
      return { id: register.user.id as string, token: register.accessToken as string };
    },
  );
  for (const reviewer of reviewers) {
    const licenseId = randomUUID();
    const envelope = createEnvelope(
      Events.LicenseIssued,
      { licenseId, productId: uuidOf(productId), ownerId: uuidOf(reviewer.id), orderId: randomUUID() },
      { source: 'licensing', correlationId: CORRELATION, aggregateId: licenseId },
    );
    await catalog.events.transport.publish(envelope);
  }
  const holders = reviewers.map((reviewer) => uuidOf(reviewer.id));
  await until(
    async () =>
      (await countIn(
        supergraph,
        'catalog',
        `SELECT count(*)::int AS n FROM licenses WHERE product_id = $1 AND owner_id = ANY($2::uuid[])`,
        [uuidOf(productId), holders],
      )) === count
        ? true
        : undefined,
    `catalog to record ${count} licenses`,
  );
  await inParallel(reviewers, CONCURRENCY, (reviewer, i) =>
    gql.data(
      `mutation($p: ID!, $r: Int!, $b: String) { addReview(input: { productId: $p, rating: $r, body: $b }) { review { id } } }`,
      {
        variables: {
          p: productId,
          r: 1 + (i % 5),
          b: `Review number ${i + 1}: it does what it says.`,
        },
        token: reviewer.token,
      },
    ),
  );
  return count;
}

import { randomUUID } from 'node:crypto';
import { DemoIds } from '@marketplace/kit';
import { type GraphQLResponse, globalId, tokenFor } from '@marketplace/kit/testing';
import { BenchmarkData, seedBenchmarkData } from './testing/benchmark-data';
import {
  BenchmarkOperation,
  MY_ORDERS,
  PRODUCT_PAGE,
  SEARCH_SUGGESTIONS,
  STOREFRONT,
  STOREFRONT_FACETS,
  STOREFRONT_SEARCH,
  STOREFRONT_WISHLIST,
  VENDOR_DASHBOARD,
} from './testing/benchmark-operations';
import { ADMIN_ORDERS, ADMIN_ORDER_TIMELINES } from './testing/operator-operations';
import { PLATFORM_STATS, lastDays } from './testing/platform-stats-operations';
import { PlannedFetch, planOf, plannedFetchCounts, repeatedEntityFetches } from './testing/query-plan';
import {
  OperationCost,
  backgroundCounts,
  costOf,
  fetchCounts,
  quiesce,
  statementCounts,
  total,
} from './testing/statements';
import { TestSupergraph, startTestSupergraph } from './testing/supergraph';

/**
 * The performance issue's "N+1 free": for every benchmark operation, sent through the
 * gateway as a frontend sends it, the SQL statements of every subgraph and the gateway's
 * fetches to every subgraph are the same at page sizes 10 and 100, every fetch of the query
 * plan runs once, and a plan step has at most one `_entities` fetch per subgraph.
 *
 * Every list has 100+ items pointing at distinct entities (see seedBenchmarkData), so a
 * resolver that loads per item — or per distinct key — costs more statements at 100 than
 * at 10. Each operation runs once at each size first (plans, pools and prepared statements
 * warm), then is measured. Viewers are signed in (the demo customer; Ada for her vendor
 * dashboard), so the catalog's anonymous storefront cache is bypassed and the database
 * path is what is counted.
 */
const PAGE_SIZES = [10, 100] as const;

/**
 * Plan steps where the gateway's planner sends two `_entities` fetches to one subgraph.
 * The vendor dashboard asks catalog for `Product.name` at two paths in the same step
 * (stats.topProducts.product and ledger.product): @apollo/gateway plans one fetch per
 * path and does not merge them. Both are single batches (constant in the page size); the
 * list pins them so that any other repeated fetch fails.
 */
const KNOWN_SHARED_STEPS: Record<string, string[][]> = {
  VendorDashboard: [['me.vendor.stats.topProducts.@.product', 'me.vendor.ledger.edges.@.node.product']],
  // The totals bucket and the series' buckets are two paths: one batch each to users and to vendors
  // (vendors also names the top vendors at a third path).
  PlatformStats: [
    ['platformStats.totals', 'platformStats.series.@', 'platformStats.topVendors.@.vendor'],
    ['platformStats.totals', 'platformStats.series.@'],
  ],
};

interface Measured {
  operation: string;
  pageSize: number;
  items: number;
  statements: Record<string, number>;
  fetches: Record<string, number>;
  cost: OperationCost;
}

let supergraph: TestSupergraph;
let data: BenchmarkData;
const table: Measured[] = [];

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    // Periodic jobs would share the DataSources while a request is measured.
    ORDER_EXPIRY_CHECK_SECONDS: '3600',
    // 100 reviewers register from this one client.
    REGISTRATIONS_PER_IP_PER_HOUR: '10000',
    // Measure the work itself: a cached answer costs no statement whatever its page size.
    CATALOG_CACHE_TTL_SECONDS: '0',
    RESPONSE_CACHE_TTL_SECONDS: '0',
    SUBGRAPH_CACHE_TTL_SECONDS: '0',
    // The 100 paid orders are paid with simulatePayment, which answers only when enabled.
    PAYMENT_SIMULATION_ENABLED: 'true',
  });
  data = await seedBenchmarkData(supergraph);
  await quiesce(supergraph);
}, 150_000);

afterAll(async () => {
  if (table.length > 0) console.log(formatTable(table));
  await supergraph?.close();
});

async function send(
  operation: BenchmarkOperation,
  first: number,
  token: string,
  variables: Record<string, unknown>,
  requestId?: string,
) {
  const response: GraphQLResponse = await supergraph.client.request(operation.query, {
    variables: { ...variables, first },
    token,
    headers: requestId ? { 'x-request-id': requestId } : {},
  });
  if (response.errors?.length || !response.data)
    throw new Error(`${operation.name}(first: ${first}) failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

/** Warms the operation at every page size, then measures it at each. */
async function measure(
  operation: BenchmarkOperation,
  token: string,
  variables: Record<string, unknown> = {},
  sizes: readonly number[] = PAGE_SIZES,
): Promise<Measured[]> {
  await quiesce(supergraph);
  for (const size of sizes) await send(operation, size, token, variables);
  const runs: Measured[] = [];
  for (const size of sizes) {
    const { result, cost } = await costOf(supergraph, (requestId) =>
      send(operation, size, token, variables, requestId),
    );
    runs.push({
      operation: operation.title,
      pageSize: size,
      items: operation.page(result).length,
      statements: statementCounts(cost),
      fetches: fetchCounts(cost),
      cost,
    });
  }
  table.push(...runs);
  return runs;
}

/** The assertions every benchmark operation must pass. */
function expectNPlusOneFree(operation: BenchmarkOperation, [small, large]: Measured[], planned: PlannedFetch[]): void {
  if (JSON.stringify(small.statements) !== JSON.stringify(large.statements))
    console.log(explainGrowth(operation, small.cost, large.cost));
  // Statements per subgraph do not grow with the page size…
  expect({ operation: operation.name, pageSize: large.pageSize, statements: large.statements }).toEqual({
    operation: operation.name,
    pageSize: large.pageSize,
    statements: small.statements,
  });
  // …nor do the gateway's fetches…
  expect({ operation: operation.name, pageSize: large.pageSize, fetches: large.fetches }).toEqual({
    operation: operation.name,
    pageSize: large.pageSize,
    fetches: small.fetches,
  });
  // …which are exactly the plan's fetches, each once.
  const expected = { ...zeroes(), ...plannedFetchCounts(planned) };
  expect({ operation: operation.name, fetches: small.fetches }).toEqual({
    operation: operation.name,
    fetches: expected,
  });
  for (const run of [small, large]) {
    for (const names of Object.values(run.cost.fetches)) expect(new Set(names).size).toBe(names.length);
  }
  // At most one `_entities` fetch per subgraph per plan step (known planner exceptions pinned).
  const shared = repeatedEntityFetches(planned).map((group) => group.map((fetch) => fetch.path).sort());
  expect({ operation: operation.name, sharedSteps: shared }).toEqual({
    operation: operation.name,
    sharedSteps: (KNOWN_SHARED_STEPS[operation.name] ?? []).map((paths) => [...paths].sort()),
  });
}

function zeroes(): Record<string, number> {
  return Object.fromEntries([...supergraph.subgraphs.keys()].map((name) => [name, 0]));
}

/** The statements that differ between the two sizes, normalised and counted, for the failure output. */
function explainGrowth(operation: BenchmarkOperation, small: OperationCost, large: OperationCost): string {
  const lines = [`${operation.name}: statements grow with the page size`];
  for (const name of Object.keys(large.statements)) {
    if (large.statements[name].length === small.statements[name].length) continue;
    const grouped = new Map<string, number>();
    for (const sql of large.statements[name]) {
      const key = sql.replace(/\s+/g, ' ').slice(0, 240);
      grouped.set(key, (grouped.get(key) ?? 0) + 1);
    }
    lines.push(`  ${name}: ${small.statements[name].length} → ${large.statements[name].length}`);
    for (const [sql, count] of [...grouped].sort((a, b) => b[1] - a[1])) lines.push(`    ${count}× ${sql}`);
  }
  return lines.join('\n');
}

function formatTable(rows: Measured[]): string {
  const names = [...supergraph.subgraphs.keys()];
  const header = `| operation | page size | items | ${names.map((n) => `${n} SQL`).join(' | ')} | total SQL | fetches (${names.join('/')}) | background SQL left out |`;
  const rule = `|${' --- |'.repeat(names.length + 6)}`;
  const body = rows.map(
    (row) =>
      `| ${row.operation} | ${row.pageSize} | ${row.items} | ${names.map((n) => row.statements[n] ?? 0).join(' | ')} | ${total(row.statements)} | ${names.map((n) => row.fetches[n] ?? 0).join('/')} | ${total(backgroundCounts(row.cost))} |`,
  );
  return ['SQL statements and subgraph fetches per gateway request', header, rule, ...body].join('\n');
}

describe('benchmark operations are N+1 free (statements and fetches independent of the page size)', () => {
  it('the seeded lists are long enough to show growth', () => {
    expect(data.orderCount).toBeGreaterThanOrEqual(100);
    expect(data.reviewCount).toBeGreaterThanOrEqual(100);
  });

  it('storefront: products with price, rating, vendor and category', async () => {
    const runs = await measure(STOREFRONT, data.customerToken);
    expect(runs.map((run) => run.items)).toEqual([...PAGE_SIZES]);
    expectNPlusOneFree(STOREFRONT, runs, planOf(STOREFRONT.query).fetches);
  });

  it('storefront with wishlist marks: inMyWishlist and wishlistCount one statement each', async () => {
    const runs = await measure(STOREFRONT_WISHLIST, data.customerToken);
    expect(runs.map((run) => run.items)).toEqual([...PAGE_SIZES]);
    expectNPlusOneFree(STOREFRONT_WISHLIST, runs, planOf(STOREFRONT_WISHLIST.query).fetches);
  });

  it('storefront search: the same page for a full-text search', async () => {
    // Matches most of the demo catalog ("or" joins terms), so the page really holds 100.
    const variables = { search: 'agent or workflow or tool or automation' };
    const runs = await measure(STOREFRONT_SEARCH, data.customerToken, variables);
    expect(runs.map((run) => run.items)).toEqual([...PAGE_SIZES]);
    expectNPlusOneFree(STOREFRONT_SEARCH, runs, planOf(STOREFRONT_SEARCH.query).fetches);
  });

  it('storefront facets (issue 22): the search page with its facets, vendors and categories in one batch each', async () => {
    const variables = { search: 'agent or workflow or tool or automation' };
    const runs = await measure(STOREFRONT_FACETS, data.customerToken, variables);
    expect(runs.map((run) => run.items)).toEqual([...PAGE_SIZES]);
    expectNPlusOneFree(STOREFRONT_FACETS, runs, planOf(STOREFRONT_FACETS.query).fetches);
  });

  it('search suggestions (issue 22): 5 or 20, with the vendors they name, at the same cost', async () => {
    // At most 20 suggestions: the sizes are 5 and 20. "bench" names the 100+ seeded vendors, each a reference
    // the gateway resolves at the vendor subgraph: one batch whatever the size.
    const runs = await measure(SEARCH_SUGGESTIONS, data.customerToken, { prefix: 'bench' }, [5, 20]);
    expect(runs.map((run) => run.items)).toEqual([5, 20]);
    expectNPlusOneFree(SEARCH_SUGGESTIONS, runs, planOf(SEARCH_SUGGESTIONS.query).fetches);
  });

  it('product page: a product with its vendor and reviews with their authors', async () => {
    const runs = await measure(PRODUCT_PAGE, data.customerToken, { id: data.reviewedProductId });
    expect(runs.map((run) => run.items)).toEqual([...PAGE_SIZES]);
    expectNPlusOneFree(PRODUCT_PAGE, runs, planOf(PRODUCT_PAGE.query).fetches);
  });

  it('my orders: orders with items, products, vendors, licenses and payments', async () => {
    const runs = await measure(MY_ORDERS, data.customerToken);
    expect(runs.map((run) => run.items)).toEqual([...PAGE_SIZES]);
    expectNPlusOneFree(MY_ORDERS, runs, planOf(MY_ORDERS.query).fetches);
  });

  it('vendor dashboard: balance, stats with top products, ledger with orders and products', async () => {
    const runs = await measure(VENDOR_DASHBOARD, data.vendorToken);
    expect(runs.map((run) => run.items)).toEqual([...PAGE_SIZES]);
    expectNPlusOneFree(VENDOR_DASHBOARD, runs, planOf(VENDOR_DASHBOARD.query).fetches);
  });

  it.each([
    [ADMIN_ORDERS.title, ADMIN_ORDERS],
    [ADMIN_ORDER_TIMELINES.title, ADMIN_ORDER_TIMELINES],
  ])('admin order search (issue 20): %s by vendor', async (_title, operation) => {
    const admin = tokenFor(DemoIds.users.admin, 'ADMIN');
    const runs = await measure(operation, admin, { filter: { vendorId: globalId('Vendor', DemoIds.vendors.ada) } });
    expect(runs.map((run) => run.items)).toEqual([...PAGE_SIZES]);
    expectNPlusOneFree(operation, runs, planOf(operation.query).fetches);
  });

  it('platform stats: a 10- and a 100-day series, top lists of 10 and 50, at the same cost', async () => {
    const { login } = await supergraph.client.data(
      `mutation { login(input: { email: "admin@marketplace.local", password: "admin-password-123" }) { accessToken } }`,
    );
    const runs: Measured[] = [];
    for (const [days, first] of [
      [10, 10],
      [100, 50],
    ]) {
      const variables = { ...lastDays(days), first };
      await supergraph.client.data(PLATFORM_STATS.query, { variables, token: login.accessToken });
      const { result, cost } = await costOf(supergraph, (requestId) =>
        supergraph.client.data(PLATFORM_STATS.query, {
          variables,
          token: login.accessToken,
          headers: { 'x-request-id': requestId },
        }),
      );
      runs.push({
        operation: PLATFORM_STATS.title,
        pageSize: days,
        items: PLATFORM_STATS.page(result).length,
        statements: statementCounts(cost),
        fetches: fetchCounts(cost),
        cost,
      });
    }
    table.push(...runs);
    expect(runs.map((run) => run.items)).toEqual([10, 100]);
    expectNPlusOneFree(PLATFORM_STATS, runs, planOf(PLATFORM_STATS.query).fetches);
    // orders: sums per day, distinct customers, one per top list (their candidates settle on this data); vendors:
    // commission and new vendors once for the totals' batch and once for the series' (the planner's two paths),
    // the top vendors' names; users: new users, for each of the two batches.
    expect(runs[0].statements).toMatchObject({ orders: 4, vendor: 3, users: 2 });
  });

  it('checkout path: addToCart and checkout cost the same whatever the cart size (recorded in the table)', async () => {
    const { products } = await supergraph.client.data(`{ products(first: 12) { edges { node { id } } } }`);
    const ids: string[] = products.edges.map((edge: { node: { id: string } }) => edge.node.id);
    const recorded: Record<number, { add: Record<string, number>; checkout: Record<string, number> }> = {};
    for (const size of [2, 10]) {
      const { register } = await supergraph.client.data(
        `mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`,
        {
          variables: {
            i: {
              email: `checkout.${randomUUID()}@example.com`,
              password: 'a long buyer passphrase',
              displayName: 'Checkout Buyer',
            },
          },
        },
      );
      const token = register.accessToken as string;
      for (const productId of ids.slice(0, size - 1))
        await supergraph.client.data(
          `mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`,
          {
            variables: { p: productId },
            token,
          },
        );
      await quiesce(supergraph);
      const add = await costOf(supergraph, (requestId) =>
        supergraph.client.data(
          `mutation AddToCart($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount subtotal { amount currency } } } }`,
          { variables: { p: ids[size - 1] }, token, headers: { 'x-request-id': requestId } },
        ),
      );
      expect(add.result.addToCart.cart.itemCount).toBe(size);
      const checkout = await costOf(supergraph, (requestId) =>
        supergraph.client.data(
          `mutation Checkout($k: String!) { checkout(input: { idempotencyKey: $k, billing: { name: "Test Buyer", country: "US" } }) { order { id status items { name product { name } vendor { displayName } } } cart { id itemCount } } }`,
          {
            variables: { k: randomUUID() },
            token,
            headers: { 'x-request-id': requestId },
          },
        ),
      );
      expect(checkout.result.checkout.order.status).toBe('PENDING_PAYMENT');
      expect(checkout.result.checkout.order.items).toHaveLength(size);
      expect(checkout.result.checkout.cart.itemCount).toBe(0);
      recorded[size] = { add: statementCounts(add.cost), checkout: statementCounts(checkout.cost) };
      table.push({
        operation: 'addToCart (cart of N)',
        pageSize: size,
        items: size,
        statements: statementCounts(add.cost),
        fetches: fetchCounts(add.cost),
        cost: add.cost,
      });
      table.push({
        operation: 'checkout (cart of N)',
        pageSize: size,
        items: size,
        statements: statementCounts(checkout.cost),
        fetches: fetchCounts(checkout.cost),
        cost: checkout.cost,
      });
    }
    expect(recorded[10].add).toEqual(recorded[2].add);
    expect(recorded[10].checkout).toEqual(recorded[2].checkout);
  });
});

/**
 * The benchmark's operations bound to the loaded data set: for each, many variants (other
 * customers, products, vendors, search words) so that no run measures one hot row, each
 * with the `data` a correct gateway must return, taken once from the project's gateway
 * before any run and checked for the page size the frontend asks for.
 */
import { queryRows } from '@marketplace/kit';
import { globalId, sessionsRecorded, tokenFor } from '@marketplace/kit/testing';
import {
  BenchmarkOperation,
  CHECKOUT,
  MY_ORDERS,
  PLATFORM_STATS,
  PRODUCT_PAGE,
  PlannedFetch,
  SEARCH_SUGGESTIONS,
  STOREFRONT,
  STOREFRONT_FACETS,
  STOREFRONT_SEARCH,
  TestSupergraph,
  VENDOR_DASHBOARD,
  lastDays,
  planOf,
} from '@marketplace/e2e/testing';
import type { DatasetDatabases } from './dataset';
import { operatorOrderPlans } from './operator-orders';
import { ANY_NUMBER, BenchRequest } from './protocol';

/** The page sizes of the frontend screens. */
export const SEARCH_PAGE_SIZE = 20;
export const PRODUCT_PAGE_SIZE = 10;
/** Suggestions a search box shows under what is typed. */
export const SUGGESTIONS_SIZE = 8;
export const MY_ORDERS_PAGE_SIZE = 25;
export const LEDGER_PAGE_SIZE = 20;
/** Lines in each benchmark checkout. */
export const CHECKOUT_LINES = 2;
/** The operator's dashboard: a 30-day daily series, top 10 products and vendors. */
export const PLATFORM_STATS_DAYS = 30;
export const PLATFORM_STATS_TOP = 10;

/** Distinct customers, vendors, products or search words each operation cycles through. */
const VARIANTS = 40;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Valid for any run: a token that expired mid-run would turn every later request into an error. */
const TOKEN_TTL_SECONDS = 6 * 60 * 60;

/** One product with only the fields its owner (catalog) resolves: the gateway's pure overhead. */
export const PRODUCT_CARD: BenchmarkOperation = {
  name: 'ProductCard',
  title: 'product card (catalog only)',
  query: `query ProductCard($id: ID!) {
    product(id: $id) { id name description kind price { amount currency } rating reviewCount category { name } }
  }`,
  page: (data: { product: unknown }) => [data.product],
};

/** The figures of VENDOR_DASHBOARD's answer that move with the clock. */
interface VendorDashboardFigures {
  me: {
    vendor: {
      balance: { available: { amount: unknown }; pending: { amount: unknown } };
      stats: { saleCount: unknown; gross: { amount: unknown }; topProducts: unknown[] };
    };
  };
}

/**
 * Figures that move with the clock while the data stand still: sales drop out of the last
 * 30 days and held earnings become available as time passes. Checked for shape, not value.
 */
const CLOCK_DEPENDENT: Record<string, (data: unknown) => void> = {
  [VENDOR_DASHBOARD.name]: (data) => {
    const { vendor } = (data as VendorDashboardFigures).me;
    vendor.balance.available.amount = ANY_NUMBER;
    vendor.balance.pending.amount = ANY_NUMBER;
    vendor.stats.saleCount = ANY_NUMBER;
    vendor.stats.gross.amount = ANY_NUMBER;
    vendor.stats.topProducts = [];
  },
};

interface Variant {
  variables: Record<string, unknown>;
  token?: string;
}

export interface Scenario {
  operation: BenchmarkOperation;
  /** The page size frontends ask for, and the minimum every variant's reference must show. */
  pageSize: number;
  /** Requests through any gateway, each with its reference data. */
  requests: BenchRequest[];
  /** The plan's first fetch, sent straight to the subgraph that owns the root field. */
  direct: { subgraph: string; requests: BenchRequest[] };
  fetches: PlannedFetch[];
}

export async function buildScenarios(supergraph: TestSupergraph, dbs: DatasetDatabases): Promise<Scenario[]> {
  const [products, reviewed, customers, vendors, words, [admin]] = await Promise.all([
    queryRows<{ id: string }>(
      dbs.catalog,
      `SELECT id FROM products WHERE status = 'PUBLISHED' ORDER BY md5(id::text) LIMIT $1`,
      [VARIANTS],
    ),
    queryRows<{ id: string }>(
      dbs.catalog,
      `SELECT product_id AS id FROM reviews GROUP BY product_id HAVING count(*) >= $1 ORDER BY count(*) DESC, product_id LIMIT $2`,
      [PRODUCT_PAGE_SIZE, VARIANTS],
    ),
    queryRows<{ id: string }>(
      dbs.orders,
      `SELECT user_id AS id FROM orders GROUP BY user_id HAVING count(*) >= $1 ORDER BY count(*) DESC, user_id LIMIT $2`,
      [MY_ORDERS_PAGE_SIZE, VARIANTS],
    ),
    queryRows<{ id: string }>(
      dbs.vendor,
      `SELECT v.user_id AS id FROM vendors v JOIN ledger_entries e ON e.vendor_id = v.id GROUP BY v.user_id HAVING count(*) >= $1 ORDER BY count(*) DESC, v.user_id LIMIT $2`,
      [LEDGER_PAGE_SIZE, VARIANTS],
    ),
    // Words of published product names that match a full page: what a shopper would type.
    queryRows<{ word: string }>(
      dbs.catalog,
      `SELECT lower(w) AS word FROM products, regexp_split_to_table(name, '\\s+') AS w
       WHERE status = 'PUBLISHED' AND length(w) >= 5 GROUP BY lower(w) HAVING count(*) >= $1 ORDER BY md5(lower(w)) LIMIT $2`,
      [SEARCH_PAGE_SIZE, VARIANTS],
    ),
    queryRows<{ id: string }>(dbs.users, `SELECT id FROM users WHERE role = 'ADMIN' ORDER BY id LIMIT 1`),
  ]);
  const customer = (id: string) => tokenFor(id, 'CUSTOMER', TOKEN_TTL_SECONDS);
  const vendor = (id: string) => tokenFor(id, 'VENDOR', TOKEN_TTL_SECONDS);
  const plans: [BenchmarkOperation, number, Variant[]][] = [
    [PRODUCT_CARD, 1, products.map(({ id }) => ({ variables: { id: globalId('Product', id) } }))],
    [STOREFRONT, SEARCH_PAGE_SIZE, [{ variables: { first: SEARCH_PAGE_SIZE } }]],
    [
      STOREFRONT_SEARCH,
      SEARCH_PAGE_SIZE,
      words.map(({ word }) => ({ variables: { first: SEARCH_PAGE_SIZE, search: word } })),
    ],
    [
      STOREFRONT_FACETS,
      SEARCH_PAGE_SIZE,
      words.map(({ word }) => ({ variables: { first: SEARCH_PAGE_SIZE, search: word } })),
    ],
    [
      SEARCH_SUGGESTIONS,
      SUGGESTIONS_SIZE,
      // What a shopper has typed after a few keys (the word's first four letters), and the whole word with a typo (its last letter wrong).
      words.flatMap(({ word }) => [
        { variables: { first: SUGGESTIONS_SIZE, prefix: word.slice(0, 4) } },
        { variables: { first: SUGGESTIONS_SIZE, prefix: word.slice(0, -1) + (word.endsWith('x') ? 'z' : 'x') } },
      ]),
    ],
    [
      PRODUCT_PAGE,
      PRODUCT_PAGE_SIZE,
      reviewed.map(({ id }) => ({ variables: { id: globalId('Product', id), first: PRODUCT_PAGE_SIZE } })),
    ],
    [
      MY_ORDERS,
      MY_ORDERS_PAGE_SIZE,
      customers.map(({ id }) => ({ variables: { first: MY_ORDERS_PAGE_SIZE }, token: customer(id) })),
    ],
    [
      VENDOR_DASHBOARD,
      LEDGER_PAGE_SIZE,
      vendors.map(({ id }) => ({ variables: { first: LEDGER_PAGE_SIZE }, token: vendor(id) })),
    ],
    [
      PLATFORM_STATS,
      PLATFORM_STATS_DAYS,
      // 30-day windows ending 0, 7, 14, … days ago: each variant reads other days of the rollups.
      Array.from({ length: VARIANTS }, (_, k) => ({
        variables: {
          ...lastDays(PLATFORM_STATS_DAYS, new Date(Date.now() - k * 7 * DAY_MS)),
          first: PLATFORM_STATS_TOP,
        },
        token: tokenFor(admin.id, 'ADMIN', TOKEN_TTL_SECONDS),
      })),
    ],
    [
      CHECKOUT,
      CHECKOUT_LINES,
      await placeCheckouts(
        supergraph,
        dbs,
        products.map(({ id }) => globalId('Product', id)),
      ),
    ],
  ];
  plans.push(...(await operatorOrderPlans(dbs, VARIANTS, TOKEN_TTL_SECONDS)));
  const scenarios: Scenario[] = [];
  for (const [operation, pageSize, variants] of plans) {
    if (variants.length === 0)
      throw new Error(`${operation.title}: the data set has nothing to ask for (is it loaded?)`);
    scenarios.push(await scenario(supergraph, operation, pageSize, variants));
  }
  return scenarios;
}

async function scenario(
  supergraph: TestSupergraph,
  operation: BenchmarkOperation,
  pageSize: number,
  variants: Variant[],
): Promise<Scenario> {
  const { fetches } = planOf(operation.query);
  const root = fetches.find((fetch) => fetch.step === 0 && !fetch.entities);
  const rootUrl = root && supergraph.subgraphs.get(root.subgraph)?.url;
  if (!root || !rootUrl) throw new Error(`${operation.title}: the plan has no root fetch to call directly`);
  const requests: BenchRequest[] = [];
  const direct: BenchRequest[] = [];
  // Plain fetches below: the tokens' sessions must be recorded first (the test client waits by itself).
  await sessionsRecorded();
  for (const variant of variants) {
    const headers: Record<string, string> = variant.token ? { authorization: `Bearer ${variant.token}` } : {};
    const data = await referenceData(
      supergraph.client.url,
      operation.query,
      variant.variables,
      headers,
      operation.title,
    );
    const page = operation.page(data);
    if (page.length < pageSize)
      throw new Error(
        `${operation.title}: ${JSON.stringify(variant.variables)} gives ${page.length} items, the bench needs ${pageSize}`,
      );
    CLOCK_DEPENDENT[operation.name]?.(data);
    requests.push({
      body: JSON.stringify({ query: operation.query, variables: variant.variables }),
      headers,
      expect: data,
    });

    const rootVariables = Object.fromEntries(root.variables.map((name) => [name, variant.variables[name]]));
    const directData = await referenceData(
      rootUrl,
      root.operation,
      rootVariables,
      headers,
      `${operation.title} (direct to ${root.subgraph})`,
    );
    direct.push({
      body: JSON.stringify({ query: root.operation, variables: rootVariables }),
      headers,
      expect: directData,
    });
  }
  return { operation, pageSize, requests, direct: { subgraph: root.subgraph, requests: direct }, fetches };
}

/**
 * One order per customer, checked out through the gateway from a cart of CHECKOUT_LINES
 * products; the variants replay those checkouts with their idempotency keys.
 */
async function placeCheckouts(
  supergraph: TestSupergraph,
  dbs: DatasetDatabases,
  /** Global ids (`Product:<uuid>`). */
  productIds: string[],
): Promise<Variant[]> {
  const buyers = await queryRows<{ id: string }>(
    dbs.users,
    `SELECT id FROM users WHERE role = 'CUSTOMER' ORDER BY md5(id::text) LIMIT $1`,
    [VARIANTS],
  );
  return Promise.all(
    buyers.map(async ({ id }, i) => {
      const token = tokenFor(id, 'CUSTOMER', TOKEN_TTL_SECONDS);
      for (let line = 0; line < CHECKOUT_LINES; line += 1) {
        await supergraph.client.data(
          `mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`,
          {
            variables: { p: productIds[(i + line) % productIds.length] },
            token,
          },
        );
      }
      const key = `bench-checkout-${i}`;
      await supergraph.client.data(CHECKOUT.query, { variables: { key }, token });
      return { variables: { key }, token };
    }),
  );
}

function referenceData(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
  what: string,
): Promise<unknown> {
  return dataOf(url, JSON.stringify({ query, variables }), headers, `${what}: the reference answer`);
}

/** POSTs a GraphQL body and returns its `data`; anything but HTTP 200 with data and no errors throws, naming `what`. */
export async function dataOf(
  url: string,
  body: string,
  headers: Record<string, string>,
  what: string,
): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const answer = (await response.json()) as { data?: unknown; errors?: unknown[] };
  if (response.status !== 200 || answer.errors || !answer.data)
    throw new Error(`${what} failed (HTTP ${response.status}): ${JSON.stringify(answer).slice(0, 300)}`);
  return answer.data;
}

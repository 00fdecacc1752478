import { rawIdOf } from '@marketplace/kit';
import { TestSubgraph } from '@marketplace/kit/testing';
import type { TestVendor } from '../testing';
import { CATEGORY_IDS, addVendor, admin, createProduct, publishedProduct, startCatalog } from '../testing';

/**
 * `ProductConnection.facets` on a word only these tests use, so every count is known by
 * hand: four products in the storefront, plus a draft and a suspended vendor's product
 * that no facet may count. Each facet is counted with every other filter but its own.
 */
let catalog: TestSubgraph;
let v1: TestVendor;
let v2: TestVendor;
const word = `facetword${Date.now().toString(36)}`;

const FACETS = `query($filter: ProductFilter) {
  products(filter: $filter, first: 10) {
    totalCount
    edges { node { id } }
    facets {
      categories { category { slug } productCount }
      kinds { kind productCount }
      priceBands { min { amount currency } max { amount currency } productCount }
      ratingBands { minRating productCount }
      vendors { vendor { id } productCount }
    }
  }
}`;

interface Facets {
  categories: { category: { slug: string }; productCount: number }[];
  kinds: { kind: string; productCount: number }[];
  priceBands: { min: { amount: number; currency: string }; max: { amount: number } | null; productCount: number }[];
  ratingBands: { minRating: number; productCount: number }[];
  vendors: { vendor: { id: string }; productCount: number }[];
}

async function facets(filter: Record<string, unknown>, token?: string) {
  const { products } = await catalog.client.data<{
    products: { totalCount: number; edges: unknown[]; facets: Facets };
  }>(FACETS, { variables: { filter: { search: word, ...filter } }, token });
  return products;
}

/** Facets as compact maps: slug → count, kind → count, "USD 500-1000" → count, floor → count, vendor id → count. */
function summary(f: Facets) {
  return {
    categories: Object.fromEntries(f.categories.map((c) => [c.category.slug, c.productCount])),
    kinds: Object.fromEntries(f.kinds.map((k) => [k.kind, k.productCount])),
    priceBands: Object.fromEntries(
      f.priceBands.map((b) => [`${b.min.currency} ${b.min.amount}-${b.max?.amount ?? ''}`, b.productCount]),
    ),
    ratingBands: Object.fromEntries(f.ratingBands.map((r) => [r.minRating, r.productCount])),
    vendors: Object.fromEntries(f.vendors.map((v) => [v.vendor.id, v.productCount])),
  };
}

async function rate(productId: string, rating: number, reviews: number) {
  await catalog.subgraph.deps.db.query(`UPDATE products SET rating = $2, review_count = $3 WHERE id = $1`, [
    rawIdOf(productId),
    rating,
    reviews,
  ]);
}

beforeAll(async () => {
  catalog = await startCatalog({ CATALOG_CACHE_TTL_SECONDS: '0' });
  await catalog.subgraph.wiring.seed!();
  [v1, v2] = [await addVendor(catalog), await addVendor(catalog)];
  const suspended = await addVendor(catalog);
  const { coding, research } = CATEGORY_IDS;
  const make = (vendor: TestVendor, kind: string, amount: number, currency: string, category: string) =>
    publishedProduct(catalog, vendor, {
      name: `${word} ${kind} ${amount} ${currency}`,
      kind,
      price: { amount, currency },
      categoryId: `Category:${category}`,
    });
  const a = await make(v1, 'TOOL', 999, 'USD', coding);
  await make(v1, 'TOOL', 3000, 'USD', research);
  const c = await make(v2, 'AGENT', 30000, 'USD', coding);
  const d = await make(v2, 'WORKFLOW', 1500, 'EUR', coding);
  await rate(a.id, 4.5, 2);
  await rate(c.id, 3, 1);
  await rate(d.id, 2, 5);
  // Never counted: a draft, and a product whose vendor is suspended after publishing it.
  await createProduct(catalog, v1, { name: `${word} draft`, kind: 'TOOL' });
  await publishedProduct(catalog, suspended, { name: `${word} hidden`, kind: 'AGENT' });
  await catalog.subgraph.deps.db.query(`UPDATE vendors SET status = 'SUSPENDED' WHERE id = $1`, [suspended.vendorId]);
}, 60_000);
afterAll(() => catalog.close());

const ALL = () => ({
  categories: { coding: 3, research: 1 },
  kinds: { TOOL: 2, AGENT: 1, WORKFLOW: 1 },
  priceBands: { 'EUR 1000-2500': 1, 'USD 500-1000': 1, 'USD 2500-5000': 1, 'USD 25000-': 1 },
  ratingBands: { 4: 1, 3: 2, 2: 3, 1: 3 },
  vendors: { [v1.id]: 2, [v2.id]: 2 },
});

it('counts every facet of a search by hand, leaving out drafts and suspended vendors', async () => {
  const result = await facets({});
  expect(result.totalCount).toBe(4);
  expect(summary(result.facets)).toEqual(ALL());
  // Most first; bands by currency, then price; rating floors 4 to 1.
  expect(result.facets.kinds[0]).toEqual({ kind: 'TOOL', productCount: 2 });
  expect(result.facets.priceBands.map((b) => b.min.currency)).toEqual(['EUR', 'USD', 'USD', 'USD']);
  expect(result.facets.ratingBands.map((b) => b.minRating)).toEqual([4, 3, 2, 1]);
});

it.each([
  [
    'kind',
    { kind: 'TOOL' },
    {
      categories: { coding: 1, research: 1 },
      priceBands: { 'USD 500-1000': 1, 'USD 2500-5000': 1 },
      ratingBands: { 4: 1, 3: 1, 2: 1, 1: 1 },
      vendors: 'v1:2',
    },
  ],
  [
    'categorySlug',
    { categorySlug: 'coding' },
    {
      kinds: { TOOL: 1, AGENT: 1, WORKFLOW: 1 },
      priceBands: { 'EUR 1000-2500': 1, 'USD 500-1000': 1, 'USD 25000-': 1 },
      vendors: 'v1:1,v2:2',
    },
  ],
  [
    'minPrice (its currency narrows the bands too)',
    { minPrice: { amount: 1000, currency: 'USD' } },
    {
      categories: { coding: 1, research: 1 },
      kinds: { TOOL: 1, AGENT: 1 },
      priceBands: { 'USD 500-1000': 1, 'USD 2500-5000': 1, 'USD 25000-': 1 },
      ratingBands: { 4: 0, 3: 1, 2: 1, 1: 1 },
      vendors: 'v1:1,v2:1',
    },
  ],
  [
    'minRating',
    { minRating: 3 },
    {
      categories: { coding: 2 },
      kinds: { TOOL: 1, AGENT: 1 },
      priceBands: { 'USD 500-1000': 1, 'USD 25000-': 1 },
      vendors: 'v1:1,v2:1',
    },
  ],
  [
    'vendorId',
    { vendorId: 'v2' },
    {
      categories: { coding: 2 },
      kinds: { AGENT: 1, WORKFLOW: 1 },
      priceBands: { 'EUR 1000-2500': 1, 'USD 25000-': 1 },
      ratingBands: { 4: 0, 3: 1, 2: 2, 1: 2 },
    },
  ],
] as const)('with %s: each other facet narrows, its own stays whole', async (_name, rawFilter, changed) => {
  const vendorOf = (name: string) => (name === 'v1' ? v1.id : v2.id);
  const filter = { ...rawFilter } as Record<string, unknown>;
  if (filter.vendorId) filter.vendorId = vendorOf(filter.vendorId as string);
  const { vendors, ...rest } = changed as Record<string, unknown>;
  const expected = {
    ...ALL(),
    ...rest,
    ...(vendors
      ? {
          vendors: Object.fromEntries(
            (vendors as string).split(',').map((entry) => [vendorOf(entry.split(':')[0]), Number(entry.split(':')[1])]),
          ),
        }
      : {}),
  };
  expect(summary((await facets(filter)).facets)).toEqual(expected);
});

it('filters the list by minRating (reviewed products rated at least that)', async () => {
  const { totalCount } = await facets({ minRating: 3 });
  expect(totalCount).toBe(2);
  expect((await facets({ minRating: 4.5 })).totalCount).toBe(1);
});

it('refuses a minRating outside 1 to 5 as BAD_USER_INPUT on filter.minRating', async () => {
  for (const minRating of [0, 5.5, -1]) {
    const result = await catalog.client.request(FACETS, { variables: { filter: { minRating } } });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'filter.minRating', message: 'must be from 1 to 5' }],
    });
  }
});

it("counts the same for anyone: the draft's vendor and an admin see no more than the public", async () => {
  const anonymous = summary((await facets({})).facets);
  expect(summary((await facets({}, v1.token)).facets)).toEqual(anonymous);
  expect(summary((await facets({}, admin())).facets)).toEqual(anonymous);
});

it('is counted only when selected: a plain search runs no facet statement', async () => {
  const logger = catalog.subgraph.deps.db.logger;
  const statements: string[] = [];
  const original = logger.logQuery.bind(logger);
  logger.logQuery = (query, ...rest) => {
    statements.push(query);
    return original(query, ...rest);
  };
  try {
    await catalog.client.data(`query($s: String) { products(filter: { search: $s }) { totalCount } }`, {
      variables: { s: word },
    });
    expect(statements.filter((sql) => /f_category/.test(sql))).toHaveLength(0);
    await facets({});
    expect(statements.filter((sql) => /f_category/.test(sql))).toHaveLength(1);
  } finally {
    logger.logQuery = original;
  }
});

it("gives a vendor's product list the facets of its storefront products", async () => {
  const { _entities } = await catalog.client.data<{
    _entities: { products: { facets: { kinds: { kind: string; productCount: number }[] } } }[];
  }>(
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Vendor { products(first: 1) { facets { kinds { kind productCount } } } } } }`,
    { variables: { r: [{ __typename: 'Vendor', id: v2.id }] }, token: v2.token },
  );
  expect(_entities[0].products.facets.kinds).toEqual([
    { kind: 'AGENT', productCount: 1 },
    { kind: 'WORKFLOW', productCount: 1 },
  ]);
});

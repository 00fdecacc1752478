import { queryRows } from '@marketplace/kit';
import { TestSubgraph } from '@marketplace/kit/testing';
import { addVendor, startCatalog } from '../testing';

/**
 * The search's own statements, explained on a catalog big enough for indexes to pay off:
 * the full-text match goes through the GIN index on the tsvector, the typo lookup through
 * the trigram GIN index on the vocabulary, the tags filter through the GIN index on tags.
 * (On the 207 demo products a sequential scan of ~20 pages is rightly cheaper.)
 */
let catalog: TestSubgraph;
beforeAll(async () => {
  catalog = await startCatalog();
  await catalog.subgraph.wiring.seed!();
  const vendor = await addVendor(catalog);
  await catalog.subgraph.deps.db.query(
    `INSERT INTO products (vendor_id, category_id, slug, name, description, kind, price_amount, price_currency, tags, status, published_at)
     SELECT $1, '00000000-0000-4000-8000-0000000c0301', 'bulk-' || g, initcap(w1) || ' ' || initcap(w2) || ' Toolkit ' || g,
            'A generated product about ' || w1 || ' and ' || w2 || ' for load tests.', 'TOOL', g % 50000, 'USD', ARRAY[w1, 'bulk'], 'PUBLISHED', now() - g * interval '1 minute'
     FROM generate_series(1, 6000) AS g,
          LATERAL (SELECT substr(md5(g::text), 1, 7) AS w1, substr(md5((g * 7)::text), 3, 6) AS w2) AS words`,
    [vendor.vendorId],
  );
  await catalog.subgraph.deps.db.query(`ANALYZE`);
}, 60_000);
afterAll(() => catalog.close());

async function statementsOf(search: Record<string, unknown>): Promise<{ sql: string; parameters: unknown[] }[]> {
  const logger = catalog.subgraph.deps.db.logger;
  const statements: { sql: string; parameters: unknown[] }[] = [];
  const original = logger.logQuery.bind(logger);
  logger.logQuery = (query, parameters, ...rest) => {
    statements.push({ sql: query, parameters: parameters ?? [] });
    return original(query, parameters, ...rest);
  };
  try {
    await catalog.client.data(
      `query($filter: ProductFilter) { products(filter: $filter, first: 10) { totalCount edges { node { id } } } }`,
      { variables: { filter: search } },
    );
  } finally {
    logger.logQuery = original;
  }
  return statements.filter(({ sql }) => !/outbox/.test(sql));
}

async function planOf(statement: { sql: string; parameters: unknown[] }): Promise<string> {
  const [row] = await queryRows(
    catalog.subgraph.deps.db,
    `EXPLAIN (FORMAT JSON) ${statement.sql}`,
    statement.parameters,
  );
  return JSON.stringify(row['QUERY PLAN']);
}

it('runs a search with a misspelled word as one statement that uses both GIN indexes', async () => {
  const statements = await statementsOf({ search: 'asistant' });
  // The text query, the matches, their count and the page in one round trip.
  expect(statements).toHaveLength(1);
  const plan = await planOf(statements[0]);
  expect(plan).toContain('search_terms_trgm_idx');
  expect(plan).toContain('products_search_idx');
  // The storefront's vendors are a hashed filter, never the loop that drives the search.
  expect(plan).toContain('hashed SubPlan');
});

it('filters tags through the GIN index on tags', async () => {
  const statements = await statementsOf({ tags: ['zendesk'] });
  for (const statement of statements) expect(await planOf(statement)).toContain('products_tags_idx');
});

it('still answers a typo among 6,000 more products, quickly', async () => {
  const started = Date.now();
  const { products } = await catalog.client.data(
    `{ products(filter: { search: "custmer suport asistant" }, first: 3) { totalCount edges { node { name } } } }`,
  );
  expect(products.edges[0].node.name).toBe('Customer Support Assistant');
  expect(Date.now() - started).toBeLessThan(1_000);
});

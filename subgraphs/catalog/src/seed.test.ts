import { DemoIds, Envelope, Events, queryRows, validatePayload } from '@marketplace/kit';
import { TestSubgraph, tokenFor, globalId } from '@marketplace/kit/testing';
import { demoProducts } from './product/product.demo-data';
import { startCatalog } from './testing';

let catalog: TestSubgraph;
beforeAll(async () => {
  catalog = await startCatalog();
});
afterAll(() => catalog.close());

const db = () => catalog.subgraph.deps.db;
const count = async (sql: string) => (await queryRows<{ n: number }>(db(), sql))[0].n;

it('seeds the demo vendors and 200+ published products with their product.published events in under 3 s', async () => {
  const started = Date.now();
  await catalog.subgraph.wiring.seed!();
  expect(Date.now() - started).toBeLessThan(3_000);

  expect(
    await queryRows(
      db(),
      `SELECT id, user_id AS "userId", display_name AS "displayName", status FROM vendors ORDER BY display_name`,
    ),
  ).toEqual([
    { id: DemoIds.vendors.ada, userId: DemoIds.users.ada, displayName: 'Ada Agents', status: 'ACTIVE' },
    { id: DemoIds.vendors.grace, userId: DemoIds.users.grace, displayName: 'Grace Workflows', status: 'ACTIVE' },
  ]);
  const products = await count(`SELECT count(*)::int AS n FROM products WHERE status = 'PUBLISHED'`);
  expect(products).toBeGreaterThanOrEqual(200);
  expect(products).toBe(demoProducts().length);

  const events = await queryRows<{ envelope: Envelope<Record<string, unknown>> }>(
    db(),
    `SELECT envelope FROM outbox WHERE type = 'product.published'`,
  );
  expect(events).toHaveLength(products);
  for (const { envelope } of events) {
    expect(() => validatePayload(Events.ProductPublished, envelope.payload)).not.toThrow();
    expect(envelope).toMatchObject({
      source: 'catalog',
      aggregateId: envelope.payload.productId,
      payload: { status: 'PUBLISHED', revision: 1, categoryId: expect.any(String) },
    });
  }
});

it('is idempotent: a second run adds no rows and no events', async () => {
  await catalog.subgraph.wiring.seed!();
  const before = {
    products: await count(`SELECT count(*)::int AS n FROM products`),
    events: await count(`SELECT count(*)::int AS n FROM outbox`),
  };
  await catalog.subgraph.wiring.seed!();
  expect({
    products: await count(`SELECT count(*)::int AS n FROM products`),
    events: await count(`SELECT count(*)::int AS n FROM outbox`),
  }).toEqual(before);
});

it('leaves a replica that events changed as it is (a suspended demo vendor stays suspended)', async () => {
  await db().query(`UPDATE vendors SET status = 'SUSPENDED' WHERE id = $1`, [DemoIds.vendors.grace]);
  await catalog.subgraph.wiring.seed!();
  expect((await queryRows(db(), `SELECT status FROM vendors WHERE id = $1`, [DemoIds.vendors.grace]))[0].status).toBe(
    'SUSPENDED',
  );
  await db().query(`UPDATE vendors SET status = 'ACTIVE' WHERE id = $1`, [DemoIds.vendors.grace]);
});

it('spreads the products over every sub-category, all kinds, many prices and tags, with real descriptions', async () => {
  const perCategory = await queryRows(
    db(),
    `SELECT c.slug, count(p.id)::int AS n FROM categories c LEFT JOIN products p ON p.category_id = c.id WHERE c.parent_id IS NOT NULL GROUP BY c.slug`,
  );
  expect(perCategory).toHaveLength(9);
  perCategory.forEach(({ n }) => expect(n).toBeGreaterThanOrEqual(20));
  expect((await queryRows(db(), `SELECT DISTINCT kind FROM products ORDER BY kind`)).map((r) => r.kind)).toEqual([
    'AGENT',
    'TOOL',
    'WORKFLOW',
  ]);
  expect(await count(`SELECT count(DISTINCT price_amount)::int AS n FROM products`)).toBeGreaterThanOrEqual(10);
  expect(await count(`SELECT count(DISTINCT tag)::int AS n FROM products, unnest(tags) AS tag`)).toBeGreaterThanOrEqual(
    40,
  );
  expect(await count(`SELECT count(*)::int AS n FROM products WHERE length(description) < 120`)).toBe(0);
  expect(await count(`SELECT count(DISTINCT vendor_id)::int AS n FROM products`)).toBe(2);
});

it('makes the demo products visible in the storefront and manageable by their vendor', async () => {
  const page = await catalog.client.data(`{ products(first: 5) { totalCount edges { node { name vendor { id } } } } }`);
  expect(page.products.totalCount).toBe(demoProducts().length);
  const ada = await catalog.client.data(
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Vendor { products { totalCount } } } }`,
    {
      variables: { r: [{ __typename: 'Vendor', id: globalId('Vendor', DemoIds.vendors.ada) }] },
      token: tokenFor(DemoIds.users.ada, 'VENDOR'),
    },
  );
  expect(ada._entities[0].products.totalCount).toBe(demoProducts().filter((p) => p.vendor === 'ada').length);
});

it('generates unique names and slugs, the same on every run', () => {
  const products = demoProducts();
  expect(new Set(products.map((p) => p.slug)).size).toBe(products.length);
  expect(demoProducts()).toEqual(products);
  expect(products.map((p) => p.name)).toEqual(
    expect.arrayContaining(['Customer Support Assistant', 'SQL Query Copilot', 'Lead Enrichment Workflow']),
  );
});

it('fills in requirements and compatibility, and features the first product of each line', async () => {
  expect(await count(`SELECT count(*)::int AS n FROM products WHERE requirements = '{}' OR compatibility = '{}'`)).toBe(
    0,
  );
  const { product } = await catalog.client.data(
    `query($id: ID!) { product(id: $id) { name requirements compatibility featured } }`,
    { variables: { id: globalId('Product', demoProducts()[0].id) } },
  );
  expect(product).toEqual({
    name: 'Customer Support Assistant',
    requirements: expect.arrayContaining([expect.stringContaining('Zendesk')]),
    compatibility: ['Zendesk', 'Intercom', 'Freshdesk', 'Help Scout'],
    featured: true,
  });
  const { featuredProducts } = await catalog.client.data(`{ featuredProducts(first: 20) { totalCount } }`);
  expect(featuredProducts.totalCount).toBe(9);
});

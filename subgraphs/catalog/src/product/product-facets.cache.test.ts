import { TestSubgraph } from '@marketplace/kit/testing';
import { addVendor, publishedProduct, setVendorStatus, startCatalog } from '../testing';

/**
 * Facets are cached with the listing pages (the catalog's storefront cache on, as in
 * production): a second read is a hit, and a product or vendor change shows on the next read.
 */
let catalog: TestSubgraph;
beforeAll(async () => {
  catalog = await startCatalog({ CATALOG_CACHE_TTL_SECONDS: '60' });
  await catalog.subgraph.wiring.seed!();
}, 60_000);
afterAll(() => catalog.close());

const word = `cachedfacet${Date.now().toString(36).replace(/\d/g, 'k')}`;
const KINDS = `query($s: String!) { products(filter: { search: $s }, first: 1) { totalCount facets { kinds { kind productCount } } } }`;

async function kinds() {
  const { products } = await catalog.client.data<{
    products: { totalCount: number; facets: { kinds: { kind: string; productCount: number }[] } };
  }>(KINDS, { variables: { s: word } });
  return products.facets.kinds;
}

/** The facet statements this catalog runs while `read` does. */
async function facetStatements(read: () => Promise<unknown>): Promise<number> {
  const logger = catalog.subgraph.deps.db.logger;
  const original = logger.logQuery.bind(logger);
  let count = 0;
  logger.logQuery = (query, ...rest) => {
    if (/f_category/.test(query)) count += 1;
    return original(query, ...rest);
  };
  try {
    await read();
  } finally {
    logger.logQuery = original;
  }
  return count;
}

it('answers the same facets from the cache, and recounts after a product or vendor change', async () => {
  const vendor = await addVendor(catalog);
  await publishedProduct(catalog, vendor, { name: `${word} one`, kind: 'TOOL' });
  expect(await facetStatements(kinds)).toBe(1);
  expect(await facetStatements(kinds)).toBe(0);
  expect(await kinds()).toEqual([{ kind: 'TOOL', productCount: 1 }]);

  await publishedProduct(catalog, vendor, { name: `${word} two`, kind: 'AGENT' });
  expect(await kinds()).toEqual([
    { kind: 'AGENT', productCount: 1 },
    { kind: 'TOOL', productCount: 1 },
  ]);

  await setVendorStatus(catalog, vendor.id, 'SUSPENDED');
  expect(await kinds()).toEqual([]);
});

it('never keeps a count older than a change it raced with: reads during a publish, then the next read counts it', async () => {
  const vendor = await addVendor(catalog);
  const raceWord = `${word}race`;
  const count = async () => {
    const { products } = await catalog.client.data<{
      products: { totalCount: number; facets: { kinds: { productCount: number }[] } };
    }>(KINDS, { variables: { s: raceWord } });
    return products.facets.kinds.reduce((sum, kind) => sum + kind.productCount, 0);
  };
  for (let round = 1; round <= 3; round += 1) {
    // Readers fill the cache while the product is being published (each answer is one side of the change).
    const [, ...seen] = await Promise.all([
      publishedProduct(catalog, vendor, { name: `${raceWord} ${round}`, kind: 'TOOL' }),
      ...Array.from({ length: 5 }, () => count()),
    ]);
    seen.forEach((n) => expect([round - 1, round]).toContain(n));
    expect(await count()).toBe(round);
  }
});

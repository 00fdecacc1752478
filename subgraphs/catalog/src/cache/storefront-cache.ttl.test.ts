import { TestSubgraph, sqlDuring, uuidOf } from '@marketplace/kit/testing';
import { addVendor, publishedProduct, startCatalog } from '../testing';

/** CATALOG_CACHE_TTL_SECONDS: entries expire; 0 turns the cache off. */
let shortLived: TestSubgraph;
let off: TestSubgraph;
beforeAll(async () => {
  [shortLived, off] = await Promise.all([
    startCatalog({ CATALOG_CACHE_TTL_SECONDS: '1' }),
    startCatalog({ CATALOG_CACHE_TTL_SECONDS: '0' }),
  ]);
});
afterAll(() => Promise.all([shortLived.close(), off.close()]));

const NAME = `query($id: ID!) { product(id: $id) { name } }`;

it('serves a cached answer until the TTL ends, even when the database changed behind its back', async () => {
  const product = await publishedProduct(shortLived, await addVendor(shortLived));
  await shortLived.client.data(NAME, { variables: { id: product.id } });
  await shortLived.subgraph.deps.db.query(`UPDATE products SET name = 'Changed behind the cache' WHERE id = $1`, [
    uuidOf(product.id),
  ]);
  expect((await shortLived.client.data(NAME, { variables: { id: product.id } })).product.name).toBe(product.name);
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  expect((await shortLived.client.data(NAME, { variables: { id: product.id } })).product.name).toBe(
    'Changed behind the cache',
  );
});

it('with a TTL of 0 reads the database every time', async () => {
  const product = await publishedProduct(off, await addVendor(off));
  for (let i = 0; i < 2; i += 1) {
    const { statements } = await sqlDuring(off, () => off.client.data(NAME, { variables: { id: product.id } }));
    expect(statements.filter((sql) => /\bproducts\b/.test(sql))).toHaveLength(1);
  }
});

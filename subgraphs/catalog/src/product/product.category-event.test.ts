import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import {
  CATEGORY_IDS,
  TestVendor,
  categoryId,
  domainEventsOf,
  publishedProduct,
  startCatalogWithVendors,
} from '../testing';

/** Product state events carry the product's category: the orders subgraph's coupons target categories. */
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  ({ catalog, vendor } = await startCatalogWithVendors());
});
afterAll(() => catalog.close());

const UPDATE = `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { revision } } }`;

it('product.published and product.updated carry categoryId (the raw uuid), the new one after a move', async () => {
  const product = await publishedProduct(catalog, vendor, { categoryId: categoryId('coding') });
  await catalog.client.data(UPDATE, {
    variables: { input: { productId: product.id, categoryId: categoryId('research') } },
    token: vendor.token,
  });
  const events = await domainEventsOf(catalog, uuidOf(product.id));
  expect(events.map((e) => [e.type, e.payload.categoryId])).toEqual([
    ['product.published', CATEGORY_IDS.coding],
    ['product.updated', CATEGORY_IDS.research],
  ]);
});

import { TestSubgraph } from '@marketplace/kit/testing';
import type { ProductShape, TestVendor } from '../testing';
import { PRODUCT_FIELDS, createProduct, productInput, startCatalogWithVendors } from '../testing';

/**
 * Issue 18, item 8 at the catalog: the kit refuses control characters in every string
 * argument before a resolver runs; multi-line fields keep their tabs and line breaks, and
 * single-line fields stay stricter through their own checks.
 */
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  ({ catalog, vendor } = await startCatalogWithVendors());
});
afterAll(() => catalog.close());

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { ${PRODUCT_FIELDS} } } }`;
const UPDATE = `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { ${PRODUCT_FIELDS} } } }`;

const productRows = async (name: string) =>
  (
    await catalog.subgraph.deps.db.query<{ count: string }[]>(`SELECT count(*) FROM products WHERE name = $1`, [name])
  )[0].count;

it('keeps tabs and line breaks in a description', async () => {
  const description = 'What it does:\n\t- answers tickets\r\n\t- files bugs';
  const product = await createProduct(catalog, vendor, { description });
  expect(product.description).toBe(description);
  const { updateProduct } = await catalog.client.data<{ updateProduct: { product: ProductShape } }>(UPDATE, {
    variables: { input: { productId: product.id, description: `${description}\n\tand more` } },
    token: vendor.token,
  });
  expect(updateProduct.product.description).toBe(`${description}\n\tand more`);
});

it('refuses NUL in a description and in one tag of a list, naming each, and writes nothing', async () => {
  const input = productInput({ description: 'Before\u0000after', tags: ['fine', 'bad\u0000'] });
  const result = await catalog.client.request(CREATE, { variables: { input }, token: vendor.token });
  expect(result.status).toBe(400);
  expect(result.errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    fields: [
      { field: 'input.description', message: 'must not contain control characters' },
      { field: 'input.tags.1', message: 'must not contain control characters' },
    ],
  });
  expect(await productRows(input.name)).toBe('0');
  expect(catalog.logs.records().filter((record) => record.level === 'error')).toEqual([]);
});

it('refuses an update carrying NUL and leaves the product as it was', async () => {
  const product = await createProduct(catalog, vendor);
  const result = await catalog.client.request(UPDATE, {
    variables: { input: { productId: product.id, name: 'Renamed\u0000' } },
    token: vendor.token,
  });
  expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.name' }] });
  expect(await productRows(product.name)).toBe('1');
});

it('still refuses a tab in a one-line name, through the field check', async () => {
  const result = await catalog.client.request(CREATE, {
    variables: { input: productInput({ name: 'Tab\tname' }) },
    token: vendor.token,
  });
  expect(result.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: [{ field: 'input.name', message: 'must not contain control characters' }],
  });
});

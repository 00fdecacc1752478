import { outboxOf, TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import { TestVendor, addVendor, createProduct, productInput, publishedProduct, startCatalog } from '../testing';

/** The vendor's license policy: set on the product, validated, and carried to licensing by product events. */
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

/** The product's events, without its audit records (approving records PRODUCT_APPROVED). */
const productEventsOf = async (id: string) =>
  (await outboxOf(catalog, id)).filter(
    (e) => !['audit.recorded', 'product.submitted_for_review', 'product.moderated'].includes(e.type),
  );

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id maxActivations } } }`;
const UPDATE = `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { maxActivations revision } } }`;

it('defaults to 3 machines per license; the vendor may set 1 to 1,000 when creating', async () => {
  expect(
    (await catalog.client.data(CREATE, { variables: { input: productInput() }, token: vendor.token })).createProduct
      .product.maxActivations,
  ).toBe(3);
  for (const maxActivations of [1, 1000]) {
    expect(
      (
        await catalog.client.data(CREATE, {
          variables: { input: productInput({ maxActivations }) },
          token: vendor.token,
        })
      ).createProduct.product.maxActivations,
    ).toBe(maxActivations);
  }
});

it.each([0, 1001, -3])(
  'refuses %d with BAD_USER_INPUT on input.maxActivations, in create and update',
  async (maxActivations) => {
    const created = await catalog.client.request(CREATE, {
      variables: { input: productInput({ maxActivations }) },
      token: vendor.token,
    });
    expect(created.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.maxActivations', message: 'must be a whole number from 1 to 1000' }],
    });
    const product = await createProduct(catalog, vendor);
    const updated = await catalog.client.request(UPDATE, {
      variables: { input: { productId: product.id, maxActivations } },
      token: vendor.token,
    });
    expect(updated.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.maxActivations' }],
    });
  },
);

it('is carried by product.published and product.updated; changing it is a new revision', async () => {
  const product = await publishedProduct(catalog, vendor, { maxActivations: 5 });
  const { updateProduct } = await catalog.client.data(UPDATE, {
    variables: { input: { productId: product.id, maxActivations: 2 } },
    token: vendor.token,
  });
  expect(updateProduct.product).toEqual({ maxActivations: 2, revision: product.revision + 1 });
  const events = await productEventsOf(uuidOf(product.id));
  expect(events.map((e) => [e.type, e.payload.maxActivations, e.payload.revision])).toEqual([
    ['product.published', 5, product.revision],
    ['product.updated', 2, product.revision + 1],
  ]);
  // The same value again is no change: no revision, no event.
  expect(
    (
      await catalog.client.data(UPDATE, {
        variables: { input: { productId: product.id, maxActivations: 2 } },
        token: vendor.token,
      })
    ).updateProduct.product.revision,
  ).toBe(product.revision + 1);
  expect(await productEventsOf(uuidOf(product.id))).toHaveLength(2);
});

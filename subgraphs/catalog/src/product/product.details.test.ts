import { TestSubgraph } from '@marketplace/kit/testing';
import { TestVendor, addVendor, domainEventsOf, productInput, publishedProduct, startCatalog } from '../testing';
import { DETAILS_MAX, DETAIL_MAX_LENGTH } from './product.validation';
import { uuidOf } from '@marketplace/kit/testing';

/** Product.requirements and Product.compatibility: the vendor's lists, set through createProduct and updateProduct. */
let catalog: TestSubgraph;
let vendor: TestVendor;
let otherVendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
  otherVendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const DETAILS = 'id revision requirements compatibility';
const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { ${DETAILS} } } }`;
const UPDATE = `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { ${DETAILS} } } }`;
const READ = `query($id: ID!) { product(id: $id) { ${DETAILS} } }`;

const update = (productId: string, input: Record<string, unknown>, token = vendor.token) =>
  catalog.client.request(UPDATE, { variables: { input: { productId, ...input } }, token });

it('stores trimmed, de-duplicated lists on create; [] when none is given', async () => {
  const { createProduct } = await catalog.client.data(CREATE, {
    variables: {
      input: productInput({
        requirements: ['  A Zendesk account ', 'Node.js 20 or later', 'A Zendesk account'],
        compatibility: ['Zendesk', 'Intercom'],
      }),
    },
    token: vendor.token,
  });
  expect(createProduct.product).toMatchObject({
    requirements: ['A Zendesk account', 'Node.js 20 or later'],
    compatibility: ['Zendesk', 'Intercom'],
  });
  const bare = await catalog.client.data(CREATE, { variables: { input: productInput() }, token: vendor.token });
  expect(bare.createProduct.product).toMatchObject({ requirements: [], compatibility: [] });
});

it('replaces a list on update, keeps it when omitted or null, clears it with []; the storefront shows the change at once', async () => {
  const product = await publishedProduct(catalog, vendor, { requirements: ['Python 3.11'], compatibility: ['Linux'] });
  // Read anonymously first: the storefront cache holds the product now.
  expect((await catalog.client.data(READ, { variables: { id: product.id } })).product).toMatchObject({
    requirements: ['Python 3.11'],
  });
  const changed = await update(product.id, { requirements: ['Python 3.12', 'A GPU'] });
  expect(changed.data?.updateProduct.product).toMatchObject({
    requirements: ['Python 3.12', 'A GPU'],
    compatibility: ['Linux'],
    revision: product.revision + 1,
  });
  expect((await catalog.client.data(READ, { variables: { id: product.id } })).product).toMatchObject({
    requirements: ['Python 3.12', 'A GPU'],
    compatibility: ['Linux'],
  });
  const kept = await update(product.id, { compatibility: null, name: product.name });
  expect(kept.data?.updateProduct.product).toMatchObject({ compatibility: ['Linux'], revision: product.revision + 1 });
  const cleared = await update(product.id, { compatibility: [] });
  expect(cleared.data?.updateProduct.product).toMatchObject({ compatibility: [], revision: product.revision + 2 });
  // A published product's change is told to the replicas like any other edit.
  const updates = (await domainEventsOf(catalog, uuidOf(product.id))).filter((e) => e.type === 'product.updated');
  expect(updates).toHaveLength(2);
});

it('answers BAD_USER_INPUT naming each bad line: too many, too long, empty, control characters', async () => {
  const product = await publishedProduct(catalog, vendor);
  const answer = await update(product.id, {
    requirements: Array.from({ length: DETAILS_MAX + 1 }, (_, i) => `Line ${i}`),
    compatibility: ['ok', 'x'.repeat(DETAIL_MAX_LENGTH + 1), '   ', 'tab\there'],
  });
  expect(answer.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: expect.arrayContaining([
      { field: 'input.requirements', message: `must hold at most ${DETAILS_MAX} lines` },
      { field: 'input.compatibility.1', message: `must be at most ${DETAIL_MAX_LENGTH} characters` },
      { field: 'input.compatibility.2', message: 'must not be empty' },
      { field: 'input.compatibility.3', message: 'must not contain control characters' },
    ]),
  });
  const created = await catalog.client.request(CREATE, {
    variables: { input: productInput({ requirements: [''] }) },
    token: vendor.token,
  });
  expect(created.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: [{ field: 'input.requirements.0', message: 'must not be empty' }],
  });
  expect((await catalog.client.data(READ, { variables: { id: product.id } })).product.requirements).toEqual([]);
});

it("refuses another vendor's change, as every other field of the product", async () => {
  const product = await publishedProduct(catalog, vendor, { requirements: ['Mine'] });
  const answer = await update(product.id, { requirements: ['Theirs'] }, otherVendor.token);
  expect(answer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const anonymous = await catalog.client.request(UPDATE, {
    variables: { input: { productId: product.id, requirements: ['Theirs'] } },
  });
  expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  expect((await catalog.client.data(READ, { variables: { id: product.id } })).product.requirements).toEqual(['Mine']);
});

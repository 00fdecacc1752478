import { randomUUID } from 'node:crypto';
import { GraphQLErrorShape, outboxOf, TestSubgraph } from '@marketplace/kit/testing';
import type { ProductShape, TestVendor } from '../testing';
import {
  CATEGORY_IDS,
  PRODUCT_FIELDS,
  addVendor,
  admin,
  createProduct,
  customer,
  publishedProduct,
  setVendorStatus,
  startCatalogWithVendors,
  uniqueName,
} from '../testing';

/** updateProduct, and who sees a product by id or slug. */
let catalog: TestSubgraph;
let vendor: TestVendor;
let otherVendor: TestVendor;
beforeAll(async () => {
  ({ catalog, vendor, otherVendor } = await startCatalogWithVendors());
});
afterAll(() => catalog.close());

const UPDATE = `mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { ${PRODUCT_FIELDS} } }`;
const ARCHIVE = `mutation($id: ID!) { archiveProduct(id: $id) { id status } }`;
const PRODUCT = `query($id: ID, $slug: String) { product(id: $id, slug: $slug) { ${PRODUCT_FIELDS} } }`;

const fieldsOf = (result: { errors?: GraphQLErrorShape[] }) => result.errors?.[0].extensions?.fields;

describe('updateProduct', () => {
  it('lets the owner change a draft; the slug follows the name, the version goes up, no event', async () => {
    const product = await createProduct(catalog, vendor);
    const name = uniqueName('Renamed');
    const { updateProduct } = await catalog.client.data<{ updateProduct: ProductShape }>(UPDATE, {
      variables: {
        id: product.id,
        input: {
          name,
          description: 'New words.',
          kind: 'WORKFLOW',
          price: { amount: 100, currency: 'GBP' },
          categoryId: CATEGORY_IDS.marketing,
          tags: ['New'],
        },
      },
      token: vendor.token,
    });
    expect(updateProduct).toMatchObject({
      name,
      slug: name.toLowerCase().replace(/ /g, '-'),
      description: 'New words.',
      kind: 'WORKFLOW',
      price: { amount: 100, currency: 'GBP' },
      category: { slug: 'marketing' },
      tags: ['new'],
      status: 'DRAFT',
      version: 2,
    });
    expect(await outboxOf(catalog, product.id)).toEqual([]);
  });

  it('keeps what is omitted or null, and changes nothing (no new version) when nothing differs', async () => {
    const product = await createProduct(catalog, vendor, { tags: ['keep'] });
    const { updateProduct } = await catalog.client.data<{ updateProduct: ProductShape }>(UPDATE, {
      variables: { id: product.id, input: { description: null, tags: null, name: product.name } },
      token: vendor.token,
    });
    expect(updateProduct).toMatchObject({
      name: product.name,
      description: product.description,
      tags: ['keep'],
      version: 1,
      updatedAt: product.updatedAt,
    });
  });

  it('records product.updated with the full new state for a published product, and keeps its slug', async () => {
    const product = await publishedProduct(catalog, vendor);
    const name = uniqueName('Published Rename');
    const result = await catalog.client.request<{ updateProduct: ProductShape }>(UPDATE, {
      variables: { id: product.id, input: { name, price: { amount: 2500, currency: 'USD' } } },
      token: vendor.token,
      headers: { 'x-request-id': 'update-req-7' },
    });
    const updated = result.data!.updateProduct;
    expect(updated).toMatchObject({
      name,
      slug: product.slug,
      status: 'PUBLISHED',
      version: product.version + 1,
      publishedAt: product.publishedAt,
    });
    const events = await outboxOf(catalog, product.id);
    expect(events.map((e) => e.type)).toEqual(['product.published', 'product.updated']);
    expect(events[1]).toMatchObject({
      correlationId: 'update-req-7',
      payload: {
        productId: product.id,
        vendorId: vendor.vendorId,
        slug: product.slug,
        name,
        kind: 'AGENT',
        price: { amount: 2500, currency: 'USD' },
        status: 'PUBLISHED',
        revision: updated.version,
      },
    });
  });

  // Issue 18, item 12: who may not see a product (another vendor's or a customer's view of a draft) is told it
  // does not exist, exactly as for an unknown id; who may see it but not change it gets FORBIDDEN.
  it.each<[string, 'draft' | 'published', string, () => string | undefined]>([
    ['anonymous', 'draft', 'UNAUTHENTICATED', () => undefined],
    ['a customer', 'draft', 'NOT_FOUND', customer],
    ['another vendor', 'draft', 'NOT_FOUND', () => otherVendor.token],
    ['an admin', 'draft', 'FORBIDDEN', admin],
    ['anonymous', 'published', 'UNAUTHENTICATED', () => undefined],
    ['a customer', 'published', 'FORBIDDEN', customer],
    ['another vendor', 'published', 'FORBIDDEN', () => otherVendor.token],
    ['an admin', 'published', 'FORBIDDEN', admin],
  ])('refuses %s a %s product with %s and changes nothing', async (_who, state, code, token) => {
    const product = state === 'draft' ? await createProduct(catalog, vendor) : await publishedProduct(catalog, vendor);
    const result = await catalog.client.request(UPDATE, {
      variables: { id: product.id, input: { name: uniqueName('Hijack') } },
      token: token(),
    });
    expect(result.errors?.[0].extensions?.code).toBe(code);
    const { product: after } = await catalog.client.data(PRODUCT, {
      variables: { id: product.id },
      token: vendor.token,
    });
    expect(after).toEqual(product);
  });

  it("answers another vendor's draft exactly as an id that does not exist", async () => {
    const draft = await createProduct(catalog, vendor);
    const answer = async (id: string) => {
      const { errors, data, status } = await catalog.client.request(UPDATE, {
        variables: { id, input: { description: 'x' } },
        token: otherVendor.token,
      });
      return { errors, data, status };
    };
    const hidden = await answer(draft.id);
    expect(hidden.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(hidden).toEqual(await answer(randomUUID()));
    // And the same words as product(id) reading it.
    const [read] = (await catalog.client.request(PRODUCT, { variables: { id: draft.id }, token: otherVendor.token }))
      .errors!;
    expect({ message: read.message, extensions: read.extensions }).toEqual({
      message: hidden.errors![0].message,
      extensions: hidden.errors![0].extensions,
    });
  });

  it('refuses the owner while their vendor is suspended', async () => {
    const seller = await addVendor(catalog);
    const product = await createProduct(catalog, seller);
    await setVendorStatus(catalog, seller.vendorId, 'SUSPENDED');
    expect(
      await catalog.client.errorCode(UPDATE, {
        variables: { id: product.id, input: { description: 'x' } },
        token: seller.token,
      }),
    ).toBe('FORBIDDEN');
  });

  it.each([randomUUID(), 'not-a-uuid', ''])('answers NOT_FOUND for an unknown or malformed id %#', async (id) => {
    expect(
      await catalog.client.errorCode(UPDATE, { variables: { id, input: { description: 'x' } }, token: vendor.token }),
    ).toBe('NOT_FOUND');
  });

  it('validates like createProduct, after checking ownership', async () => {
    const product = await createProduct(catalog, vendor);
    const bad = { name: '', price: { amount: 1, currency: 'usd ' }, tags: ['ÜBER'], categoryId: randomUUID() };
    const result = await catalog.client.request(UPDATE, {
      variables: { id: product.id, input: bad },
      token: vendor.token,
    });
    expect(fieldsOf(result)).toEqual([
      { field: 'input.name', message: 'must not be empty' },
      { field: 'input.tags.0', message: 'may only contain a-z, 0-9 and "-"' },
      { field: 'input.categoryId', message: 'is not a category' },
    ]);
    expect(
      await catalog.client.errorCode(UPDATE, { variables: { id: product.id, input: bad }, token: otherVendor.token }),
    ).toBe('NOT_FOUND');
  });

  it('answers CONFLICT for a rename onto a taken slug, and for an archived product', async () => {
    const taken = await createProduct(catalog, otherVendor);
    const product = await createProduct(catalog, vendor);
    const clash = await catalog.client.request(UPDATE, {
      variables: { id: product.id, input: { name: taken.name } },
      token: vendor.token,
    });
    expect(clash.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
    await catalog.client.data(ARCHIVE, { variables: { id: product.id }, token: vendor.token });
    const archived = await catalog.client.request(UPDATE, {
      variables: { id: product.id, input: { description: 'x' } },
      token: vendor.token,
    });
    expect(archived.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', status: 'ARCHIVED' });
  });
});

describe('product(id | slug)', () => {
  let published: ProductShape;
  let draft: ProductShape;
  beforeAll(async () => {
    published = await publishedProduct(catalog, vendor);
    draft = await createProduct(catalog, vendor);
  });

  it('finds a published product by id or by slug, for anyone', async () => {
    for (const variables of [{ id: published.id }, { slug: published.slug }, { slug: published.slug.toUpperCase() }]) {
      expect((await catalog.client.data(PRODUCT, { variables })).product).toEqual(published);
    }
  });

  it.each([{}, { id: randomUUID(), slug: 'both' }])('wants exactly one of id and slug %#', async (variables) => {
    expect(await catalog.client.errorCode(PRODUCT, { variables })).toBe('BAD_USER_INPUT');
  });

  it.each<[string, boolean, () => string | undefined]>([
    ['anonymous', false, () => undefined],
    ['a customer', false, customer],
    ['another vendor', false, () => otherVendor.token],
    ['its vendor', true, () => vendor.token],
    ['an admin', true, admin],
  ])('shows a draft to %s: %s', async (_who, visible, token) => {
    for (const variables of [{ id: draft.id }, { slug: draft.slug }]) {
      const result = await catalog.client.request(PRODUCT, { variables, token: token() });
      if (visible) expect(result.data?.product).toEqual(draft);
      else expect([result.errors?.[0].extensions?.code, result.data?.product]).toEqual(['NOT_FOUND', null]);
    }
  });

  it.each([randomUUID(), 'not-a-uuid', "'; DROP TABLE products; --", 'x'.repeat(5000)])(
    'answers NOT_FOUND for an unknown or malformed id %#',
    async (id) => {
      expect(await catalog.client.errorCode(PRODUCT, { variables: { id } })).toBe('NOT_FOUND');
    },
  );
});

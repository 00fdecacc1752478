import { randomUUID } from 'node:crypto';
import { GraphQLErrorShape, outboxOf, TestSubgraph, uuidOf, globalId } from '@marketplace/kit/testing';
import type { ProductShape, TestVendor } from '../testing';
import {
  CATEGORY_IDS,
  categoryId,
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

/** The product's events, without its audit records (moderation records PRODUCT_APPROVED/REJECTED too). */
const domainEventsOf = async (productId: string) =>
  (await outboxOf(catalog, productId)).filter(
    (envelope) => !['audit.recorded', 'product.submitted_for_review', 'product.moderated'].includes(envelope.type),
  );

const UPDATE_PRODUCT = `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { ${PRODUCT_FIELDS} } } }`;
const ARCHIVE = `mutation($id: ID!) { archiveProduct(input: { productId: $id }) { product { id status } } }`;
const PRODUCT = `query($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;
const BY_SLUG = `query($slug: String!) { product: productBySlug(slug: $slug) { ${PRODUCT_FIELDS} } }`;

/** updateProduct with `{ id, input }` variables as the test cases write them; `data.updateProduct` is the product. */
async function update(options: {
  variables: { id: string; input: Record<string, unknown> };
  token?: string;
  headers?: Record<string, string>;
}) {
  const { id, input } = options.variables;
  const result = await catalog.client.request<{ updateProduct: { product: ProductShape } | null }>(UPDATE_PRODUCT, {
    ...options,
    variables: { input: { productId: id, ...input } },
  });
  return { ...result, data: result.data && { updateProduct: result.data.updateProduct?.product as ProductShape } };
}
const updated = async (options: Parameters<typeof update>[0]) => {
  const result = await update(options);
  expect(result.errors).toBeUndefined();
  return result.data!;
};
const updateCode = async (options: Parameters<typeof update>[0]) =>
  (await update(options)).errors?.[0].extensions?.code ?? 'OK';

const fieldsOf = (result: { errors?: GraphQLErrorShape[] }) => result.errors?.[0].extensions?.fields;

describe('updateProduct', () => {
  it('lets the owner change a draft; the slug follows the name, the version goes up, no event', async () => {
    const product = await createProduct(catalog, vendor);
    const name = uniqueName('Renamed');
    const { updateProduct } = await updated({
      variables: {
        id: product.id,
        input: {
          name,
          description: 'New words.',
          kind: 'WORKFLOW',
          price: { amount: 100, currency: 'GBP' },
          categoryId: categoryId('marketing'),
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
      revision: 2,
    });
    expect(await domainEventsOf(uuidOf(product.id))).toEqual([]);
  });

  it('keeps what is omitted or null (but the description), and changes nothing (no new revision) when nothing differs', async () => {
    const product = await createProduct(catalog, vendor, { tags: ['keep'] });
    const { updateProduct } = await updated({
      variables: { id: product.id, input: { kind: null, tags: null, name: product.name } },
      token: vendor.token,
    });
    expect(updateProduct).toMatchObject({
      name: product.name,
      description: product.description,
      kind: product.kind,
      tags: ['keep'],
      revision: 1,
      updatedAt: product.updatedAt,
    });
  });

  it.each([null, '', '   '])('removes the description for %j: it reads null, never ""', async (description) => {
    const product = await createProduct(catalog, vendor);
    const { updateProduct } = await updated({
      variables: { id: product.id, input: { description } },
      token: vendor.token,
    });
    expect(updateProduct).toMatchObject({ description: null, revision: 2 });
    expect(
      (await catalog.client.data(PRODUCT, { variables: { id: product.id }, token: vendor.token })).product,
    ).toEqual(updateProduct);
  });

  it('creates a product without a description (omitted or "") as null', async () => {
    for (const description of [undefined, '', '  ']) {
      const product = await createProduct(catalog, vendor, { description });
      expect(product.description).toBeNull();
    }
  });

  it('records product.updated with the full new state for a published product, and keeps its slug', async () => {
    const product = await publishedProduct(catalog, vendor);
    const name = uniqueName('Published Rename');
    const result = await update({
      variables: { id: product.id, input: { name, price: { amount: 2500, currency: 'USD' } } },
      token: vendor.token,
      headers: { 'x-request-id': 'update-req-7' },
    });
    const updatedProduct = result.data!.updateProduct;
    expect(updatedProduct).toMatchObject({
      name,
      slug: product.slug,
      status: 'PUBLISHED',
      revision: product.revision + 1,
      publishedAt: product.publishedAt,
    });
    const events = await domainEventsOf(uuidOf(product.id));
    expect(events.map((e) => e.type)).toEqual(['product.published', 'product.updated']);
    expect(events[1]).toMatchObject({
      correlationId: 'update-req-7',
      payload: {
        productId: uuidOf(product.id),
        vendorId: vendor.vendorId,
        slug: product.slug,
        name,
        kind: 'AGENT',
        price: { amount: 2500, currency: 'USD' },
        status: 'PUBLISHED',
        revision: updatedProduct.revision,
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
    const result = await update({
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
      const { errors, data, status } = await update({
        variables: { id, input: { description: 'x' } },
        token: otherVendor.token,
      });
      return { errors, data, status };
    };
    const hidden = await answer(draft.id);
    expect(hidden.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(hidden).toEqual(await answer(globalId('Product', randomUUID())));
    // And product(id) reads it as null, as an unknown id.
    for (const id of [draft.id, globalId('Product', randomUUID())])
      expect(await catalog.client.request(PRODUCT, { variables: { id }, token: otherVendor.token })).toMatchObject({
        data: { product: null },
        errors: undefined,
      });
  });

  it('refuses the owner while their vendor is suspended', async () => {
    const seller = await addVendor(catalog);
    const product = await createProduct(catalog, seller);
    await setVendorStatus(catalog, seller.vendorId, 'SUSPENDED');
    const result = await update({ variables: { id: product.id, input: { description: 'x' } }, token: seller.token });
    expect(result.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'VENDOR_SUSPENDED' });
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    expect(
      await updateCode({
        variables: { id: globalId('Product', randomUUID()), input: { description: 'x' } },
        token: vendor.token,
      }),
    ).toBe('NOT_FOUND');
  });

  it.each(['not-a-uuid', ''])('answers BAD_USER_INPUT for a malformed id %#', async (id) => {
    const result = await update({ variables: { id, input: { description: 'x' } }, token: vendor.token });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.productId', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' }],
    });
  });

  it('answers BAD_USER_INPUT for an id of another type', async () => {
    const result = await update({
      variables: { id: globalId('Category', CATEGORY_IDS.marketing), input: { description: 'x' } },
      token: vendor.token,
    });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.productId', message: 'must be an id of type Product, not Category' }],
    });
  });

  it('validates like createProduct, after checking ownership', async () => {
    const product = await createProduct(catalog, vendor);
    const bad = {
      name: '',
      price: { amount: 10_000_001, currency: 'USD' },
      tags: ['ÜBER'],
      categoryId: globalId('Category', randomUUID()),
    };
    const result = await update({ variables: { id: product.id, input: bad }, token: vendor.token });
    expect(fieldsOf(result)).toEqual([
      { field: 'input.name', message: 'must not be empty' },
      { field: 'input.price.amount', message: 'must be a whole number of minor units from 0 to 10000000' },
      { field: 'input.tags.0', message: 'may only contain a-z, 0-9 and "-"' },
      { field: 'input.categoryId', message: 'is not a category' },
    ]);
    expect(await updateCode({ variables: { id: product.id, input: bad }, token: otherVendor.token })).toBe('NOT_FOUND');
    // A currency outside CurrencyCode is refused by the schema itself.
    expect(
      await updateCode({
        variables: { id: product.id, input: { price: { amount: 1, currency: 'usd' } } },
        token: vendor.token,
      }),
    ).toBe('BAD_USER_INPUT');
  });

  it('answers CONFLICT for a rename onto a taken slug, and for an archived product', async () => {
    const taken = await createProduct(catalog, otherVendor);
    const product = await createProduct(catalog, vendor);
    const clash = await update({ variables: { id: product.id, input: { name: taken.name } }, token: vendor.token });
    expect(clash.errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'NAME_TAKEN',
      fields: [{ field: 'input.name', message: 'is taken by another product' }],
    });
    await catalog.client.data(ARCHIVE, { variables: { id: product.id }, token: vendor.token });
    const archived = await update({ variables: { id: product.id, input: { description: 'x' } }, token: vendor.token });
    expect(archived.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'PRODUCT_ARCHIVED' });
  });
});

describe('product(id), productBySlug(slug)', () => {
  let published: ProductShape;
  let draft: ProductShape;
  beforeAll(async () => {
    published = await publishedProduct(catalog, vendor);
    draft = await createProduct(catalog, vendor);
  });
  const lookup = (variables: { id: string } | { slug: string }, token?: string) =>
    catalog.client.request('id' in variables ? PRODUCT : BY_SLUG, { variables, token });

  it('finds a published product by id or by slug (any case), for anyone', async () => {
    for (const variables of [
      { id: published.id },
      { slug: published.slug },
      { slug: ` ${published.slug.toUpperCase()} ` },
    ]) {
      expect((await lookup(variables)).data?.product).toEqual(published);
    }
  });

  it.each<[string, boolean, () => string | undefined]>([
    ['anonymous', false, () => undefined],
    ['a customer', false, customer],
    ['another vendor', false, () => otherVendor.token],
    ['its vendor', true, () => vendor.token],
    ['an admin', true, admin],
  ])('shows a draft to %s: %s (else null, no error)', async (_who, visible, token) => {
    for (const variables of [{ id: draft.id }, { slug: draft.slug }]) {
      const result = await lookup(variables, token());
      if (visible) expect(result.data?.product).toEqual(draft);
      else expect(result).toMatchObject({ data: { product: null }, errors: undefined });
    }
  });

  it.each([
    { id: globalId('Product', randomUUID()) },
    { slug: 'nope' },
    { slug: "'; DROP TABLE products; --" },
    { slug: 'x'.repeat(5000) },
  ])('answers null, no error, for an unknown id or slug %#', async (variables) => {
    expect(await lookup(variables)).toMatchObject({ data: { product: null }, errors: undefined });
  });

  it.each(['not-a-uuid', "'; DROP TABLE products; --", 'x'.repeat(5000)])(
    'answers BAD_USER_INPUT for a malformed id %#',
    async (id) => {
      const result = await lookup({ id });
      expect(result.errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'id', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' }],
      });
    },
  );
});

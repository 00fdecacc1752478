import { randomUUID } from 'node:crypto';
import { queryRows } from '@marketplace/kit';
import { GraphQLErrorShape, outboxOf, TestSubgraph, uuidOf, globalId } from '@marketplace/kit/testing';
import type { ProductShape, TestVendor } from '../testing';
import {
  PRODUCT_FIELDS,
  addVendor,
  admin,
  createProduct,
  customer,
  productInput,
  startCatalogWithVendors,
  uniqueName,
} from '../testing';

/** createProduct: what a vendor's new draft holds, who may make one, and every input it refuses. */
let catalog: TestSubgraph;
let vendor: TestVendor;
let otherVendor: TestVendor;
beforeAll(async () => {
  ({ catalog, vendor, otherVendor } = await startCatalogWithVendors());
});
afterAll(() => catalog.close());

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { ${PRODUCT_FIELDS} } } }`;

const fieldsOf = (result: { errors?: GraphQLErrorShape[] }) => result.errors?.[0].extensions?.fields;

describe('createProduct', () => {
  it('creates a DRAFT of the signed-in vendor, revision 1, normalising tags', async () => {
    const name = uniqueName('Customer Support Assistant');
    const {
      createProduct: { product },
    } = await catalog.client.data<{ createProduct: { product: ProductShape } }>(CREATE, {
      variables: {
        input: productInput({
          name: `  ${name} `,
          tags: ['Support', 'support', 'help-desk', ' AI '],
          price: { amount: 4900, currency: 'EUR' },
        }),
      },
      token: vendor.token,
    });
    expect(product).toMatchObject({
      name,
      slug: name.toLowerCase().replace(/ /g, '-'),
      description: 'A test product that does useful things.',
      kind: 'AGENT',
      price: { amount: 4900, currency: 'EUR' },
      category: { slug: 'customer-support' },
      tags: ['support', 'help-desk', 'ai'],
      status: 'DRAFT',
      vendor: { id: vendor.id },
      rejectionReason: null,
      revision: 1,
      publishedAt: null,
    });
    expect(Date.parse(product.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await outboxOf(catalog, uuidOf(product.id))).toEqual([]); // drafts are nobody else's business
  });

  it('derives the slug from the name: lower case, accents dropped, punctuation as one dash', async () => {
    const suffix = randomUUID().slice(0, 8);
    const product = await createProduct(catalog, vendor, { name: `Café  Agent — Pro! ${suffix}` });
    expect(product.slug).toBe(`cafe-agent-pro-${suffix}`);
  });

  it.each<[string, Record<string, string>, () => string | undefined]>([
    ['anonymous', { code: 'UNAUTHENTICATED' }, () => undefined],
    ['a customer', { code: 'FORBIDDEN', reason: 'NOT_A_VENDOR' }, customer],
    ['an admin without a vendor', { code: 'FORBIDDEN', reason: 'NOT_A_VENDOR' }, admin],
  ])('refuses %s with %j', async (_who, extensions, token) => {
    const result = await catalog.client.request(CREATE, { variables: { input: productInput() }, token: token() });
    expect(result.errors?.[0].extensions).toEqual(extensions);
    expect(result.data).toEqual({ createProduct: null });
  });

  it('refuses a suspended vendor', async () => {
    const suspended = await addVendor(catalog, 'SUSPENDED');
    const result = await catalog.client.request(CREATE, {
      variables: { input: productInput() },
      token: suspended.token,
    });
    expect(result.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'VENDOR_SUSPENDED' });
    const [{ n }] = await queryRows(
      catalog.subgraph.deps.db,
      `SELECT count(*)::int AS n FROM products WHERE vendor_id = $1`,
      [suspended.vendorId],
    );
    expect(n).toBe(0);
  });

  it('lists every problem of the input at once', async () => {
    const result = await catalog.client.request(CREATE, {
      variables: {
        input: {
          name: ' ',
          description: 'x'.repeat(10_001),
          kind: 'TOOL',
          price: { amount: -1, currency: 'USD' },
          categoryId: globalId('Category', randomUUID()),
          tags: ['ok', 'Has Space', 'x'.repeat(33), '', 'under_score'],
        },
      },
      token: vendor.token,
    });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result)).toEqual([
      { field: 'input.name', message: 'must not be empty' },
      { field: 'input.description', message: 'must be at most 10000 characters' },
      { field: 'input.price.amount', message: 'must be a whole number of minor units from 0 to 10000000' },
      { field: 'input.tags.1', message: 'may only contain a-z, 0-9 and "-"' },
      { field: 'input.tags.2', message: 'must be 1 to 32 characters' },
      { field: 'input.tags.3', message: 'must be 1 to 32 characters' },
      { field: 'input.tags.4', message: 'may only contain a-z, 0-9 and "-"' },
      { field: 'input.categoryId', message: 'is not a category' },
    ]);
  });

  it.each<[string, Record<string, unknown>, { field: string; message: string }]>([
    [
      'a name over 120 characters',
      { name: 'n'.repeat(121) },
      { field: 'input.name', message: 'must be at most 120 characters' },
    ],
    [
      'a name without letters or digits',
      { name: '!!! ---' },
      { field: 'input.name', message: 'must contain a letter or a digit' },
    ],
    [
      'a name with control characters',
      { name: 'Bad\u0007Name' },
      { field: 'input.name', message: 'must not contain control characters' },
    ],
    [
      'a price over 10,000,000',
      { price: { amount: 10_000_001, currency: 'USD' } },
      { field: 'input.price.amount', message: 'must be a whole number of minor units from 0 to 10000000' },
    ],
    [
      'eleven tags',
      { tags: Array.from({ length: 11 }, (_, i) => `tag-${i}`) },
      { field: 'input.tags', message: 'must hold at most 10 tags' },
    ],
    [
      'a malformed category id',
      { categoryId: 'not-a-uuid' },
      { field: 'input.categoryId', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' },
    ],
    [
      'a category id of another type',
      { categoryId: globalId('Product', randomUUID()) },
      { field: 'input.categoryId', message: 'must be an id of type Category, not Product' },
    ],
    [
      'a bare category uuid',
      { categoryId: '00000000-0000-4000-8000-0000000c0101' },
      { field: 'input.categoryId', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' },
    ],
    [
      'an unknown category',
      { categoryId: globalId('Category', randomUUID()) },
      { field: 'input.categoryId', message: 'is not a category' },
    ],
  ])('refuses %s as BAD_USER_INPUT on that field', async (_label, overrides, problem) => {
    const result = await catalog.client.request(CREATE, {
      variables: { input: productInput(overrides) },
      token: vendor.token,
    });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result)).toEqual([problem]);
  });

  it.each(['XYZ', 'eur', 'USD '])(
    'refuses the currency %j before any resolver runs (CurrencyCode)',
    async (currency) => {
      const result = await catalog.client.request(CREATE, {
        variables: { input: productInput({ price: { amount: 100, currency } }) },
        token: vendor.token,
      });
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    },
  );

  it('accepts the limits: 120-character name, 10,000-character description, 0 and 10,000,000, ten 32-character tags', async () => {
    const tags = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(32, 'x'));
    for (const amount of [0, 10_000_000]) {
      const name = `${randomUUID()}`.padEnd(120, 'n');
      const product = await createProduct(catalog, vendor, {
        name,
        description: 'd'.repeat(10_000),
        price: { amount, currency: 'GBP' },
        tags,
      });
      expect(product).toMatchObject({ name, price: { amount, currency: 'GBP' }, tags });
    }
  });

  it('refuses a name whose slug is taken with CONFLICT on input.name', async () => {
    const name = uniqueName('Duplicate');
    await createProduct(catalog, vendor, { name });
    for (const [who, clash] of [
      [vendor, name],
      [otherVendor, name.toUpperCase().replace(/ /g, '  -  ')],
    ] as const) {
      const result = await catalog.client.request(CREATE, {
        variables: { input: productInput({ name: clash }) },
        token: who.token,
      });
      expect(result.errors?.[0].extensions).toEqual({
        code: 'CONFLICT',
        reason: 'NAME_TAKEN',
        fields: [{ field: 'input.name', message: 'is taken by another product' }],
      });
    }
  });

  it('lets exactly one of many concurrent creations with one name win', async () => {
    const name = uniqueName('Race');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        catalog.client.request(CREATE, {
          variables: { input: productInput({ name }) },
          token: (i % 2 ? vendor : otherVendor).token,
        }),
      ),
    );
    expect(results.filter((r) => r.data?.createProduct).length).toBe(1);
    expect(results.filter((r) => r.errors?.[0].extensions?.code === 'CONFLICT').length).toBe(7);
    const [{ n }] = await queryRows(
      catalog.subgraph.deps.db,
      `SELECT count(*)::int AS n FROM products WHERE name = $1`,
      [name],
    );
    expect(n).toBe(1);
  });
});

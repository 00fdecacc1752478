import { randomUUID } from 'node:crypto';
import { queryRows } from '@marketplace/kit';
import { TestSubgraph, globalId, outboxOf, sqlDuring, tokenFor, uuidOf } from '@marketplace/kit/testing';
import {
  ARCHIVE_PRODUCT,
  TestVendor,
  addVendor,
  admin,
  createProduct,
  customer,
  publishedProduct,
  setVendorStatus,
  startCatalog,
} from '../testing';

/** setProductFeatured, featuredProducts and Product.featured. */
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const SET = `mutation($productId: ID!, $featured: Boolean!) {
  setProductFeatured(input: { productId: $productId, featured: $featured }) { product { id featured } } }`;
const FEATURED = `query($first: Int, $after: String) { featuredProducts(first: $first, after: $after) {
  totalCount edges { cursor node { id featured status } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;

/** `token` null: anonymous. */
const setFeatured = (productId: string, featured: boolean, token: string | null = admin()) =>
  catalog.client.request(SET, { variables: { productId, featured }, token: token ?? undefined });
const FEATURED_IDS = `{ featuredProducts(first: 100) { edges { node { id } } } }`;
const featuredIds = async (token?: string) =>
  ((await catalog.client.data(FEATURED_IDS, { token })).featuredProducts.edges as { node: { id: string } }[]).map(
    (edge) => edge.node.id,
  );
const auditOf = async (productId: string) =>
  (await outboxOf(catalog, uuidOf(productId)))
    .filter((envelope) => envelope.type === 'audit.recorded')
    .map((envelope) => envelope.payload)
    .filter((payload) => ['PRODUCT_FEATURED', 'PRODUCT_UNFEATURED'].includes(String(payload.action)));
const rowsOf = (productId: string) =>
  queryRows(catalog.subgraph.deps.db, `SELECT product_id FROM featured_products WHERE product_id = $1`, [
    uuidOf(productId),
  ]);

describe('setProductFeatured', () => {
  it('features a storefront product and takes it out again, each change in the audit trail; a repeat records nothing', async () => {
    const product = await publishedProduct(catalog, vendor);
    const adminToken = admin();
    expect((await setFeatured(product.id, true, adminToken)).data).toEqual({
      setProductFeatured: { product: { id: product.id, featured: true } },
    });
    expect(await featuredIds()).toContain(product.id);
    expect((await setFeatured(product.id, true)).data?.setProductFeatured.product.featured).toBe(true);
    expect((await setFeatured(product.id, false)).data?.setProductFeatured.product.featured).toBe(false);
    expect((await setFeatured(product.id, false)).data?.setProductFeatured.product.featured).toBe(false);
    expect(await featuredIds()).not.toContain(product.id);
    expect(await auditOf(product.id)).toEqual([
      expect.objectContaining({
        action: 'PRODUCT_FEATURED',
        targetType: 'Product',
        targetId: uuidOf(product.id),
        before: { featured: false },
        after: { featured: true },
        actor: expect.objectContaining({ kind: 'USER', role: 'ADMIN' }),
      }),
      expect.objectContaining({ action: 'PRODUCT_UNFEATURED', before: { featured: true }, after: { featured: false } }),
    ]);
  });

  it.each<[string, () => string | undefined, string]>([
    ['anonymous callers', () => undefined, 'UNAUTHENTICATED'],
    ['customers', () => customer(), 'FORBIDDEN'],
    ["the product's own vendor", () => vendor.token, 'FORBIDDEN'],
    ['another vendor', () => tokenFor(randomUUID(), 'VENDOR'), 'FORBIDDEN'],
  ])('refuses %s, changing nothing', async (_who, token, code) => {
    const product = await publishedProduct(catalog, vendor);
    for (const featured of [true, false]) {
      const answer = await setFeatured(product.id, featured, token() ?? null);
      expect(answer.data?.setProductFeatured).toBeNull();
      expect(answer.errors?.[0].extensions?.code).toBe(code);
    }
    expect(await rowsOf(product.id)).toEqual([]);
    expect(await auditOf(product.id)).toEqual([]);
  });

  it('answers BAD_USER_INPUT for a malformed id, NOT_FOUND for a missing product, CONFLICT for one not in the storefront', async () => {
    const malformed = await setFeatured('Product:nope', true);
    expect(malformed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const wrongType = await setFeatured(globalId('Review', randomUUID()), true);
    expect(wrongType.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const missing = await setFeatured(globalId('Product', randomUUID()), true);
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });

    const draft = await createProduct(catalog, vendor);
    const archived = await publishedProduct(catalog, vendor);
    await catalog.client.data(ARCHIVE_PRODUCT, { variables: { productId: archived.id }, token: vendor.token });
    for (const product of [draft, archived]) {
      const answer = await setFeatured(product.id, true);
      expect(answer.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PRODUCT_UNAVAILABLE' });
      // Taking out what is not featured is fine: nothing to do.
      expect((await setFeatured(product.id, false)).data?.setProductFeatured.product.featured).toBe(false);
      expect(await rowsOf(product.id)).toEqual([]);
    }
  });

  it('applies two admins featuring the same product at once one after the other: one row, one audit record', async () => {
    const product = await publishedProduct(catalog, vendor);
    const answers = await Promise.all([setFeatured(product.id, true), setFeatured(product.id, true)]);
    for (const answer of answers) expect(answer.data?.setProductFeatured.product.featured).toBe(true);
    expect(await rowsOf(product.id)).toHaveLength(1);
    expect((await auditOf(product.id)).map((record) => record.action)).toEqual(['PRODUCT_FEATURED']);
  });

  it('ends a race of feature and unfeature in the state the last audit record says', async () => {
    const product = await publishedProduct(catalog, vendor);
    await setFeatured(product.id, true);
    await Promise.all([setFeatured(product.id, false), setFeatured(product.id, true), setFeatured(product.id, false)]);
    const trail = (await auditOf(product.id)).map((record) => record.after as { featured: boolean });
    // Every record changes the state the previous one left.
    trail.forEach((after, i) => i > 0 && expect(after.featured).toBe(!trail[i - 1].featured));
    expect((await rowsOf(product.id)).length === 1).toBe(trail.at(-1)!.featured);
  });
});

describe('featuredProducts', () => {
  it('lists storefront products newest featured first, keyset paged; Product.featured says the flag', async () => {
    const products: { id: string }[] = [];
    for (let i = 0; i < 3; i += 1) products.push(await publishedProduct(catalog, vendor));
    for (const product of products) await setFeatured(product.id, true);
    const all = await featuredIds();
    const mine = all.filter((id) => products.some((product) => product.id === id));
    expect(mine).toEqual(products.map((product) => product.id).reverse());
    // Newest featured first: these three are the latest.
    expect(all.slice(0, 3)).toEqual(mine);

    const first = (await catalog.client.data(FEATURED, { variables: { first: 2 } })).featuredProducts;
    expect(first.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(all.slice(0, 2));
    expect(first.pageInfo).toMatchObject({ hasNextPage: all.length > 2, hasPreviousPage: false });
    expect(first.totalCount).toBe(all.length);
    const second = (await catalog.client.data(FEATURED, { variables: { first: 2, after: first.pageInfo.endCursor } }))
      .featuredProducts;
    expect(second.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(all.slice(2, 4));
    for (const edge of [...first.edges, ...second.edges])
      expect(edge.node).toMatchObject({ featured: true, status: 'PUBLISHED' });

    const bad = await catalog.client.request(FEATURED, { variables: { first: 2, after: 'not-a-cursor' } });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const tooMany = await catalog.client.request(FEATURED, { variables: { first: 101 } });
    expect(tooMany.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('leaves out a featured product while its vendor is suspended and once it is archived; `featured` stays true', async () => {
    const other = await addVendor(catalog);
    const product = await publishedProduct(catalog, other);
    await setFeatured(product.id, true);
    expect(await featuredIds()).toContain(product.id);

    await setVendorStatus(catalog, other.vendorId, 'SUSPENDED');
    expect(await featuredIds()).not.toContain(product.id);
    await setVendorStatus(catalog, other.vendorId, 'ACTIVE');
    expect(await featuredIds()).toContain(product.id);

    await catalog.client.data(ARCHIVE_PRODUCT, { variables: { productId: product.id }, token: other.token });
    expect(await featuredIds()).not.toContain(product.id);
    expect(await featuredIds(admin())).not.toContain(product.id);
    const { product: seen } = await catalog.client.data(`query($id: ID!) { product(id: $id) { featured } }`, {
      variables: { id: product.id },
      token: other.token,
    });
    expect(seen).toEqual({ featured: true });
  });

  it('answers anonymous readers from the storefront cache, and a change of the flag shows on the next read', async () => {
    const product = await publishedProduct(catalog, vendor);
    await featuredIds();
    const cached = await sqlDuring(catalog, () => featuredIds());
    expect(cached.statements.filter((sql) => /featured_products/.test(sql))).toEqual([]);

    await setFeatured(product.id, true);
    expect((await featuredIds())[0]).toBe(product.id);
    await setFeatured(product.id, false);
    expect(await featuredIds()).not.toContain(product.id);
  });
});

import { randomUUID } from 'node:crypto';
import { PUBLIC_DATA_MAX_AGE_SECONDS } from '@marketplace/kit';
import { sqlDuring, TestSubgraph, globalId, uuidOf } from '@marketplace/kit/testing';
import {
  ProductShape,
  TestVendor,
  addVendor,
  admin,
  createProduct,
  customer,
  publishedProduct,
  setVendorStatus,
  startCatalog,
} from '../testing';

/** Entities other subgraphs point at: products (order lines, licenses) and the products of a vendor. */
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const PRODUCTS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name status price { amount currency } } } }`;
const VENDORS = `query($r: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $r) {
    ... on Vendor { id products(first: $first, after: $after) { totalCount edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }
  }
}`;
const ARCHIVE = `mutation($id: ID!) { archiveProduct(input: { productId: $id }) { product { id } } }`;

/** Statements that read products (the outbox relay may poll meanwhile). */
const productSql = (statements: string[]) => statements.filter((sql) => /\bproducts\b/.test(sql));

describe('Product references', () => {
  it('resolves many representations, unknown and malformed ones as null, in one SQL statement', async () => {
    const products = await Promise.all(Array.from({ length: 6 }, () => publishedProduct(catalog, vendor)));
    const ids = [
      products[0].id,
      globalId('Product', randomUUID()),
      uuidOf(products[1].id), // a bare uuid is no id the API answered
      globalId('Order', uuidOf(products[2].id)), // nor one of another type
      'not-a-uuid',
      '',
      products[1].id,
      ...products.slice(2).map((p) => p.id),
      products[0].id,
      "'; DROP TABLE products; --",
    ];
    const { result, statements } = await sqlDuring(catalog, () =>
      catalog.client.data(PRODUCTS, { variables: { r: ids.map((id) => ({ __typename: 'Product', id })) } }),
    );
    expect(result._entities).toEqual(
      ids.map((id) => {
        const product = products.find((p) => p.id === id);
        return product ? { id, name: product.name, status: 'PUBLISHED', price: product.price } : null;
      }),
    );
    expect(productSql(statements)).toHaveLength(1);
    expect(statements.filter((sql) => !/outbox/.test(sql))).toHaveLength(1);
  });

  it('keeps drafts private but still resolves archived products and those of a suspended vendor (order history)', async () => {
    const seller = await addVendor(catalog);
    const draft = await createProduct(catalog, seller);
    const archived = await publishedProduct(catalog, seller);
    await catalog.client.data(ARCHIVE, { variables: { id: archived.id }, token: seller.token });
    const live = await publishedProduct(catalog, seller);
    await setVendorStatus(catalog, seller.vendorId, 'SUSPENDED');
    const r = [draft, archived, live].map((p) => ({ __typename: 'Product', id: p.id }));
    const statusOf = async (token?: string) =>
      (await catalog.client.data(PRODUCTS, { variables: { r }, token }))._entities.map(
        (e: ProductShape | null) => e?.status ?? null,
      );
    expect(await statusOf()).toEqual([null, 'ARCHIVED', 'PUBLISHED']);
    expect(await statusOf(customer())).toEqual([null, 'ARCHIVED', 'PUBLISHED']);
    expect(await statusOf(seller.token)).toEqual(['DRAFT', 'ARCHIVED', 'PUBLISHED']);
    expect(await statusOf(admin())).toEqual(['DRAFT', 'ARCHIVED', 'PUBLISHED']);
  });
});

describe('cache policy of entity answers (what gateways may share across viewers)', () => {
  const cacheControlOf = async (query: string, r: unknown[], token?: string) =>
    (await catalog.client.request(query, { variables: { r }, token })).headers.get('cache-control');
  const PUBLIC = `max-age=${PUBLIC_DATA_MAX_AGE_SECONDS}, public`;

  it('declares published products, their category, vendor key and price public, for every viewer', async () => {
    const product = await publishedProduct(catalog, vendor);
    const r = [{ __typename: 'Product', id: product.id }];
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name rating price { amount currency } category { name parent { name } } vendor { id } } } }`;
    for (const token of [undefined, customer(), vendor.token, admin()])
      expect(await cacheControlOf(query, r, token)).toBe(PUBLIC);
  });

  it("never shares an answer who asks shaped: a draft (null or the vendor's own), a rejection reason, an unknown id", async () => {
    const draft = await createProduct(catalog, vendor);
    const published = await publishedProduct(catalog, vendor);
    for (const token of [undefined, customer(), vendor.token, admin()]) {
      expect(await cacheControlOf(PRODUCTS, [{ __typename: 'Product', id: draft.id }], token)).toBe('no-store');
      expect(
        await cacheControlOf(
          PRODUCTS,
          [
            { __typename: 'Product', id: published.id },
            { __typename: 'Product', id: draft.id },
          ],
          token,
        ),
      ).toBe('no-store');
      expect(
        await cacheControlOf(PRODUCTS, [{ __typename: 'Product', id: globalId('Product', randomUUID()) }], token),
      ).toBe('no-store');
      const withReason = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id rejectionReason } } }`;
      expect(await cacheControlOf(withReason, [{ __typename: 'Product', id: published.id }], token)).toBe('no-store');
    }
  });

  it("never shares what is not declared: a vendor's product list, artifacts, root fields, writes", async () => {
    const product = await publishedProduct(catalog, vendor);
    expect(await cacheControlOf(VENDORS, [{ __typename: 'Vendor', id: vendor.id }])).toBe('no-store');
    expect(
      await cacheControlOf(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { artifact { sha256 } } } }`,
        [{ __typename: 'Product', id: product.id }],
      ),
    ).toBe('no-store');
    const root = await catalog.client.request(`query($id: ID!) { product(id: $id) { id name } }`, {
      variables: { id: product.id },
    });
    expect(root.headers.get('cache-control')).toBe('no-store');
    const write = await catalog.client.request(ARCHIVE, { variables: { id: product.id }, token: vendor.token });
    expect(write.headers.get('cache-control')).toBe('no-store');
  });
});

describe('Vendor.products', () => {
  let seller: TestVendor;
  let published: ProductShape[];
  let draft: ProductShape;
  beforeAll(async () => {
    seller = await addVendor(catalog);
    published = [];
    for (let i = 0; i < 5; i += 1) published.push(await publishedProduct(catalog, seller));
    draft = await createProduct(catalog, seller);
  });

  const productsOf = async (vendorId: string, token?: string, first = 20, after?: string) => {
    const { _entities } = await catalog.client.data(VENDORS, {
      variables: { r: [{ __typename: 'Vendor', id: vendorId }], first, after },
      token,
    });
    return _entities[0]?.products ?? null;
  };

  it('shows the public the published products, newest first', async () => {
    const page = await productsOf(seller.id, customer());
    expect(page.totalCount).toBe(5);
    expect(page.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(published.map((p) => p.id).reverse());
  });

  it('shows the vendor and admins everything, drafts included', async () => {
    for (const token of [seller.token, admin()]) {
      const page = await productsOf(seller.id, token);
      expect(page.totalCount).toBe(6);
      expect(page.edges[0].node).toEqual({ id: draft.id, status: 'DRAFT' });
    }
  });

  it('pages through every product exactly once', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await productsOf(seller.id, seller.token, 4, after);
      expect(page.totalCount).toBe(6);
      seen.push(...page.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([draft.id, ...published.map((p) => p.id).reverse()]);
  });

  it('shows the public nothing while the vendor is suspended', async () => {
    const suspended = await addVendor(catalog);
    await publishedProduct(catalog, suspended);
    await setVendorStatus(catalog, suspended.vendorId, 'SUSPENDED');
    expect((await productsOf(suspended.id)).totalCount).toBe(0);
    expect((await productsOf(suspended.id, suspended.token)).totalCount).toBe(1);
  });

  it('is empty for an unknown or malformed vendor id, and refuses a forged cursor', async () => {
    expect(await productsOf(globalId('Vendor', randomUUID()))).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    // A malformed id or one of another type matches no vendor: null.
    expect(await productsOf('not-a-uuid')).toBeNull();
    expect(await productsOf(globalId('Product', uuidOf(seller.id)))).toBeNull();
    const forged = await catalog.client.request(VENDORS, {
      variables: { r: [{ __typename: 'Vendor', id: seller.id }], after: 'bm9wZQ' },
    });
    expect(forged.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('loads the products of many vendors in one SQL statement', async () => {
    const others = await Promise.all(Array.from({ length: 3 }, () => addVendor(catalog)));
    for (const other of others) await publishedProduct(catalog, other);
    const r = [seller, ...others, seller].map((v) => ({ __typename: 'Vendor', id: v.id }));
    const { result, statements } = await sqlDuring(catalog, () =>
      catalog.client.data(VENDORS, { variables: { r, first: 2 } }),
    );
    expect(result._entities.map((e: { products: { totalCount: number } }) => e.products.totalCount)).toEqual([
      5, 1, 1, 1, 5,
    ]);
    expect(result._entities[0].products.edges).toHaveLength(2);
    expect(result._entities[0].products.pageInfo.hasNextPage).toBe(true);
    expect(productSql(statements)).toHaveLength(1);
  });
});

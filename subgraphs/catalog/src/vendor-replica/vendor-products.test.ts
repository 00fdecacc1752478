import { randomUUID } from 'node:crypto';
import { TestSubgraph, sqlDuring } from '@marketplace/kit/testing';
import {
  ARCHIVE_PRODUCT,
  REJECT_PRODUCT,
  SUBMIT_PRODUCT,
  TestVendor,
  addVendor,
  admin,
  createProduct,
  customer,
  publishedProduct,
  startCatalog,
} from '../testing';

/** Vendor.products(filter: { status }, sort): who sees which statuses, in which order. */
let catalog: TestSubgraph;
let seller: TestVendor;
let otherVendor: TestVendor;
/** One product of each status, by status. */
const byStatus: Record<string, { id: string; price: { amount: number; currency: string } }> = {};
beforeAll(async () => {
  catalog = await startCatalog();
  seller = await addVendor(catalog);
  otherVendor = await addVendor(catalog);
  byStatus.PUBLISHED = await publishedProduct(catalog, seller, { price: { amount: 3000, currency: 'USD' } });
  byStatus.DRAFT = await createProduct(catalog, seller, { price: { amount: 100, currency: 'EUR' } });
  byStatus.IN_REVIEW = await createProduct(catalog, seller, { price: { amount: 2000, currency: 'USD' } });
  await catalog.client.data(SUBMIT_PRODUCT, { variables: { productId: byStatus.IN_REVIEW.id }, token: seller.token });
  byStatus.REJECTED = await createProduct(catalog, seller, { price: { amount: 500, currency: 'GBP' } });
  await catalog.client.data(SUBMIT_PRODUCT, { variables: { productId: byStatus.REJECTED.id }, token: seller.token });
  await catalog.client.data(REJECT_PRODUCT, {
    variables: { productId: byStatus.REJECTED.id, reason: 'Needs work' },
    token: admin(),
  });
  byStatus.ARCHIVED = await publishedProduct(catalog, seller, { price: { amount: 1000, currency: 'USD' } });
  await catalog.client.data(ARCHIVE_PRODUCT, { variables: { productId: byStatus.ARCHIVED.id }, token: seller.token });
});
afterAll(() => catalog.close());

const VENDOR_PRODUCTS = `query($r: [_Any!]!, $filter: VendorProductFilter, $sort: ProductSort, $first: Int, $after: String) {
  _entities(representations: $r) {
    ... on Vendor { products(filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount edges { node { id status price { amount currency } } } pageInfo { hasNextPage endCursor }
    } }
  }
}`;
type Page = {
  totalCount: number;
  edges: { node: { id: string; status: string; price: { amount: number; currency: string } } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
};

async function productsOf(variables: Record<string, unknown>, token?: string, vendorId = seller.id): Promise<Page> {
  const { _entities } = await catalog.client.data(VENDOR_PRODUCTS, {
    variables: { r: [{ __typename: 'Vendor', id: vendorId }], ...variables },
    token,
  });
  return _entities[0].products;
}
const statusesOf = (page: Page) => page.edges.map((edge) => edge.node.status).sort();
const ALL = ['ARCHIVED', 'DRAFT', 'IN_REVIEW', 'PUBLISHED', 'REJECTED'];

describe('who sees which statuses', () => {
  const viewers: [string, () => string | undefined, boolean][] = [
    ['anonymous', () => undefined, false],
    ['a customer', customer, false],
    ['another vendor', () => otherVendor.token, false],
    ['the vendor', () => seller.token, true],
    ['an admin', admin, true],
  ];

  it.each(viewers)('%s without a filter', async (_who, token, privileged) => {
    const page = await productsOf({}, token());
    expect(statusesOf(page)).toEqual(privileged ? ALL : ['PUBLISHED']);
    expect(page.totalCount).toBe(privileged ? 5 : 1);
  });

  it.each(viewers)('%s filtering on drafts, in review and rejected', async (_who, token, privileged) => {
    const page = await productsOf({ filter: { status: ['DRAFT', 'IN_REVIEW', 'REJECTED'] } }, token());
    // For anyone but the vendor and admins the filter only narrows the published products: here to none.
    expect(statusesOf(page)).toEqual(privileged ? ['DRAFT', 'IN_REVIEW', 'REJECTED'] : []);
    expect(page.totalCount).toBe(privileged ? 3 : 0);
  });

  it.each(viewers)('%s filtering on PUBLISHED and DRAFT', async (_who, token, privileged) => {
    const page = await productsOf({ filter: { status: ['PUBLISHED', 'DRAFT'] } }, token());
    expect(statusesOf(page)).toEqual(privileged ? ['DRAFT', 'PUBLISHED'] : ['PUBLISHED']);
  });

  it('a null status list means no filter; an empty one matches nothing', async () => {
    expect((await productsOf({ filter: { status: null } }, seller.token)).totalCount).toBe(5);
    expect((await productsOf({ filter: { status: [] } }, seller.token)).totalCount).toBe(0);
  });

  it('refuses a status that is not a ProductStatus', async () => {
    expect(
      await catalog.client.errorCode(VENDOR_PRODUCTS, {
        variables: { r: [{ __typename: 'Vendor', id: seller.id }], filter: { status: ['SECRET'] } },
        token: seller.token,
      }),
    ).toBe('BAD_USER_INPUT');
  });
});

describe('sorts', () => {
  const ids = (page: Page) => page.edges.map((edge) => edge.node.id);

  it('NEWEST (the default, and RELEVANCE) is most recently created first, drafts included', async () => {
    const created = ['PUBLISHED', 'DRAFT', 'IN_REVIEW', 'REJECTED', 'ARCHIVED'].map((s) => byStatus[s].id).reverse();
    for (const sort of [undefined, 'NEWEST', 'RELEVANCE'])
      expect(ids(await productsOf(sort ? { sort } : {}, seller.token))).toEqual(created);
  });

  it('PRICE_ASC and PRICE_DESC group currencies, then order amounts', async () => {
    const asc = (await productsOf({ sort: 'PRICE_ASC' }, seller.token)).edges.map((edge) => edge.node.price);
    expect(asc).toEqual([
      { amount: 100, currency: 'EUR' },
      { amount: 500, currency: 'GBP' },
      { amount: 1000, currency: 'USD' },
      { amount: 2000, currency: 'USD' },
      { amount: 3000, currency: 'USD' },
    ]);
    const desc = (await productsOf({ sort: 'PRICE_DESC' }, seller.token)).edges.map((edge) => edge.node.price);
    expect(desc).toEqual([...asc].reverse());
  });

  it.each(['NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'RATING', 'BEST_SELLING'])(
    '%s pages through every product exactly once, in the order of the whole list',
    async (sort) => {
      const whole = ids(await productsOf({ sort }, admin()));
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 10; pages += 1) {
        const page: Page = await productsOf({ sort, first: 2, after }, admin());
        expect(page.totalCount).toBe(5);
        seen.push(...ids(page));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual(whole);
    },
  );

  it('refuses a cursor of another sort, or a forged one, as BAD_USER_INPUT', async () => {
    const first = await productsOf({ sort: 'PRICE_ASC', first: 1 }, seller.token);
    const encode = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
    for (const [sort, after] of [
      ['NEWEST', first.pageInfo.endCursor],
      ['PRICE_ASC', encode(['VENDOR', 'PRICE_ASC', 'usd', 1, randomUUID()])],
      ['PRICE_ASC', encode(['VENDOR', new Date().toISOString(), randomUUID()])],
      ['NEWEST', 'garbage'],
    ])
      expect(
        await catalog.client.errorCode(VENDOR_PRODUCTS, {
          variables: { r: [{ __typename: 'Vendor', id: seller.id }], sort, after },
          token: seller.token,
        }),
      ).toBe('BAD_USER_INPUT');
  });

  it('loads many vendors with one filter and sort in one statement', async () => {
    const r = [seller, otherVendor, seller].map((v) => ({ __typename: 'Vendor', id: v.id }));
    const { result, statements } = await sqlDuring(catalog, () =>
      catalog.client.data(VENDOR_PRODUCTS, {
        variables: { r, sort: 'PRICE_ASC', filter: { status: ['DRAFT', 'PUBLISHED'] } },
        token: admin(),
      }),
    );
    expect(result._entities.map((e: { products: Page }) => e.products.totalCount)).toEqual([2, 0, 2]);
    expect(statements.filter((sql) => /\bproducts\b/.test(sql))).toHaveLength(1);
  });
});

import { TestSubgraph, globalId } from '@marketplace/kit/testing';
import type { SearchPage, TestVendor } from '../testing';
import {
  CATEGORY_IDS,
  PRODUCT_SEARCH,
  STOREFRONT,
  addVendor,
  admin,
  createProduct,
  expectedIds,
  idsOf,
  publishedProduct,
  searchAll,
  searchPage,
  setVendorStatus,
  startSearchCatalog,
} from '../testing';

/** The storefront's filters, its sort orders and its pages, each checked against the tables. */
let catalog: TestSubgraph;
let vendor: TestVendor;
/** Products priced in EUR and GBP beside the demo data's USD ones, at amounts overlapping theirs. */
const foreign: { id: string; price: { amount: number; currency: string } }[] = [];
beforeAll(async () => {
  ({ catalog, vendor } = await startSearchCatalog());
  for (const [amount, currency] of [
    [999, 'EUR'],
    [1500, 'EUR'],
    [2500, 'EUR'],
    [1500, 'GBP'],
    [0, 'GBP'],
  ] as const)
    foreign.push(await publishedProduct(catalog, vendor, { price: { amount, currency }, tags: ['foreign'] }));
});
afterAll(() => catalog.close());

const usd = (amount: number) => ({ amount, currency: 'USD' });
const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('filters', () => {
  it('categorySlug includes the sub-categories', async () => {
    const agents = await searchAll(catalog, { filter: { categorySlug: 'agents' } });
    expect(new Set(agents.map((n) => n.category.slug))).toEqual(new Set(['customer-support', 'coding', 'research']));
    expect(idsOf(agents).sort()).toEqual(
      (
        await expectedIds(
          catalog,
          `SELECT p.id ${STOREFRONT} AND p.category_id IN (SELECT id FROM categories WHERE $1 IN (id, parent_id))`,
          [CATEGORY_IDS.agents],
        )
      ).sort(),
    );
    const coding = await searchAll(catalog, { filter: { categorySlug: 'coding' } });
    expect(coding.length).toBeGreaterThan(0);
    coding.forEach((n) => expect(n.category.slug).toBe('coding'));
    expect((await searchPage(catalog, { filter: { categorySlug: 'no-such-category' } })).totalCount).toBe(0);
  });

  it('kind, price range, tags and vendor each narrow the list, and combine', async () => {
    const tools = await searchAll(catalog, { filter: { kind: 'TOOL' } });
    expect(tools.length).toBe((await expectedIds(catalog, `SELECT p.id ${STOREFRONT} AND p.kind = 'TOOL'`)).length);
    tools.forEach((n) => expect(n.kind).toBe('TOOL'));

    const priced = await searchAll(catalog, { filter: { minPrice: usd(1000), maxPrice: usd(4900) } });
    expect(priced.length).toBe(
      (
        await expectedIds(
          catalog,
          `SELECT p.id ${STOREFRONT} AND p.price_currency = 'USD' AND p.price_amount BETWEEN 1000 AND 4900`,
        )
      ).length,
    );
    priced.forEach((n) =>
      expect(n.price.currency === 'USD' && n.price.amount >= 1000 && n.price.amount <= 4900).toBe(true),
    );
    expect(
      (await searchAll(catalog, { filter: { minPrice: usd(0), maxPrice: usd(0) } })).every(
        (n) => n.price.amount === 0 && n.price.currency === 'USD',
      ),
    ).toBe(true);

    const tagged = await searchAll(catalog, { filter: { tags: ['CRM', 'hubspot'] } });
    expect(tagged.length).toBeGreaterThan(0);
    tagged.forEach((n) => expect(n.tags).toEqual(expect.arrayContaining(['crm', 'hubspot'])));

    const mine = await publishedProduct(catalog, vendor, {
      kind: 'TOOL',
      categoryId: globalId('Category', CATEGORY_IDS.developerTools),
      price: { amount: 1234, currency: 'USD' },
      tags: ['cli'],
    });
    expect(
      idsOf(
        await searchAll(catalog, {
          filter: {
            vendorId: vendor.id,
            kind: 'TOOL',
            categorySlug: 'tools',
            minPrice: usd(1234),
            maxPrice: usd(1234),
            currency: 'USD',
            tags: ['cli'],
          },
        }),
      ),
    ).toEqual([mine.id]);
    expect((await searchAll(catalog, { filter: { vendorId: vendor.id, kind: 'AGENT', tags: ['cli'] } })).length).toBe(
      0,
    );
  });

  it('combines a search with filters', async () => {
    const result = await searchAll(catalog, {
      filter: { search: 'assistant', categorySlug: 'customer-support', maxPrice: usd(2000) },
    });
    expect(result.length).toBeGreaterThan(0);
    result.forEach((n) =>
      expect([n.category.slug, /assistant/i.test(n.name), n.price.amount <= 2000]).toEqual([
        'customer-support',
        true,
        true,
      ]),
    );
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['minPrice above maxPrice', { minPrice: usd(500), maxPrice: usd(100) }, ['filter.maxPrice.amount']],
    ['a negative price', { minPrice: usd(-1) }, ['filter.minPrice.amount']],
    ['bounds in two currencies', { minPrice: usd(100), maxPrice: eur(500) }, ['filter.maxPrice.currency']],
    [
      'a bound in another currency than `currency`',
      { currency: 'GBP', minPrice: usd(1) },
      ['filter.minPrice.currency'],
    ],
    [
      'both bounds in another currency than `currency`',
      { currency: 'GBP', minPrice: eur(1), maxPrice: eur(2) },
      ['filter.minPrice.currency', 'filter.maxPrice.currency'],
    ],
    ['a malformed vendor id', { vendorId: 'vendor-1' }, ['filter.vendorId']],
    ['a bare vendor uuid', { vendorId: '00000000-0000-4000-8000-00000000a001' }, ['filter.vendorId']],
    ['a vendor id of another type', { vendorId: 'Product:00000000-0000-4000-8000-00000000a001' }, ['filter.vendorId']],
    ['a malformed tag', { tags: ['not a tag'] }, ['filter.tags.0']],
  ])('refuses %s as BAD_USER_INPUT', async (_label, filter, fields) => {
    const result = await catalog.client.request(PRODUCT_SEARCH, { variables: { filter } });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((result.errors?.[0].extensions?.fields as { field: string }[]).map((f) => f.field)).toEqual(fields);
  });

  it('shows only published products of active vendors, to everyone (admins included)', async () => {
    const word = `hidden${Date.now().toString(36)}`;
    const seller = await addVendor(catalog);
    const draft = await createProduct(catalog, seller, { name: `${word} draft` });
    const live = await publishedProduct(catalog, seller, { name: `${word} live` });
    const archived = await publishedProduct(catalog, seller, { name: `${word} gone` });
    await catalog.client.data(`mutation($id: ID!) { archiveProduct(input: { productId: $id }) { product { id } } }`, {
      variables: { id: archived.id },
      token: seller.token,
    });
    for (const token of [undefined, seller.token, admin()])
      expect(idsOf((await searchPage(catalog, { filter: { search: word } }, token)).edges.map((e) => e.node))).toEqual([
        live.id,
      ]);
    expect(draft.status).toBe('DRAFT');

    await setVendorStatus(catalog, seller.vendorId, 'SUSPENDED');
    expect((await searchPage(catalog, { filter: { search: word } })).totalCount).toBe(0);
    expect((await searchPage(catalog, { filter: { vendorId: seller.id } })).totalCount).toBe(0);
    await setVendorStatus(catalog, seller.vendorId, 'ACTIVE');
    expect((await searchPage(catalog, { filter: { search: word } })).totalCount).toBe(1);
  });
});

describe('two currencies', () => {
  it('currency, or a bound, keeps only products priced in that currency', async () => {
    const euro = foreign.filter((p) => p.price.currency === 'EUR');
    for (const filter of [{ currency: 'EUR' }, { minPrice: eur(0) }, { currency: 'EUR', maxPrice: eur(10_000_000) }])
      expect(idsOf(await searchAll(catalog, { filter, sort: 'PRICE_ASC' }))).toEqual(euro.map((p) => p.id));
    expect(idsOf(await searchAll(catalog, { filter: { minPrice: eur(1000), maxPrice: eur(2000) } }))).toEqual([
      euro[1].id,
    ]);
    // 1500 USD-cents products exist too; a EUR bound never lists them.
    const atFifteen = await searchAll(catalog, { filter: { minPrice: eur(1500), maxPrice: eur(1500) } });
    expect(atFifteen.map((n) => n.price)).toEqual([{ amount: 1500, currency: 'EUR' }]);
  });

  it.each(['PRICE_ASC', 'PRICE_DESC'])('%s groups currencies and never interleaves them', async (sort) => {
    const nodes = await searchAll(catalog, { sort }, 50);
    const runs = nodes.map((n) => n.price.currency).filter((currency, i, all) => currency !== all[i - 1]);
    expect(runs).toEqual(sort === 'PRICE_ASC' ? ['EUR', 'GBP', 'USD'] : ['USD', 'GBP', 'EUR']);
    for (let i = 1; i < nodes.length; i += 1) {
      if (nodes[i].price.currency !== nodes[i - 1].price.currency) continue;
      const [a, b] = [nodes[i - 1].price.amount, nodes[i].price.amount];
      expect(sort === 'PRICE_ASC' ? a <= b : a >= b).toBe(true);
    }
  });
});

describe('sorts and pages', () => {
  const orders: [string, string][] = [
    ['NEWEST', 'p.published_at DESC, p.id DESC'],
    ['PRICE_ASC', 'p.price_currency ASC, p.price_amount ASC, p.id ASC'],
    ['PRICE_DESC', 'p.price_currency DESC, p.price_amount DESC, p.id DESC'],
    ['RATING', 'p.rating DESC, p.review_count DESC, p.id DESC'],
    ['BEST_SELLING', 'p.sales_count DESC, p.id DESC'],
    ['RELEVANCE', 'p.published_at DESC, p.id DESC'], // without a search: like NEWEST
  ];

  it.each(orders)(
    '%s orders the whole storefront, and pages of 13 visit every product exactly once',
    async (sort, orderBy) => {
      const expected = await expectedIds(catalog, `SELECT p.id ${STOREFRONT} ORDER BY ${orderBy}`);
      expect(expected.length).toBeGreaterThan(200);
      expect(idsOf(await searchAll(catalog, { sort }, 100))).toEqual(expected);
      const visited = idsOf(await searchAll(catalog, { sort }, 13));
      expect(visited).toEqual(expected);
      expect(new Set(visited).size).toBe(visited.length);
    },
  );

  it.each(orders.map(([sort]) => sort))('%s pages a filtered search exactly once too', async (sort) => {
    const filter = { search: 'automation workflow or pipeline', maxPrice: usd(20000) };
    const whole = idsOf(await searchAll(catalog, { filter, sort }, 100));
    expect(whole.length).toBeGreaterThan(10);
    expect(idsOf(await searchAll(catalog, { filter, sort }, 4))).toEqual(whole);
  });

  it('exposes the rating used by RATING (null until reviewed)', async () => {
    const [top] = (await searchPage(catalog, { sort: 'RATING', first: 1 })).edges;
    expect(top.node.rating).toBe(5);
    const fresh = await publishedProduct(catalog, vendor);
    expect(
      (await catalog.client.data(`query($id: ID!) { product(id: $id) { rating } }`, { variables: { id: fresh.id } }))
        .product.rating,
    ).toBeNull();
  });

  it('refuses forged cursors as BAD_USER_INPUT', async () => {
    const first = await searchPage(catalog, { sort: 'PRICE_ASC', first: 2 });
    const encode = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
    const forged = [
      'not-a-cursor',
      encode(['PRICE_ASC', 1]),
      encode(['PRICE_ASC', 1999, first.edges[0].node.id]),
      encode(['PRICE_ASC', 'USD', '1999', first.edges[0].node.id]),
      encode(['PRICE_ASC', 'USD', 1999, "'; DROP TABLE products; --"]),
      encode(['PRICE_ASC', 'USD', 1e300, first.edges[0].node.id]),
      encode(['PRICE_ASC', "'; DROP TABLE products; --", 1999, first.edges[0].node.id]),
      encode(['NEWEST', '2026-13-45T00:00:00.000Z', first.edges[0].node.id]),
      encode(['RELEVANCE', 'NaN', first.edges[0].node.id]),
      encode({ sort: 'PRICE_ASC' }),
    ];
    for (const after of forged)
      expect(await catalog.client.errorCode(PRODUCT_SEARCH, { variables: { sort: 'PRICE_ASC', after } })).toBe(
        'BAD_USER_INPUT',
      );
    // A real cursor of another order is refused too.
    expect(
      await catalog.client.errorCode(PRODUCT_SEARCH, {
        variables: { sort: 'NEWEST', after: first.pageInfo.endCursor },
      }),
    ).toBe('BAD_USER_INPUT');
  });

  it.each([0, 101, -1])('refuses first: %s', async (first) => {
    expect(await catalog.client.errorCode(PRODUCT_SEARCH, { variables: { first } })).toBe('BAD_USER_INPUT');
  });

  it('answers an empty page past the end', async () => {
    let result: SearchPage | undefined;
    let after: string | null = null;
    do {
      result = await searchPage(catalog, { sort: 'PRICE_DESC', first: 100, after });
      after = result.pageInfo.endCursor;
    } while (result.pageInfo.hasNextPage);
    const end = await searchPage(catalog, { sort: 'PRICE_DESC', first: 100, after });
    expect(end).toMatchObject({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
  });
});

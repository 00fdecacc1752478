import { queryRows } from '@marketplace/kit';
import { TestSubgraph } from '@marketplace/kit/testing';
import {
  CATEGORY_IDS,
  TestVendor,
  addVendor,
  admin,
  createProduct,
  publishedProduct,
  setVendorStatus,
  startCatalog,
} from '../testing';

/** The storefront's list over the 207 demo products plus a few made for each test. */
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  await catalog.subgraph.wiring.seed!();
  vendor = await addVendor(catalog);
  // Ratings, review and sales counts with plenty of ties (reviews and sales are not built yet).
  await catalog.subgraph.deps.db.query(`
    UPDATE products SET
      rating = (abs(hashtext(id::text)) % 5) + 1 - (abs(hashtext(slug)) % 2) * 0.5,
      review_count = abs(hashtext(name)) % 7 + 1,
      sales_count = abs(hashtext(id::text || 'sales')) % 40`);
});
afterAll(() => catalog.close());

const SEARCH = `query($filter: ProductFilter, $sort: ProductSort, $first: Int, $after: String) {
  products(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    edges { cursor node { id name description tags kind price { amount currency } rating publishedAt category { slug } vendor { id } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface Node {
  id: string;
  name: string;
  description: string;
  tags: string[];
  kind: string;
  price: { amount: number };
  rating: number | null;
  category: { slug: string };
  vendor: { id: string };
}
interface Page {
  totalCount: number;
  edges: { cursor: string; node: Node }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

async function page(variables: Record<string, unknown>, token?: string): Promise<Page> {
  return (await catalog.client.data<{ products: Page }>(SEARCH, { variables, token })).products;
}

/** Every result, page by page; checks each page's bookkeeping on the way. */
async function all(variables: Record<string, unknown>, first = 100): Promise<Node[]> {
  const nodes: Node[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages += 1) {
    const result: Page = await page({ ...variables, first, after });
    expect(result.edges.length).toBeLessThanOrEqual(first);
    expect(result.pageInfo.hasPreviousPage).toBe(after !== null);
    nodes.push(...result.edges.map((edge) => edge.node));
    if (!result.pageInfo.hasNextPage) {
      expect(nodes.length).toBe(result.totalCount);
      // Past the last page: no rows, and still the whole total.
      if (result.pageInfo.endCursor)
        expect(await page({ ...variables, first, after: result.pageInfo.endCursor })).toMatchObject({
          edges: [],
          totalCount: result.totalCount,
        });
      return nodes;
    }
    expect(result.edges).toHaveLength(first);
    after = result.pageInfo.endCursor;
  }
  throw new Error('more than 100 pages');
}

const ids = (nodes: Node[]) => nodes.map((node) => node.id);
const storefront = `FROM products p JOIN vendors v ON v.id = p.vendor_id WHERE p.status = 'PUBLISHED' AND v.status = 'ACTIVE'`;
const expectedIds = async (sql: string, params: unknown[] = []) =>
  (await queryRows(catalog.subgraph.deps.db, sql, params)).map((row) => row.id as string);

describe('relevance', () => {
  it('ranks a name match above a tag match above a description match', async () => {
    const word = `zorblax${Date.now().toString(36)}`;
    const inDescription = await publishedProduct(catalog, vendor, {
      name: 'Quiet Ledger Helper',
      description: `Reads ${word} files and keeps your books tidy.`,
    });
    const inName = await publishedProduct(catalog, vendor, { name: `The ${word} Keeper`, description: 'Keeps books.' });
    const inTags = await publishedProduct(catalog, vendor, { name: 'Bookkeeping Buddy', tags: [word, 'books'] });
    const result = await page({ filter: { search: word }, sort: 'RELEVANCE' });
    expect(ids(result.edges.map((e) => e.node))).toEqual([inName.id, inTags.id, inDescription.id]);
    expect(result.totalCount).toBe(3);
  });

  it('puts the product named like the query first among the demo products', async () => {
    for (const [search, first] of [
      ['customer support assistant', 'Customer Support Assistant'],
      ['sql query copilot', 'SQL Query Copilot'],
      ['lead enrichment workflow', 'Lead Enrichment Workflow'],
    ]) {
      expect((await page({ filter: { search } })).edges[0].node.name).toBe(first);
    }
  });

  it('matches word forms (stemming): "agents" finds "Agent"', async () => {
    const result = await page({ filter: { search: 'agents' }, first: 100 });
    expect(result.totalCount).toBeGreaterThan(10);
    expect(result.edges.some((e) => e.node.name.endsWith(' Agent'))).toBe(true);
  });

  it('supports "quoted phrases", or and -exclusions', async () => {
    const text = (node: Node) =>
      `${node.name} ${node.description} ${node.tags.join(' ').replace(/-/g, ' ')}`.toLowerCase();
    const phrase = await all({ filter: { search: '"code review"' } });
    expect(phrase.length).toBeGreaterThan(0);
    phrase.forEach((node) => expect(text(node)).toMatch(/code review/));
    const either = await all({ filter: { search: 'invoice or receipt' } });
    either.forEach((node) => expect(text(node)).toMatch(/invoice|receipt/));
    expect(either.map((n) => n.name)).toEqual(
      expect.arrayContaining(['Invoice Extraction Workflow', 'Receipt Scanning Workflow']),
    );
    const without = await all({ filter: { search: 'agent -support' } });
    expect(without.length).toBeGreaterThan(0);
    without.forEach((node) => expect(text(node)).not.toMatch(/support/));
  });
});

describe('typo tolerance', () => {
  it.each([
    ['asistant', 'assistant'],
    ['workfow', 'workflow'],
    ['custmer suport', 'customer support'],
    ['enrichmnt', 'enrichment'],
  ])('"%s" finds what "%s" finds, ranked the same', async (typo, correct) => {
    const [misspelled, right] = await Promise.all([
      all({ filter: { search: typo } }),
      all({ filter: { search: correct } }),
    ]);
    expect(right.length).toBeGreaterThan(0);
    expect(ids(misspelled)).toEqual(ids(right));
  });

  it("finds a vendor's new product by a misspelling of its name, and nothing for gibberish", async () => {
    const suffix = Date.now().toString(36);
    const product = await publishedProduct(catalog, vendor, { name: `Plonkster ${suffix} Helper` });
    expect(ids(await all({ filter: { search: 'plonkster' } }))).toEqual([product.id]);
    expect(ids(await all({ filter: { search: 'plonkstr' } }))).toEqual([product.id]);
    expect(ids(await all({ filter: { search: 'plonkstre helper' } }))).toEqual([product.id]);
    expect((await page({ filter: { search: 'qqqqzzzz' } })).totalCount).toBe(0);
  });

  it('leaves known words alone: no fuzzy widening of a correctly spelled word', async () => {
    const agents = await all({ filter: { search: 'refund' } });
    agents.forEach((node) =>
      expect(`${node.name} ${node.description} ${node.tags.join(' ')}`.toLowerCase()).toMatch(/refund/),
    );
  });
});

describe('hostile search strings', () => {
  const hostile = [
    "'",
    '&',
    '|',
    '!',
    ':*',
    '\\',
    '(',
    ')',
    '"',
    '""',
    '<->',
    '!!!',
    'a:* & b | !c',
    "O'Reilly",
    'foo & | bar',
    '((((',
    '-',
    '- -',
    'or',
    'and',
    '"unterminated',
    'a\\b',
    '%',
    '_',
    "'; DROP TABLE products; --",
    '\u0000',
    'tab\there',
    'emoji 🤖 agent',
    'x'.repeat(200),
    'ü'.repeat(200),
    'the',
    'a an the',
    'SELECT * FROM',
    '$1',
    '::tsquery',
    '<script>',
    'ª',
    '\ud83e',
    'a:A',
    'customer:* support:B',
  ];
  it.each(hostile.map((s) => [JSON.stringify(s).slice(0, 40), s]))(
    'answers %s with a correct (possibly empty) list',
    async (_label, search) => {
      const result = await catalog.client.request<{ products: Page }>(SEARCH, {
        variables: { filter: { search }, first: 5 },
      });
      expect(result.errors).toBeUndefined();
      expect(result.data!.products.totalCount).toBeGreaterThanOrEqual(result.data!.products.edges.length);
    },
  );

  it('refuses a search over 200 characters as BAD_USER_INPUT on filter.search', async () => {
    const result = await catalog.client.request(SEARCH, { variables: { filter: { search: 'a'.repeat(201) } } });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'filter.search', message: 'must be at most 200 characters' }],
    });
  });

  it('treats a blank search as no search', async () => {
    expect((await page({ filter: { search: '   ' }, first: 1 })).totalCount).toBe(
      (await page({ first: 1 })).totalCount,
    );
  });
});

describe('filters', () => {
  it('categorySlug includes the sub-categories', async () => {
    const agents = await all({ filter: { categorySlug: 'agents' } });
    expect(new Set(agents.map((n) => n.category.slug))).toEqual(new Set(['customer-support', 'coding', 'research']));
    expect(ids(agents).sort()).toEqual(
      (
        await expectedIds(
          `SELECT p.id ${storefront} AND p.category_id IN (SELECT id FROM categories WHERE $1 IN (id, parent_id))`,
          [CATEGORY_IDS.agents],
        )
      ).sort(),
    );
    const coding = await all({ filter: { categorySlug: 'coding' } });
    expect(coding.length).toBeGreaterThan(0);
    coding.forEach((n) => expect(n.category.slug).toBe('coding'));
    expect((await page({ filter: { categorySlug: 'no-such-category' } })).totalCount).toBe(0);
  });

  it('kind, price range, tags and vendor each narrow the list, and combine', async () => {
    const tools = await all({ filter: { kind: 'TOOL' } });
    expect(tools.length).toBe((await expectedIds(`SELECT p.id ${storefront} AND p.kind = 'TOOL'`)).length);
    tools.forEach((n) => expect(n.kind).toBe('TOOL'));

    const priced = await all({ filter: { minPrice: 1000, maxPrice: 4900 } });
    expect(priced.length).toBe(
      (await expectedIds(`SELECT p.id ${storefront} AND p.price_amount BETWEEN 1000 AND 4900`)).length,
    );
    priced.forEach((n) => expect(n.price.amount >= 1000 && n.price.amount <= 4900).toBe(true));
    expect((await all({ filter: { minPrice: 0, maxPrice: 0 } })).every((n) => n.price.amount === 0)).toBe(true);

    const tagged = await all({ filter: { tags: ['CRM', 'hubspot'] } });
    expect(tagged.length).toBeGreaterThan(0);
    tagged.forEach((n) => expect(n.tags).toEqual(expect.arrayContaining(['crm', 'hubspot'])));

    const mine = await publishedProduct(catalog, vendor, {
      kind: 'TOOL',
      categoryId: CATEGORY_IDS.developerTools,
      price: { amount: 1234, currency: 'USD' },
      tags: ['cli'],
    });
    expect(
      ids(
        await all({
          filter: {
            vendorId: vendor.vendorId,
            kind: 'TOOL',
            categorySlug: 'tools',
            minPrice: 1234,
            maxPrice: 1234,
            tags: ['cli'],
          },
        }),
      ),
    ).toEqual([mine.id]);
    expect((await all({ filter: { vendorId: vendor.vendorId, kind: 'AGENT', tags: ['cli'] } })).length).toBe(0);
  });

  it('combines a search with filters', async () => {
    const result = await all({ filter: { search: 'assistant', categorySlug: 'customer-support', maxPrice: 2000 } });
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
    ['minPrice above maxPrice', { minPrice: 500, maxPrice: 100 }, ['filter.maxPrice']],
    ['a negative price', { minPrice: -1 }, ['filter.minPrice']],
    ['a malformed vendor id', { vendorId: 'vendor-1' }, ['filter.vendorId']],
    ['a malformed tag', { tags: ['not a tag'] }, ['filter.tags.0']],
  ])('refuses %s as BAD_USER_INPUT', async (_label, filter, fields) => {
    const result = await catalog.client.request(SEARCH, { variables: { filter } });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((result.errors?.[0].extensions?.fields as { field: string }[]).map((f) => f.field)).toEqual(fields);
  });

  it('shows only published products of active vendors, to everyone (admins included)', async () => {
    const word = `hidden${Date.now().toString(36)}`;
    const seller = await addVendor(catalog);
    const draft = await createProduct(catalog, seller, { name: `${word} draft` });
    const live = await publishedProduct(catalog, seller, { name: `${word} live` });
    const archived = await publishedProduct(catalog, seller, { name: `${word} gone` });
    await catalog.client.data(`mutation($id: ID!) { archiveProduct(id: $id) { id } }`, {
      variables: { id: archived.id },
      token: seller.token,
    });
    for (const token of [undefined, seller.token, admin()])
      expect(ids((await page({ filter: { search: word } }, token)).edges.map((e) => e.node))).toEqual([live.id]);
    expect(draft.status).toBe('DRAFT');

    await setVendorStatus(catalog, seller.vendorId, 'SUSPENDED');
    expect((await page({ filter: { search: word } })).totalCount).toBe(0);
    expect((await page({ filter: { vendorId: seller.vendorId } })).totalCount).toBe(0);
    await setVendorStatus(catalog, seller.vendorId, 'ACTIVE');
    expect((await page({ filter: { search: word } })).totalCount).toBe(1);
  });
});

describe('sorts and pages', () => {
  const orders: [string, string][] = [
    ['NEWEST', 'p.published_at DESC, p.id DESC'],
    ['PRICE_ASC', 'p.price_amount ASC, p.id ASC'],
    ['PRICE_DESC', 'p.price_amount DESC, p.id DESC'],
    ['RATING', 'p.rating DESC, p.review_count DESC, p.id DESC'],
    ['BEST_SELLING', 'p.sales_count DESC, p.id DESC'],
    ['RELEVANCE', 'p.published_at DESC, p.id DESC'], // without a search: like NEWEST
  ];

  it.each(orders)(
    '%s orders the whole storefront, and pages of 13 visit every product exactly once',
    async (sort, orderBy) => {
      const expected = await expectedIds(`SELECT p.id ${storefront} ORDER BY ${orderBy}`);
      expect(expected.length).toBeGreaterThan(200);
      expect(ids(await all({ sort }, 100))).toEqual(expected);
      const visited = ids(await all({ sort }, 13));
      expect(visited).toEqual(expected);
      expect(new Set(visited).size).toBe(visited.length);
    },
  );

  it.each(orders.map(([sort]) => sort))('%s pages a filtered search exactly once too', async (sort) => {
    const filter = { search: 'automation workflow or pipeline', maxPrice: 20000 };
    const whole = ids(await all({ filter, sort }, 100));
    expect(whole.length).toBeGreaterThan(10);
    expect(ids(await all({ filter, sort }, 4))).toEqual(whole);
  });

  it('exposes the rating used by RATING (null until reviewed)', async () => {
    const [top] = (await page({ sort: 'RATING', first: 1 })).edges;
    expect(top.node.rating).toBe(5);
    const fresh = await publishedProduct(catalog, vendor);
    expect(
      (await catalog.client.data(`query($id: ID!) { product(id: $id) { rating } }`, { variables: { id: fresh.id } }))
        .product.rating,
    ).toBeNull();
  });

  it('refuses forged cursors as BAD_USER_INPUT', async () => {
    const first = await page({ sort: 'PRICE_ASC', first: 2 });
    const encode = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
    const forged = [
      'not-a-cursor',
      encode(['PRICE_ASC', 1]),
      encode(['PRICE_ASC', '1999', first.edges[0].node.id]),
      encode(['PRICE_ASC', 1999, "'; DROP TABLE products; --"]),
      encode(['PRICE_ASC', 1e300, first.edges[0].node.id]),
      encode(['NEWEST', '2026-13-45T00:00:00.000Z', first.edges[0].node.id]),
      encode(['RELEVANCE', 'NaN', first.edges[0].node.id]),
      encode({ sort: 'PRICE_ASC' }),
    ];
    for (const after of forged)
      expect(await catalog.client.errorCode(SEARCH, { variables: { sort: 'PRICE_ASC', after } })).toBe(
        'BAD_USER_INPUT',
      );
    // A real cursor of another order is refused too.
    expect(
      await catalog.client.errorCode(SEARCH, { variables: { sort: 'NEWEST', after: first.pageInfo.endCursor } }),
    ).toBe('BAD_USER_INPUT');
  });

  it.each([0, 101, -1])('refuses first: %s', async (first) => {
    expect(await catalog.client.errorCode(SEARCH, { variables: { first } })).toBe('BAD_USER_INPUT');
  });

  it('answers an empty page past the end', async () => {
    let result: Page | undefined;
    let after: string | null = null;
    do {
      result = await page({ sort: 'PRICE_DESC', first: 100, after });
      after = result.pageInfo.endCursor;
    } while (result.pageInfo.hasNextPage);
    const end = await page({ sort: 'PRICE_DESC', first: 100, after });
    expect(end).toMatchObject({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
  });
});

import { DemoIds, queryRows } from '@marketplace/kit';
import { metricSum, scrapeMetrics, tokenFor } from '@marketplace/kit/testing';
import type { RunningGateway } from '@marketplace/gateway';
import { TestSupergraph, startTestSupergraph } from './testing/supergraph';

/**
 * The gateway's single-fetch shortcut, on the real supergraph: every operation below goes to
 * a gateway with the shortcut (the default) and to one without it, in front of the same
 * subgraphs, and the two answers must be identical — status, body and headers — for every
 * viewer. The shortcut's counter says which operations it served, and whether Apollo's
 * pipeline ran or the lane answered alone (single-fetch-lane.ts), so the test also proves
 * that single-subgraph operations take it and everything else does not.
 */
let supergraph: TestSupergraph;
let planned: RunningGateway;
let productId: string;
let draftId: string;
let categoryId: string;
const customer = () => tokenFor(DemoIds.users.alan, 'CUSTOMER');
const vendor = () => tokenFor(DemoIds.users.ada, 'VENDOR');
const admin = () => tokenFor(DemoIds.users.admin, 'ADMIN');

/** Both gateways answer every request; caches are off so each answer comes from its subgraphs. */
const NO_CACHES = { RESPONSE_CACHE_TTL_SECONDS: '0', SUBGRAPH_CACHE_TTL_SECONDS: '0' };

beforeAll(async () => {
  supergraph = await startTestSupergraph(NO_CACHES);
  planned = await supergraph.startGateway({ ...NO_CACHES, SINGLE_FETCH_SHORTCUT: 'false' });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  const db = supergraph.subgraphs.get('catalog')!.deps.db;
  [{ id: productId }] = await queryRows<{ id: string }>(
    db,
    `SELECT id FROM products WHERE vendor_id = $1 AND status = 'PUBLISHED' ORDER BY id LIMIT 1`,
    [DemoIds.vendors.ada],
  );
  [{ id: categoryId }] = await queryRows<{ id: string }>(db, `SELECT id FROM categories ORDER BY id LIMIT 1`);
  const created = await supergraph.client.data(
    `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`,
    {
      variables: {
        i: {
          name: `Shortcut draft ${Date.now()}`,
          description: 'Only its vendor sees it.',
          kind: 'TOOL',
          price: { amount: 900, currency: 'USD' },
          categoryId,
          tags: [],
        },
      },
      token: vendor(),
    },
  );
  draftId = created.createProduct.id;
}, 60_000);
afterAll(() => supergraph?.close());

interface Answer {
  status: number;
  body: unknown;
  /** Every response header but those that differ between any two responses. */
  headers: Record<string, string>;
}

/** Differ per response, or per gateway process. */
const VOLATILE_HEADERS = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);

async function post(url: string, body: unknown, token?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const kept = [...response.headers].filter(([name]) => !VOLATILE_HEADERS.has(name));
  return { status: response.status, body: await response.json(), headers: Object.fromEntries(kept) };
}

/** Operations the shortcut served: by Apollo's pipeline, or by the lane alone (`skipped`). */
async function directCounts(gateway: RunningGateway): Promise<{ apollo: number; skipped: number }> {
  const text = await scrapeMetrics(gateway.url);
  const count = (pipeline: string) => metricSum(text, 'gateway_single_fetch_operations_total', { pipeline });
  return { apollo: count('apollo'), skipped: count('skipped') };
}

async function directCount(gateway: RunningGateway): Promise<number> {
  const { apollo, skipped } = await directCounts(gateway);
  return apollo + skipped;
}

/**
 * Sends the request twice to each gateway (the first time a document is seen it is planned,
 * which decides whether later requests take the shortcut) and returns the shortcut gateway's
 * answers after checking they equal the planned ones; `direct` says whether the shortcut
 * served the second one, `skipped` whether the lane answered it without Apollo's pipeline.
 */
async function bothWays(body: unknown, token?: string, headers: Record<string, string> = {}) {
  const answers: Answer[] = [];
  let direct = false;
  let skipped = false;
  for (let i = 0; i < 2; i++) {
    const before = await directCounts(supergraph.gateway);
    const [shortcut, plannedAnswer] = await Promise.all([
      post(supergraph.gateway.url, body, token, headers),
      post(planned.url, body, token, headers),
    ]);
    expect(shortcut).toEqual(plannedAnswer);
    answers.push(shortcut);
    const after = await directCounts(supergraph.gateway);
    direct = after.apollo + after.skipped > before.apollo + before.skipped;
    skipped = after.skipped > before.skipped;
  }
  expect(await directCount(planned)).toBe(0);
  return { answers, direct, skipped };
}

const PRODUCT_CARD = `query ProductCard($id: ID!) { product(id: $id) { id name kind status price { amount currency } rating reviewCount category { name } } }`;

describe('operations one subgraph answers whole take the shortcut, with the planned answer', () => {
  it.each([
    ['anonymous', undefined],
    ['a customer', 'customer'],
    ['the vendor', 'vendor'],
    ['an admin', 'admin'],
  ])('a product card, for %s', async (_who, who) => {
    const token = who === 'customer' ? customer() : who === 'vendor' ? vendor() : who === 'admin' ? admin() : undefined;
    const { answers, direct, skipped } = await bothWays({ query: PRODUCT_CARD, variables: { id: productId } }, token);
    expect([direct, skipped]).toEqual([true, true]);
    expect(answers[1]).toMatchObject({
      status: 200,
      body: { data: { product: { id: productId, status: 'PUBLISHED' } } },
    });
  });

  it('a vendor reads her own draft; anyone else gets NOT_FOUND with the same data and path', async () => {
    const own = await bothWays({ query: PRODUCT_CARD, variables: { id: draftId } }, vendor());
    expect(own.answers[1].body).toMatchObject({ data: { product: { status: 'DRAFT' } } });
    const other = await bothWays({ query: PRODUCT_CARD, variables: { id: draftId } }, customer());
    expect(other.answers[1].body).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' }, path: ['product'] }] });
    expect([own.direct, other.direct]).toEqual([true, true]);
    // An answer with errors is fetched by the lane and sent by Apollo.
    expect([own.skipped, other.skipped]).toEqual([true, false]);
  });

  it('aliases, named fragments, nested @include and __typename below the root', async () => {
    const query = `query Card($id: ID!, $withPrice: Boolean!) {
      card: product(id: $id) { __typename ...Names price @include(if: $withPrice) { cents: amount currency } }
      all: categories { label: name }
    }
    fragment Names on Product { title: name slug category { name } }`;
    for (const withPrice of [true, false]) {
      const { answers, direct, skipped } = await bothWays({
        query,
        variables: { id: productId, withPrice },
        operationName: 'Card',
      });
      expect([direct, skipped]).toEqual([true, true]);
      expect(answers[1].body).toMatchObject({
        data: { card: { __typename: 'Product', title: expect.any(String) }, all: expect.anything() },
      });
      expect('price' in (answers[1].body as { data: { card: object } }).data.card).toBe(withPrice);
    }
  });

  it('signed-in only fields: UNAUTHENTICATED anonymously, the viewer’s own data signed in', async () => {
    const query = `{ myOrders(first: 5) { edges { node { number status } } } }`;
    const anonymous = await bothWays({ query });
    expect(anonymous.answers[1].body).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    const signedIn = await bothWays({ query }, customer());
    expect(signedIn.answers[1].body).toMatchObject({ data: { myOrders: { edges: expect.anything() } } });
    expect([anonymous.direct, signedIn.direct]).toEqual([true, true]);
    expect([anonymous.skipped, signedIn.skipped]).toEqual([false, true]);
    expect(signedIn.answers[1].headers['cache-control']).toBe('no-store');
  });

  it('a mutation refused by its subgraph: the same field details, nothing written', async () => {
    const query = `mutation Create($i: CreateProductInput!) { createProduct(input: $i) { id } }`;
    const input = { name: '', kind: 'TOOL', price: { amount: -5, currency: 'USD' }, categoryId, tags: ['Not A Tag!'] };
    const { answers, direct, skipped } = await bothWays({ query, variables: { i: input } }, vendor());
    expect([direct, skipped]).toEqual([true, false]);
    expect(answers[1].body).toMatchObject({
      data: null,
      errors: [{ extensions: { code: 'BAD_USER_INPUT', fields: expect.anything() } }],
    });
    const [{ count }] = await queryRows<{ count: string }>(
      supergraph.subgraphs.get('catalog')!.deps.db,
      `SELECT count(*) FROM products WHERE name = ''`,
    );
    expect(Number(count)).toBe(0);
  });

  it('a mutation that succeeds answers alike both ways', async () => {
    const query = `mutation Create($i: CreateProductInput!) { createProduct(input: $i) { name status kind price { amount currency } } }`;
    const input = (name: string) => ({
      name,
      description: 'Made twice.',
      kind: 'AGENT',
      price: { amount: 1500, currency: 'USD' },
      categoryId,
      tags: ['twice'],
    });
    const db = supergraph.subgraphs.get('catalog')!.deps.db;
    // The first round plans it; in the second the lane sends it.
    for (const round of ['planned', 'lane']) {
      const names = [`Shortcut ${Date.now()} ${round} a`, `Shortcut ${Date.now()} ${round} b`];
      const before = await directCounts(supergraph.gateway);
      const [viaShortcut, viaPlanner] = await Promise.all([
        post(supergraph.gateway.url, { query, variables: { i: input(names[0]) } }, vendor()),
        post(planned.url, { query, variables: { i: input(names[1]) } }, vendor()),
      ]);
      expect(viaShortcut.body).toEqual({
        data: {
          createProduct: { name: names[0], status: 'DRAFT', kind: 'AGENT', price: { amount: 1500, currency: 'USD' } },
        },
      });
      expect(viaPlanner).toEqual({
        ...viaShortcut,
        body: { data: { createProduct: { ...(viaShortcut.body as any).data.createProduct, name: names[1] } } },
      }); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect((await directCounts(supergraph.gateway)).skipped - before.skipped).toBe(round === 'lane' ? 1 : 0);
      // Written exactly once, whichever way.
      const rows = await queryRows<{ name: string }>(db, `SELECT name FROM products WHERE name = ANY($1)`, [names]);
      expect(rows.map((row) => row.name).sort()).toEqual([...names].sort());
    }
  });
});

describe('bad input is refused alike', () => {
  it.each([
    ['a variable of the wrong type', { query: PRODUCT_CARD, variables: { id: { not: 'an id' } } }],
    ['a missing required variable', { query: PRODUCT_CARD, variables: {} }],
    [
      'an unknown variable value for an enum',
      {
        query: `query($k: ProductKind!) { products(first: 1, filter: { kind: $k }) { totalCount } }`,
        variables: { k: 'ROBOT' },
      },
    ],
    ['null for a non-null variable', { query: PRODUCT_CARD, variables: { id: null } }],
  ])('%s', async (_case, body) => {
    // Once to learn the document with valid variables, so the bad ones meet the shortcut.
    await bothWays({ ...body, variables: body.query === PRODUCT_CARD ? { id: productId } : { k: 'TOOL' } });
    const { answers, direct, skipped } = await bothWays(body);
    // The shortcut checks the variables itself, as the executor does, before anything is sent; Apollo answers.
    expect([direct, skipped]).toEqual([true, false]);
    expect(answers[1].status).toBe(400);
    expect(answers[1].body).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });
});

describe('everything else keeps the query-plan executor', () => {
  it.each([
    ['fields of two subgraphs', `query($id: ID!) { product(id: $id) { name vendor { displayName } } }`],
    ['two root fields of two subgraphs', `query($id: ID!) { product(id: $id) { name } me { id } }`],
    ['a root __typename', `query($id: ID!) { __typename product(id: $id) { name } }`],
    ['a root directive', `query($id: ID!, $yes: Boolean = true) { product(id: $id) @include(if: $yes) { name } }`],
    ['a root fragment', `query($id: ID!) { ... on Query { product(id: $id) { name } } }`],
    ['introspection beside data', `query($id: ID!) { product(id: $id) { name } __type(name: "Product") { name } }`],
  ])('%s', async (_case, query) => {
    const { answers, direct, skipped } = await bothWays({ query, variables: { id: productId } }, customer());
    expect([direct, skipped]).toEqual([false, false]);
    expect(answers[1]).toMatchObject({ status: 200, body: { data: expect.anything() } });
  });
});

describe('the lane leaves to Apollo what it does not judge, with the answer Apollo gives', () => {
  const card = () => ({ query: PRODUCT_CARD, variables: { id: productId } });
  it.each([
    ['an Accept of application/graphql-response+json', card, { accept: 'application/graphql-response+json' }],
    ['an Accept Apollo cannot serve (406)', card, { accept: 'text/html' }],
    ['extensions in the body', () => ({ ...card(), extensions: {} }), {}],
    ['an empty operation name', () => ({ ...card(), operationName: '' }), {}],
    ['variables that are not an object (400)', () => ({ ...card(), variables: [productId] }), {}],
  ])('%s', async (_case, body, headers: Record<string, string>) => {
    // Learned first, so the lane knows the text.
    expect((await bothWays(card())).skipped).toBe(true);
    const { answers, skipped } = await bothWays(body(), customer(), headers);
    expect(skipped).toBe(false);
    if (answers[1].status >= 400)
      expect(answers[1].body).toMatchObject({ errors: [{ extensions: { code: expect.any(String) } }] });
  });

  it('anonymous public reads go through the response cache; signed-in ones take the lane', async () => {
    const cached = await supergraph.startGateway({ RESPONSE_CACHE_TTL_SECONDS: '60' });
    // The cache keeps answers once the gateway hears change notices, shortly after start.
    let hits = 0;
    for (let i = 0; i < 100 && hits < 2; i++) {
      if ((await post(cached.url, card())).headers['x-response-cache'] === 'HIT') hits += 1;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(hits).toBe(2);
    expect((await directCounts(cached)).skipped).toBe(0);
    const signedIn = await post(cached.url, card(), customer());
    expect(signedIn.headers['x-response-cache']).toBeUndefined();
    expect((await directCounts(cached)).skipped).toBe(1);
  });
});

it('a subgraph that cannot be reached fails alike, with the same data', async () => {
  const unreachable = { ...NO_CACHES, CATALOG_URL: 'http://127.0.0.1:9/graphql' };
  const [withShortcut, without] = await Promise.all([
    supergraph.startGateway(unreachable),
    supergraph.startGateway({ ...unreachable, SINGLE_FETCH_SHORTCUT: 'false' }),
  ]);
  const body = { query: `query Cats { categories { name } }` };
  for (let i = 0; i < 2; i++) {
    const [a, b] = await Promise.all([post(withShortcut.url, body), post(without.url, body)]);
    expect(a).toEqual(b);
    expect(a.body).toMatchObject({ data: null, errors: [{ extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' } }] });
  }
  expect(await directCount(withShortcut)).toBe(1);
});

it('a burst of a new operation while it is first planned: every answer is the planned one', async () => {
  const query = `query Burst($id: ID!) { product(id: $id) { id name slug } }`;
  const expected = await post(planned.url, { query, variables: { id: productId } });
  const before = await directCount(supergraph.gateway);
  const burst = await Promise.all(
    Array.from({ length: 40 }, () => post(supergraph.gateway.url, { query, variables: { id: productId } })),
  );
  for (const answer of burst) expect(answer).toEqual(expected);
  const after = await directCount(supergraph.gateway);
  // Requests that arrived before the first plan was made were planned; the rest took the shortcut.
  expect(after - before).toBeLessThan(40);
  expect(await post(supergraph.gateway.url, { query, variables: { id: productId } })).toEqual(expected);
  expect(await directCount(supergraph.gateway)).toBe(after + 1);
});

import { DemoIds } from '@marketplace/kit';
import { GraphQLResponse, subscribe, subscriptionClient, tokenFor } from '@marketplace/kit/testing';
import {
  BenchmarkOperation,
  MY_ORDERS,
  PRODUCT_PAGE,
  STOREFRONT,
  STOREFRONT_SEARCH,
  VENDOR_DASHBOARD,
} from './testing/benchmark-operations';
import { costOf, fetchCounts, total } from './testing/statements';
import { TestSupergraph, startTestSupergraph } from './testing/supergraph';

/**
 * Issue 18, item 3: the cost limit and the response-size cap on the real supergraph, with
 * the demo data (207 published products of two vendors). Costs come from the `@cost` and
 * `@listSize` the subgraphs declare, as composed into schema/supergraph.graphql.
 */
const PROBE_ALIAS =
  'products(first:100){edges{node{vendor{displayName products(first:100){edges{node{id name description vendor{displayName}}}}}}}}';
/** The probe exactly as the issue sent it: four aliases, each within the depth and alias limits. */
const PROBE = `{ ${[1, 2, 3, 4].map((n) => `a${n}: ${PROBE_ALIAS}`).join(' ')} }`;
const PROBE_COST = 4 * 30_401;
/** 100 products, each with its vendor's first 20: 4,401, between the anonymous (3,000) and signed-in (10,000) budgets. */
const MIDDLING =
  '{ products(first: 100) { edges { node { vendor { products(first: 20) { edges { node { id } } } } } } } }';

let supergraph: TestSupergraph;
const customer = () => tokenFor(DemoIds.users.alan, 'CUSTOMER');
const vendor = () => tokenFor(DemoIds.users.ada, 'VENDOR');

beforeAll(async () => {
  supergraph = await startTestSupergraph({ RESPONSE_CACHE_TTL_SECONDS: '0' });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
}, 120_000);
afterAll(() => supergraph?.close());

/** One request through the gateway, with the subgraph fetches it caused. */
async function sent(query: string, options: { token?: string; variables?: Record<string, unknown> } = {}) {
  const { result, cost } = await costOf(supergraph, (requestId) =>
    supergraph.client.request(query, { ...options, headers: { 'x-request-id': requestId } }),
  );
  return { ...result, fetches: total(fetchCounts(cost)) };
}

describe('the cost limit', () => {
  it('refuses the issue’s probe before planning, anonymous or signed in: 400, COST_LIMIT_EXCEEDED, cost and budget', async () => {
    for (const [token, max] of [
      [undefined, 3_000],
      [customer(), 10_000],
    ] as const) {
      const refused = await sent(PROBE, { token });
      expect(refused.status).toBe(400);
      expect(refused.data).toBeUndefined();
      expect(refused.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(new RegExp(`^The operation costs ${PROBE_COST}, over the limit of ${max}: `)),
          extensions: { code: 'COST_LIMIT_EXCEEDED', limit: 'cost', cost: PROBE_COST, max },
        }),
      ]);
      expect(refused.fetches).toBe(0);
    }
    // The same counting sees the fetches of an operation within budget.
    const served = await sent('{ products(first: 2) { edges { node { id vendor { displayName } } } } }');
    expect(served.errors).toBeUndefined();
    expect(served.fetches).toBeGreaterThan(0);
  });

  it('gives anonymous callers the lower budget: the same page is served signed in, refused anonymous', async () => {
    const signedIn = await supergraph.client.request(MIDDLING, { token: customer() });
    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.data?.products.edges).toHaveLength(100);
    const anonymous = await sent(MIDDLING);
    expect(anonymous).toMatchObject({ status: 400, fetches: 0 });
    expect(anonymous.errors?.[0].extensions).toEqual({
      code: 'COST_LIMIT_EXCEEDED',
      limit: 'cost',
      cost: 4_401,
      max: 3_000,
    });
    expect(anonymous.errors?.[0].message).toMatch(/sign in for a larger budget/);
  });

  it('answers bad page sizes with a clear code, never a 500', async () => {
    const page = (first: string) => `{ products(first: ${first}) { edges { node { id } } } }`;
    // Within budget, so the catalog's own paging check answers.
    expect(await supergraph.client.errorCode(page('-1'))).toBe('BAD_USER_INPUT');
    expect(await supergraph.client.errorCode(page('101'))).toBe('BAD_USER_INPUT');
    // Priced at its word, it is refused before any subgraph sees it.
    const huge = await sent(page('1000000000'));
    expect(huge).toMatchObject({ status: 400, fetches: 0 });
    expect(huge.errors?.[0].extensions?.code).toBe('COST_LIMIT_EXCEEDED');
    const viaVariable = await sent('query($n: Int!) { products(first: $n) { edges { node { id } } } }', {
      variables: { n: 1_000_000_000 },
    });
    expect(viaVariable.errors?.[0].extensions?.code).toBe('COST_LIMIT_EXCEEDED');
    // Not an Int at all: graphql-js refuses it while validating.
    expect(await supergraph.client.errorCode(page('2147483648'))).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('lets every normal operation through at its largest page: the README tour and the benchmark operations', async () => {
    const ok = (result: GraphQLResponse) =>
      expect({ status: result.status, errors: result.errors }).toEqual({ status: 200, errors: undefined });
    ok(
      await supergraph.client.request(
        '{ products(first: 3, filter: { search: "asistant" }) { edges { node { id name price { amount currency } vendor { displayName } } } } }',
      ),
    );
    ok(
      await supergraph.client.request(
        '{ categories { id slug name parent { slug } children { slug name children { slug } } } }',
      ),
    );
    const { products } = await supergraph.client.data('{ products(first: 1) { edges { node { id } } } }');
    const anonymous: [BenchmarkOperation, Record<string, unknown>][] = [
      [STOREFRONT, {}],
      [STOREFRONT_SEARCH, { search: 'agent' }],
      [PRODUCT_PAGE, { id: products.edges[0].node.id }],
    ];
    for (const [operation, variables] of anonymous)
      ok(await supergraph.client.request(operation.query, { variables: { first: 100, ...variables } }));
    ok(await supergraph.client.request(MY_ORDERS.query, { variables: { first: 100 }, token: customer() }));
    ok(await supergraph.client.request(VENDOR_DASHBOARD.query, { variables: { first: 100 }, token: vendor() }));
  });

  it('applies the same budgets to operations sent over WebSocket', async () => {
    const anonymous = subscriptionClient(supergraph.gateway.url);
    const signedIn = subscriptionClient(supergraph.gateway.url, customer());
    try {
      const refused = subscribe(anonymous, MIDDLING);
      expect(await refused.ended).toEqual([
        expect.objectContaining({
          extensions: { code: 'COST_LIMIT_EXCEEDED', limit: 'cost', cost: 4_401, max: 3_000 },
        }),
      ]);
      const probe = subscribe(signedIn, PROBE);
      expect((await probe.ended)[0].extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', max: 10_000 });
      const served = subscribe<{ products: { edges: unknown[] } }>(signedIn, MIDDLING);
      expect((await served.push(1)).data?.products.edges).toHaveLength(100);
    } finally {
      await Promise.all([anonymous.dispose(), signedIn.dispose()]);
    }
  });
});

describe('the response-size cap', () => {
  it('refuses one probe alias let past a raised cost limit: the default cap (2 MiB) is under its answer', async () => {
    const uncosted = await supergraph.startGateway({
      GRAPHQL_MAX_COST: '1000000',
      GRAPHQL_MAX_COST_ANONYMOUS: '1000000',
    });
    const response = await fetch(uncosted.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ ${PROBE_ALIAS} }` }),
    });
    const body = (await response.json()) as {
      data?: unknown;
      errors: { message: string; extensions: Record<string, number> }[];
    };
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: expect.stringMatching(/^The response is \d+ bytes, over the limit of 2097152: /),
        extensions: { code: 'RESPONSE_TOO_LARGE', limit: 'responseBytes', bytes: expect.any(Number), max: 2_097_152 },
      },
    ]);
    expect(body.errors[0].extensions.bytes).toBeGreaterThan(2 * 2 ** 20);
  });

  it('refuses any answer over GRAPHQL_MAX_RESPONSE_BYTES, over HTTP and WebSocket, and serves those under it', async () => {
    const small = await supergraph.startGateway({ GRAPHQL_MAX_RESPONSE_BYTES: '4096' });
    const storefront = { query: STOREFRONT.query, variables: { first: 100 } };
    const response = await fetch(small.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(storefront),
    });
    const body = (await response.json()) as { data?: unknown; errors: { extensions: { code: string; max: number } }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors.map((error) => error.extensions)).toEqual([
      expect.objectContaining({ code: 'RESPONSE_TOO_LARGE', max: 4096 }),
    ]);
    const socket = subscriptionClient(small.url);
    try {
      const pushed = subscribe(socket, storefront.query, storefront.variables);
      expect((await pushed.push(1)).errors?.[0].extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE', max: 4096 });
    } finally {
      await socket.dispose();
    }
    const fits = await fetch(small.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ products(first: 2) { edges { node { id name } } } }' }),
    });
    expect(((await fits.json()) as { data: { products: { edges: unknown[] } } }).data.products.edges).toHaveLength(2);
  });
});

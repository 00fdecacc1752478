import { DemoIds, queryRows } from '@marketplace/kit';
import { globalId, metricSum, scrapeMetrics, sessionsRecorded, tokenFor } from '@marketplace/kit/testing';
import { RESPONSE_CACHE_HEADER } from '@marketplace/gateway';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * The gateway's cache of anonymous public answers, on the real supergraph: a second
 * anonymous read comes from the gateway's memory, and every change to what it showed
 * (a product, a vendor's profile, a vendor's status, a reviewer's display name) is
 * announced by the subgraph that committed it, so the next reads show the change.
 */
let supergraph: TestSupergraph;
let productId: string;
const vendorToken = () => tokenFor(DemoIds.users.ada, 'VENDOR');
const adminToken = () => tokenFor(DemoIds.users.admin, 'ADMIN');

const PAGE = `query Page($id: ID!) { product(id: $id) { id name vendor { displayName } } }`;
interface PageProduct {
  id: string;
  name: string;
  vendor: { displayName: string };
}

async function read(query: string, variables: Record<string, unknown>, token?: string) {
  await sessionsRecorded();
  const response = await fetch(supergraph.client.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    status: response.status,
    cache: response.headers.get(RESPONSE_CACHE_HEADER),
    data: body.data,
    errors: body.errors,
  };
}
const page = () => read(PAGE, { id: productId });
const gatewayMetrics = () => scrapeMetrics(supergraph.gateway.url);
/** Answers the gateway served from its cache so far. */
const hitLookups = (metrics: string) => metricSum(metrics, 'gateway_response_cache_lookups_total', { result: 'hit' });
const cacheHits = async () => hitLookups(await gatewayMetrics());
/** Reads until the anonymous page shows what `shows` expects; the notice travels after the commit. */
const eventually = (shows: (product: PageProduct) => boolean, what: string) =>
  until(
    async () => {
      const { data } = await page();
      return data?.product && shows(data.product) ? true : undefined;
    },
    what,
    5_000,
  );

beforeAll(async () => {
  supergraph = await startTestSupergraph();
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  const [product] = await queryRows<{ id: string }>(
    supergraph.subgraphs.get('catalog')!.deps.db,
    `SELECT id FROM products WHERE vendor_id = $1 AND status = 'PUBLISHED' ORDER BY id LIMIT 1`,
    [DemoIds.vendors.ada],
  );
  productId = globalId('Product', product.id);
  // The gateway keeps nothing until its change-feed subscription is confirmed.
  await until(async () => ((await page()).cache === 'MISS' ? true : undefined), 'the response cache to listen');
}, 60_000);
afterAll(() => supergraph?.close());

it('answers an anonymous page from the gateway the second time, never a signed-in one', async () => {
  const first = await page();
  const second = await page();
  expect(second).toEqual({ ...first, cache: 'HIT' });
  const hits = await cacheHits();
  const signedIn = await read(PAGE, { id: productId }, tokenFor(DemoIds.users.alan, 'CUSTOMER'));
  expect(signedIn).toMatchObject({ status: 200, cache: null, data: first.data });
  expect(await cacheHits()).toBe(hits);
});

it('keeps no error and no answer beyond the public root fields', async () => {
  for (let i = 0; i < 2; i++)
    expect(await read(PAGE, { id: 'not-an-id' })).toMatchObject({
      cache: null,
      errors: [{ extensions: { code: expect.any(String) } }],
    });
  const mixed = `query($id: ID!) { product(id: $id) { name } me { id } }`;
  for (let i = 0; i < 2; i++) expect((await read(mixed, { id: productId })).cache).toBeNull();
});

it('shows a product change on the next reads', async () => {
  await page();
  const name = `Renamed for the cache test ${Date.now()}`;
  await supergraph.client.data(
    `mutation($id: ID!, $n: String!) { updateProduct(input: { productId: $id, name: $n }) { product { id } } }`,
    { variables: { id: productId, n: name }, token: vendorToken() },
  );
  await eventually((product) => product.name === name, 'the new name');
});

it("shows a vendor's new display name (the vendor subgraph announces its profile)", async () => {
  await page();
  const displayName = `Ada Cached ${Date.now()}`;
  await supergraph.client.data(
    `mutation($n: String!) { updateVendorProfile(input: { displayName: $n }) { vendor { id } } }`,
    {
      variables: { n: displayName },
      token: vendorToken(),
    },
  );
  await eventually((product) => product.vendor.displayName === displayName, 'the new vendor name');
});

it("drops a suspended vendor's products and shows them again once reinstated", async () => {
  await page();
  await supergraph.client.data(
    `mutation($id: ID!) { suspendVendor(input: { vendorId: $id, reason: "Cache test" }) { vendor { status } } }`,
    {
      variables: { id: globalId('Vendor', DemoIds.vendors.ada) },
      token: adminToken(),
    },
  );
  // Hidden now: the lookup answers null, without an error, as for a product that never existed.
  await until(
    async () => {
      const { data, errors } = await page();
      return data?.product === null && errors === undefined ? true : undefined;
    },
    'the product to disappear',
    5_000,
  );
  await supergraph.client.data(
    `mutation($id: ID!) { reinstateVendor(input: { vendorId: $id }) { vendor { status } } }`,
    {
      variables: { id: globalId('Vendor', DemoIds.vendors.ada) },
      token: adminToken(),
    },
  );
  await eventually((product) => product.id === productId, 'the product to come back');
});

it('starts over when a user changes the display name reviews show', async () => {
  const generation = supergraph.gateway.responseCache.generation;
  await supergraph.client.data(`mutation { updateProfile(input: { displayName: "Alan Renamed" }) { user { id } } }`, {
    token: tokenFor(DemoIds.users.alan, 'CUSTOMER'),
  });
  await until(
    async () => (supergraph.gateway.responseCache.generation > generation ? true : undefined),
    'the users subgraph to announce it',
    5_000,
  );
});

it('while anonymous readers race a change, the reads after the notice show it', async () => {
  for (let round = 0; round < 3; round += 1) {
    const name = `Raced ${round} ${Date.now()}`;
    const readers = Promise.all(Array.from({ length: 10 }, () => page()));
    await supergraph.client.data(
      `mutation($id: ID!, $n: String!) { updateProduct(input: { productId: $id, name: $n }) { product { id } } }`,
      { variables: { id: productId, n: name }, token: vendorToken() },
    );
    await readers;
    await eventually((product) => product.name === name, `round ${round}'s name`);
    // Once shown, it stays: no earlier answer was kept after the notice.
    for (let i = 0; i < 5; i++) expect((await page()).data.product.name).toBe(name);
  }
});

it('counts hits and misses, and the answers held, in /metrics', async () => {
  await page();
  await page();
  const metrics = await gatewayMetrics();
  expect(hitLookups(metrics)).toBeGreaterThan(0);
  expect(metricSum(metrics, 'gateway_response_cache_lookups_total', { result: 'miss' })).toBeGreaterThan(0);
  expect(metricSum(metrics, 'gateway_response_cache_entries')).toBeGreaterThan(0);
  expect(metrics).toMatch(/^gateway_subgraph_fetches_joined_total\{[^}]*\} \d+/m);
});

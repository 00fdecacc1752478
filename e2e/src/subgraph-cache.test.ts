import { DemoIds, queryRows } from '@marketplace/kit';
import { globalId, metricSum, scrapeMetrics, tokenFor } from '@marketplace/kit/testing';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * The gateway's shared cache of public subgraph answers, on the real supergraph: the
 * answers a subgraph declares public (`@cacheControl` hints: a vendor's profile, a published
 * product) are fetched once for every viewer, signed in or not; what depends on the viewer
 * (private fields, root fields, writes) always goes to its subgraph; and every change
 * announced by the subgraph that committed it shows on the next read.
 */
let supergraph: TestSupergraph;
let productId: string;
const vendorToken = () => tokenFor(DemoIds.users.ada, 'VENDOR');
const customerToken = () => tokenFor(DemoIds.users.alan, 'CUSTOMER');
const adminToken = () => tokenFor(DemoIds.users.admin, 'ADMIN');

/** A signed-in product page: the catalog's root answer (never shared), then the vendor's profile as an entity (shared). */
const PAGE = `query Page($id: ID!) { product(id: $id) { id name vendor { displayName slug } } }`;

const read = (token: string | undefined, query = PAGE, variables: Record<string, unknown> = { id: productId }) =>
  supergraph.client.request(query, { variables, token });
const metricValue = async (name: string, labels?: Record<string, string>) =>
  metricSum(await scrapeMetrics(supergraph.gateway.url), name, labels);
const hits = () => metricValue('gateway_subgraph_cache_lookups_total', { result: 'hit' });

beforeAll(async () => {
  // The gateway's response cache would answer anonymous pages before any subgraph fetch.
  supergraph = await startTestSupergraph({ RESPONSE_CACHE_TTL_SECONDS: '0' });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  const [product] = await queryRows<{ id: string }>(
    supergraph.subgraphs.get('catalog')!.deps.db,
    `SELECT id FROM products WHERE vendor_id = $1 AND status = 'PUBLISHED' ORDER BY id LIMIT 1`,
    [DemoIds.vendors.ada],
  );
  productId = globalId('Product', product.id);
  // Nothing is kept until the gateway's change-feed subscription is confirmed.
  await until(async () => {
    const before = await hits();
    await read(customerToken());
    await read(customerToken());
    return (await hits()) > before ? true : undefined;
  }, 'the subgraph cache to listen');
}, 60_000);
afterAll(() => supergraph?.close());

it('fetches a public entity answer once for every viewer, and the answers are the same', async () => {
  const viewers = [customerToken(), vendorToken(), adminToken(), undefined];
  const first = await read(viewers[0]);
  const before = await hits();
  for (const token of viewers)
    expect(await read(token)).toMatchObject({ status: 200, data: first.data, errors: undefined });
  expect((await hits()) - before).toBe(viewers.length);
});

it('never shares root answers, private fields or writes', async () => {
  const before = await hits();
  // A vendor's own draft (a root field) and a vendor's private reason (an entity field).
  const draft = await supergraph.client.data(
    `mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } } }`,
    {
      variables: {
        i: {
          name: `Cache draft ${Date.now()}`,
          description: 'A draft only its vendor sees.',
          kind: 'TOOL',
          price: { amount: 900, currency: 'USD' },
          categoryId: await anyCategoryId(),
          tags: [],
        },
      },
      token: vendorToken(),
    },
  );
  const DRAFT = `query($id: ID!) { product(id: $id) { id status vendor { displayName suspensionReason } } }`;
  for (let i = 0; i < 2; i++)
    expect((await read(vendorToken(), DRAFT, { id: draft.createProduct.product.id })).data?.product).toMatchObject({
      status: 'DRAFT',
    });
  // Someone else's draft: null without an error, as an unknown product.
  const hidden = await read(customerToken(), DRAFT, { id: draft.createProduct.product.id });
  expect({ data: hidden.data, errors: hidden.errors }).toEqual({ data: { product: null }, errors: undefined });
  expect(await hits()).toBe(before);
});

it("shows a vendor's new display name on the next signed-in read", async () => {
  await read(customerToken());
  const displayName = `Ada Shared ${Date.now()}`;
  await supergraph.client.data(
    `mutation($n: String!) { updateVendorProfile(input: { displayName: $n }) { vendor { id } } }`,
    {
      variables: { n: displayName },
      token: vendorToken(),
    },
  );
  await until(
    async () => ((await read(customerToken())).data?.product?.vendor.displayName === displayName ? true : undefined),
    'the new vendor name',
    5_000,
  );
  // Once shown, it stays: no earlier answer was kept after the notice.
  for (let i = 0; i < 3; i++) expect((await read(customerToken())).data?.product?.vendor.displayName).toBe(displayName);
});

it('counts the public answers held in /metrics', async () => {
  await read(customerToken());
  expect(await metricValue('gateway_subgraph_cache_entries')).toBeGreaterThan(0);
  expect(await metricValue('gateway_subgraph_cache_lookups_total', { result: 'miss' })).toBeGreaterThan(0);
});

async function anyCategoryId(): Promise<string> {
  const [category] = await queryRows<{ id: string }>(
    supergraph.subgraphs.get('catalog')!.deps.db,
    `SELECT id FROM categories WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1`,
  );
  return globalId('Category', category.id);
}

import { DemoIds, queryRows } from '@marketplace/kit';
import { globalId, sessionsRecorded, tokenFor } from '@marketplace/kit/testing';
import { RESPONSE_CACHE_HEADER } from '@marketplace/gateway';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * A vendor's website and social links through the gateway: set by the vendor, shown on the
 * product page to everyone (from the gateway's response cache the second time), and shown
 * changed on the next reads after an edit, as the vendor subgraph announces the change.
 */
let supergraph: TestSupergraph;
let productId: string;
const adaToken = () => tokenFor(DemoIds.users.ada, 'VENDOR');

const PAGE = `query Page($id: ID!) { product(id: $id) { id vendor { id website socialLinks { network url } } } }`;
const UPDATE = `mutation($input: UpdateVendorProfileInput!) { updateVendorProfile(input: $input) { vendor { id website socialLinks { network url } } } }`;
interface Links {
  website: string | null;
  socialLinks: { network: string; url: string }[];
}

async function page() {
  await sessionsRecorded();
  const response = await fetch(supergraph.client.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: PAGE, variables: { id: productId } }),
  });
  const body = (await response.json()) as { data: { product: { vendor: Links & { id: string } } } };
  return { cache: response.headers.get(RESPONSE_CACHE_HEADER), vendor: body.data.product.vendor };
}
const update = (input: Record<string, unknown>, token: string | undefined = adaToken()) =>
  supergraph.client.request<{ updateVendorProfile: { vendor: Links } | null }>(UPDATE, {
    variables: { input },
    token,
  });

beforeAll(async () => {
  supergraph = await startTestSupergraph();
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  const [product] = await queryRows<{ id: string }>(
    supergraph.subgraphs.get('catalog')!.deps.db,
    `SELECT id FROM products WHERE vendor_id = $1 AND status = 'PUBLISHED' ORDER BY id LIMIT 1`,
    [DemoIds.vendors.ada],
  );
  productId = globalId('Product', product.id);
  await until(async () => ((await page()).cache === 'MISS' ? true : undefined), 'the response cache to listen');
}, 60_000);
afterAll(() => supergraph?.close());

it("shows the vendor's links on the product page, and the changed links on the next reads", async () => {
  const first = {
    website: 'https://ada.example/',
    socialLinks: [
      { network: 'GITHUB', url: 'https://github.com/ada-agents' },
      { network: 'MASTODON', url: 'https://mastodon.social/@ada' },
    ],
  };
  const set = await update({
    website: 'https://ADA.example',
    socialLinks: [
      { url: 'https://github.com/ada-agents' },
      { network: 'MASTODON', url: 'https://mastodon.social/@ada' },
    ],
  });
  expect(set.errors).toBeUndefined();
  expect(set.data!.updateVendorProfile!.vendor).toMatchObject(first);
  await until(async () => ((await page()).vendor.website === first.website ? true : undefined), 'the links');
  const shown = await page();
  expect(shown.vendor).toEqual({ id: globalId('Vendor', DemoIds.vendors.ada), ...first });
  expect((await page()).cache).toBe('HIT');

  const second = { website: null, socialLinks: [{ network: 'X', url: 'https://x.com/ada' }] };
  expect((await update({ website: null, socialLinks: [{ url: 'https://x.com/ada' }] })).errors).toBeUndefined();
  await until(
    async () => ((await page()).vendor.socialLinks[0]?.network === 'X' ? true : undefined),
    'the changed links',
    5_000,
  );
  expect((await page()).vendor).toMatchObject(second);
});

it('refuses bad links with BAD_USER_INPUT and field paths, and anyone but a vendor', async () => {
  const bad = await update({ website: 'http://ada.example', socialLinks: [{ url: 'data:text/html,hi' }] });
  expect(bad.data).toEqual({ updateVendorProfile: null });
  expect(bad.errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    fields: [
      { field: 'input.website', message: 'must be an https: address' },
      { field: 'input.socialLinks.0.url', message: 'must be an https: address' },
    ],
  });
  const anonymous = await update({ website: 'https://ada.example' }, '');
  expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  const customer = await update({ website: 'https://ada.example' }, tokenFor(DemoIds.users.alan, 'CUSTOMER'));
  expect(customer.errors?.[0].extensions?.code).toBe('NOT_FOUND');
});

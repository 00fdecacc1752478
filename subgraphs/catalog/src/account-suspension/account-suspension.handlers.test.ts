import { randomUUID } from 'node:crypto';
import { Events } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, globalId, tokenFor } from '@marketplace/kit/testing';
import { STOREFRONT_VERSION_KEY, VERSION_LIFETIME_MS } from '../cache/storefront-cache';
import { TestVendor, addVendor, admin, publishedProduct, setVendorStatus, startCatalog } from '../testing';

/**
 * A suspended user's vendor leaves the storefront (user.suspended / user.reinstated from the
 * users subgraph), in any arrival order, ending by itself at `until`, and never lifting a
 * suspension of the vendor itself.
 */
let catalog: TestSubgraph;
beforeAll(async () => {
  catalog = await startCatalog();
});
afterAll(() => catalog.close());

const LISTED = `query($v: ID!) { products(filter: { vendorId: $v }) { totalCount } }`;
const ONE = `query($id: ID!) { product(id: $id) { id } }`;

async function listed(vendor: TestVendor, token?: string): Promise<number> {
  return (await catalog.client.data(LISTED, { variables: { v: vendor.id }, token })).products.totalCount;
}
const suspended = (vendor: TestVendor, until: string | null, occurredAt?: string) =>
  deliverEvent(catalog, Events.UserSuspended, { userId: vendor.userId, until }, { occurredAt });
const reinstated = (vendor: TestVendor, occurredAt?: string) =>
  deliverEvent(catalog, Events.UserReinstated, { userId: vendor.userId }, { occurredAt });

async function vendorWithProduct() {
  const vendor = await addVendor(catalog);
  const product = await publishedProduct(catalog, vendor);
  return { vendor, product };
}

it('hides every product of the suspended user’s vendor, in lists and lookups, and shows them again on reinstatement', async () => {
  const { vendor, product } = await vendorWithProduct();
  const bystander = await vendorWithProduct();
  expect(await listed(vendor)).toBe(1);

  await suspended(vendor, null);
  expect(await listed(vendor)).toBe(0);
  expect((await catalog.client.data(ONE, { variables: { id: product.id } })).product).toBeNull();
  // Admins still see it (as they see a suspended vendor's products).
  expect((await catalog.client.data(ONE, { variables: { id: product.id }, token: admin() })).product).toEqual({
    id: product.id,
  });
  expect(await listed(bystander.vendor)).toBe(1);

  await reinstated(vendor);
  expect(await listed(vendor)).toBe(1);
  expect((await catalog.client.data(ONE, { variables: { id: product.id } })).product).toEqual({ id: product.id });
});

it('ends by itself at `until`, with no event and no job', async () => {
  const { vendor } = await vendorWithProduct();
  await suspended(vendor, new Date(Date.now() + 1_000).toISOString());
  expect(await listed(vendor)).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  // Nothing announced the end: a cached listing page lives out its TTL (CATALOG_CACHE_TTL_SECONDS);
  // superseded here as its expiry would. The database answers from the instant `until` passed.
  await catalog.subgraph.deps.store.increment(STOREFRONT_VERSION_KEY, VERSION_LIFETIME_MS);
  expect(await listed(vendor)).toBe(1);
});

it('applies events in any arrival order: an older one arriving late changes nothing', async () => {
  const { vendor } = await vendorWithProduct();
  const t = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s)).toISOString();
  await reinstated(vendor, t(2));
  await suspended(vendor, null, t(1));
  expect(await listed(vendor)).toBe(1);
  await suspended(vendor, null, t(3));
  expect(await listed(vendor)).toBe(0);
  // Redelivered: still hidden, one row.
  await suspended(vendor, null, t(3));
  expect(await listed(vendor)).toBe(0);
});

it('keeps a vendor an admin suspended as a vendor hidden when only the user is reinstated', async () => {
  const { vendor } = await vendorWithProduct();
  await setVendorStatus(catalog, vendor.id, 'SUSPENDED');
  await suspended(vendor, null);
  await reinstated(vendor);
  expect(await listed(vendor)).toBe(0);
  await setVendorStatus(catalog, vendor.id, 'ACTIVE');
  expect(await listed(vendor)).toBe(1);
});

it('holds a suspension that arrives before the vendor is known', async () => {
  const userId = randomUUID();
  await deliverEvent(catalog, Events.UserSuspended, { userId, until: null });
  const vendorId = randomUUID();
  await catalog.subgraph.deps.db.query(
    `INSERT INTO vendors (id, user_id, display_name, status, status_changed_at) VALUES ($1, $2, 'Late Vendor', 'ACTIVE', now())`,
    [vendorId, userId],
  );
  const vendor: TestVendor = { vendorId, userId, id: globalId('Vendor', vendorId), token: tokenFor(userId, 'VENDOR') };
  await publishedProduct(catalog, vendor);
  expect(await listed(vendor)).toBe(0);
});

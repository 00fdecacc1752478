import { randomUUID } from 'node:crypto';
import { Events, createEnvelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, deliverEvent, tokenFor, until, globalId } from '@marketplace/kit/testing';
import { admin, publishedProduct, startCatalog } from '../testing';

/** The replica of vendors follows the vendor subgraph's events, in whatever order they arrive. */
let catalog: TestSubgraph;
beforeAll(async () => {
  catalog = await startCatalog();
});
afterAll(() => catalog.close());

const replicaOf = async (vendorId: string) =>
  (
    await queryRows(
      catalog.subgraph.deps.db,
      `SELECT user_id AS "userId", display_name AS "displayName", status FROM vendors WHERE id = $1`,
      [vendorId],
    )
  )[0];

function newVendor() {
  return {
    vendorId: randomUUID(),
    userId: randomUUID(),
    displayName: 'Replica Shop',
    slug: `shop-${randomUUID().slice(0, 8)}`,
    commissionBps: 1500,
  };
}

const approve = (v: ReturnType<typeof newVendor>, occurredAt?: string) =>
  deliverEvent(catalog, Events.VendorApproved, v, { occurredAt });
const suspend = (v: ReturnType<typeof newVendor>, occurredAt?: string) =>
  deliverEvent(catalog, Events.VendorSuspended, { vendorId: v.vendorId, userId: v.userId }, { occurredAt });
const reinstate = (v: ReturnType<typeof newVendor>, occurredAt?: string) =>
  deliverEvent(catalog, Events.VendorReinstated, { vendorId: v.vendorId, userId: v.userId }, { occurredAt });

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id status vendor { id } } } }`;
const input = () => ({
  name: `Replica ${randomUUID()}`,
  kind: 'TOOL',
  price: { amount: 500, currency: 'USD' },
  categoryId: globalId('Category', '00000000-0000-4000-8000-0000000c0301'),
});

it('vendor.approved makes the user a selling vendor: ACTIVE, with their user id and name', async () => {
  const vendor = newVendor();
  const token = tokenFor(vendor.userId, 'CUSTOMER'); // the role in the token lags behind; the replica decides
  expect(await catalog.client.errorCode(CREATE, { variables: { input: input() }, token })).toBe('FORBIDDEN');
  await approve(vendor);
  expect(await replicaOf(vendor.vendorId)).toEqual({
    userId: vendor.userId,
    displayName: 'Replica Shop',
    status: 'ACTIVE',
  });
  const { createProduct } = await catalog.client.data(CREATE, { variables: { input: input() }, token });
  expect(createProduct.product).toMatchObject({ status: 'DRAFT', vendor: { id: globalId('Vendor', vendor.vendorId) } });
});

it('vendor.suspended stops the vendor selling and hides its products; vendor.reinstated brings them back', async () => {
  const vendor = newVendor();
  await approve(vendor);
  const seller = { ...vendor, id: globalId('Vendor', vendor.vendorId), token: tokenFor(vendor.userId, 'VENDOR') };
  const product = await publishedProduct(catalog, seller);
  const PRODUCT = `query($id: ID!) { product(id: $id) { id } }`;
  const SEARCH = `query($v: ID!) { products(filter: { vendorId: $v }) { totalCount } }`;

  await suspend(vendor);
  expect((await replicaOf(vendor.vendorId)).status).toBe('SUSPENDED');
  expect(await catalog.client.errorCode(CREATE, { variables: { input: input() }, token: seller.token })).toBe(
    'FORBIDDEN',
  );
  expect((await catalog.client.data(PRODUCT, { variables: { id: product.id } })).product).toBeNull();
  expect(
    (await catalog.client.data(SEARCH, { variables: { v: globalId('Vendor', vendor.vendorId) } })).products.totalCount,
  ).toBe(0);
  // Its own vendor and admins still see it.
  expect((await catalog.client.data(PRODUCT, { variables: { id: product.id }, token: seller.token })).product.id).toBe(
    product.id,
  );
  expect((await catalog.client.data(PRODUCT, { variables: { id: product.id }, token: admin() })).product.id).toBe(
    product.id,
  );

  await reinstate(vendor);
  expect((await replicaOf(vendor.vendorId)).status).toBe('ACTIVE');
  expect((await catalog.client.data(PRODUCT, { variables: { id: product.id } })).product.id).toBe(product.id);
  expect(
    (await catalog.client.data(SEARCH, { variables: { v: globalId('Vendor', vendor.vendorId) } })).products.totalCount,
  ).toBe(1);
});

it('keeps the latest state when events arrive out of order', async () => {
  const vendor = newVendor();
  const t = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes)).toISOString();
  await suspend(vendor, t(10)); // the suspension overtook the approval
  expect(await replicaOf(vendor.vendorId)).toEqual({ userId: vendor.userId, displayName: null, status: 'SUSPENDED' });
  await approve(vendor, t(0));
  expect(await replicaOf(vendor.vendorId)).toEqual({
    userId: vendor.userId,
    displayName: 'Replica Shop',
    status: 'SUSPENDED',
  });
  await reinstate(vendor, t(20));
  expect((await replicaOf(vendor.vendorId)).status).toBe('ACTIVE');
  await suspend(vendor, t(15)); // older than the reinstatement: ignored
  expect((await replicaOf(vendor.vendorId)).status).toBe('ACTIVE');
});

it('applies a redelivered event once', async () => {
  const vendor = newVendor();
  const envelope = await approve(vendor);
  await catalog.subgraph.events.transport.publish(envelope);
  const duplicates = async () => {
    const { values } = await catalog.subgraph.events.metrics.consumed.get();
    return values.find((v) => v.labels.outcome === 'duplicate' && v.labels.type === 'vendor.approved')?.value ?? 0;
  };
  await until(async () => ((await duplicates()) >= 1 ? true : undefined), 'the duplicate delivery to be consumed');
  expect(await duplicates()).toBeGreaterThanOrEqual(1);
  expect(
    await queryRows(catalog.subgraph.deps.db, `SELECT handler FROM inbox WHERE event_id = $1`, [envelope.id]),
  ).toEqual([{ handler: 'replicate-vendor-approved' }]);
});

it("logs each replicated change with the event's correlation id", async () => {
  const vendor = newVendor();
  const envelope = await approve(vendor);
  const line = catalog.logs.records().find((r) => r.msg === 'vendor replicated' && r.vendorId === vendor.vendorId);
  expect(line).toMatchObject({ correlationId: envelope.correlationId, status: 'ACTIVE' });
});

describe('vendor.updated', () => {
  const update = (v: ReturnType<typeof newVendor>, displayName: string, occurredAt?: string) =>
    deliverEvent(
      catalog,
      Events.VendorUpdated,
      { vendorId: v.vendorId, userId: v.userId, displayName, slug: `${v.slug}-${displayName.length}` },
      { occurredAt },
    );
  const profileOf = async (vendorId: string) =>
    (
      await queryRows(
        catalog.subgraph.deps.db,
        `SELECT display_name AS "displayName", slug, status FROM vendors WHERE id = $1`,
        [vendorId],
      )
    )[0];
  const t = (minutes: number) => new Date(Date.UTC(2026, 0, 2, 12, minutes)).toISOString();

  it('renames the vendor in the replica and leaves its status alone', async () => {
    const vendor = newVendor();
    await approve(vendor, t(0));
    await suspend(vendor, t(5));
    await update(vendor, 'Renamed Shop', t(10));
    expect(await profileOf(vendor.vendorId)).toEqual({
      displayName: 'Renamed Shop',
      slug: `${vendor.slug}-12`,
      status: 'SUSPENDED',
    });
  });

  it('ignores a profile older than the one it has (an approval or update arriving late)', async () => {
    const vendor = newVendor();
    await approve(vendor, t(0));
    await update(vendor, 'Newest Name', t(20));
    await update(vendor, 'Older Name', t(10));
    await approve(vendor, t(0)); // a redelivered approval is a new envelope here: still older
    expect(await profileOf(vendor.vendorId)).toMatchObject({ displayName: 'Newest Name', status: 'ACTIVE' });
  });

  it('keeps a vendor known only from a profile change PENDING (cannot sell) until the approval arrives, keeping the newer name', async () => {
    const vendor = newVendor();
    await update(vendor, 'Early Name', t(30));
    expect(await profileOf(vendor.vendorId)).toEqual({
      displayName: 'Early Name',
      slug: `${vendor.slug}-10`,
      status: 'PENDING',
    });
    const token = tokenFor(vendor.userId, 'VENDOR');
    const refused = await catalog.client.request(CREATE, { variables: { input: input() }, token });
    expect(refused.errors?.[0]).toMatchObject({
      message: 'Only approved vendors can sell products',
      extensions: { code: 'FORBIDDEN' },
    });
    await approve(vendor, t(0));
    expect(await profileOf(vendor.vendorId)).toMatchObject({ displayName: 'Early Name', status: 'ACTIVE' });
    expect(
      (await catalog.client.data(CREATE, { variables: { input: input() }, token })).createProduct.product.status,
    ).toBe('DRAFT');
  });

  it('applies a redelivered vendor.updated once', async () => {
    const vendor = newVendor();
    await approve(vendor, t(0));
    const envelope = await update(vendor, 'Once', t(40));
    await deliver(catalog, envelope);
    expect(
      await queryRows(catalog.subgraph.deps.db, `SELECT handler FROM inbox WHERE event_id = $1`, [envelope.id]),
    ).toEqual([{ handler: 'replicate-vendor-updated' }]);
    expect((await profileOf(vendor.vendorId)).displayName).toBe('Once');
  });

  it('dead-letters a malformed vendor.updated without touching the replica', async () => {
    const vendor = newVendor();
    await approve(vendor, t(0));
    const envelope = createEnvelope(
      Events.VendorUpdated,
      { vendorId: vendor.vendorId, userId: vendor.userId, displayName: 'Fine', slug: 'fine' },
      { source: 'test', correlationId: 'bad', aggregateId: vendor.vendorId },
    );
    (envelope.payload as { displayName: string }).displayName = '';
    await deliver(catalog, envelope);
    expect(
      await queryRows(
        catalog.subgraph.deps.db,
        `SELECT count(*)::int AS n FROM dead_letters WHERE body::jsonb->>'id' = $1`,
        [envelope.id],
      ),
    ).toEqual([{ n: 1 }]);
    expect((await profileOf(vendor.vendorId)).displayName).toBe('Replica Shop');
  });
});

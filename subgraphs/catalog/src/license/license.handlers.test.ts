import { randomUUID } from 'node:crypto';
import { Events, createEnvelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, deliverEvent } from '@marketplace/kit/testing';
import { startCatalog } from '../testing';

/** license.issued (licensing → catalog) becomes a local record: proof of purchase for reviews. */
let catalog: TestSubgraph;
beforeAll(async () => {
  catalog = await startCatalog();
});
afterAll(() => catalog.close());

const licensesOf = (ownerId: string) =>
  queryRows(
    catalog.subgraph.deps.db,
    `SELECT id, product_id AS "productId", order_id AS "orderId", revoked_at AS "revokedAt" FROM licenses WHERE owner_id = $1`,
    [ownerId],
  );

it('records an issued license once, however often the event arrives', async () => {
  const license = { licenseId: randomUUID(), productId: randomUUID(), ownerId: randomUUID(), orderId: randomUUID() };
  const envelope = await deliverEvent(catalog, Events.LicenseIssued, license);
  await catalog.subgraph.events.transport.publish(envelope); // redelivery: the inbox swallows it
  await deliverEvent(catalog, Events.LicenseIssued, license); // a second envelope with the same license: no second row
  expect(await licensesOf(license.ownerId)).toEqual([
    { id: license.licenseId, productId: license.productId, orderId: license.orderId, revokedAt: null },
  ]);
  const line = catalog.logs.records().find((r) => r.msg === 'license recorded' && r.licenseId === license.licenseId);
  expect(line).toMatchObject({ correlationId: envelope.correlationId, recorded: true });
});

it('dead-letters a malformed license.issued and records nothing', async () => {
  const ownerId = randomUUID();
  const envelope = createEnvelope(
    Events.LicenseIssued,
    { licenseId: randomUUID(), productId: randomUUID(), ownerId, orderId: randomUUID() },
    { source: 'test', correlationId: 'bad', aggregateId: randomUUID() },
  );
  (envelope.payload as { productId: string }).productId = 'not-a-uuid';
  await deliver(catalog, envelope);
  expect(await licensesOf(ownerId)).toEqual([]);
  expect(
    (
      await queryRows(
        catalog.subgraph.deps.db,
        `SELECT count(*)::int AS n FROM dead_letters WHERE body::jsonb->>'id' = $1`,
        [envelope.id],
      )
    )[0].n,
  ).toBe(1);
});

it('marks a revoked license, once, even when the revocation overtakes the issue', async () => {
  const license = { licenseId: randomUUID(), productId: randomUUID(), ownerId: randomUUID(), orderId: randomUUID() };
  await deliverEvent(catalog, Events.LicenseIssued, license);
  await deliverEvent(catalog, Events.LicenseRevoked, { ...license, reason: 'refund' });
  const [first] = await licensesOf(license.ownerId);
  expect(first.revokedAt).toBeInstanceOf(Date);
  await deliverEvent(catalog, Events.LicenseRevoked, { ...license, reason: 'refund' });
  expect(await licensesOf(license.ownerId)).toEqual([first]);

  const early = { licenseId: randomUUID(), productId: randomUUID(), ownerId: randomUUID(), orderId: randomUUID() };
  await deliverEvent(catalog, Events.LicenseRevoked, { ...early, reason: 'refund' });
  await deliverEvent(catalog, Events.LicenseIssued, early);
  expect((await licensesOf(early.ownerId)).map((row) => row.revokedAt)).toEqual([expect.any(Date)]);
});

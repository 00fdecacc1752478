import { randomUUID } from 'node:crypto';
import { Events, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, deliverEvent } from '@marketplace/kit/testing';
import { startOrders } from '../testing';

/** The vendor replica follows the vendor subgraph's events, in whatever order they arrive. */
let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const t = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes)).toISOString();
const vendor = () => ({ vendorId: randomUUID(), userId: randomUUID() });
const profile = { displayName: 'Acme', slug: 'acme' };

const replicaOf = async (vendorId: string) =>
  (
    await queryRows(orders.subgraph.deps.db, `SELECT user_id AS "userId", status FROM vendors WHERE id = $1`, [
      vendorId,
    ])
  )[0];

it('vendor.approved makes the vendor ACTIVE with its user; suspended and reinstated follow', async () => {
  const v = vendor();
  await deliverEvent(orders, Events.VendorApproved, { ...v, ...profile, commissionBps: 1500 }, { occurredAt: t(1) });
  expect(await replicaOf(v.vendorId)).toEqual({ userId: v.userId, status: 'ACTIVE' });
  await deliverEvent(orders, Events.VendorSuspended, v, { occurredAt: t(2) });
  expect((await replicaOf(v.vendorId)).status).toBe('SUSPENDED');
  await deliverEvent(orders, Events.VendorReinstated, v, { occurredAt: t(3) });
  expect((await replicaOf(v.vendorId)).status).toBe('ACTIVE');
});

it('an older status event arriving late changes nothing', async () => {
  const v = vendor();
  await deliverEvent(orders, Events.VendorSuspended, v, { occurredAt: t(12) });
  await deliverEvent(orders, Events.VendorApproved, { ...v, ...profile, commissionBps: 1500 }, { occurredAt: t(11) });
  expect((await replicaOf(v.vendorId)).status).toBe('SUSPENDED');
});

it('vendor.updated before the approval leaves the vendor PENDING until a status event arrives, whenever it happened', async () => {
  const v = vendor();
  await deliverEvent(orders, Events.VendorUpdated, { ...v, ...profile }, { occurredAt: t(22) });
  expect(await replicaOf(v.vendorId)).toEqual({ userId: v.userId, status: 'PENDING' });
  await deliverEvent(orders, Events.VendorApproved, { ...v, ...profile, commissionBps: 1500 }, { occurredAt: t(21) });
  expect((await replicaOf(v.vendorId)).status).toBe('ACTIVE');
  await deliverEvent(orders, Events.VendorUpdated, { ...v, ...profile }, { occurredAt: t(23) });
  expect((await replicaOf(v.vendorId)).status).toBe('ACTIVE');
});

it('applies a redelivered event once', async () => {
  const v = vendor();
  const envelope = await deliverEvent(orders, Events.VendorSuspended, v);
  await deliver(orders, envelope);
  expect(
    await queryRows(orders.subgraph.deps.db, `SELECT handler FROM inbox WHERE event_id = $1`, [envelope.id]),
  ).toEqual([{ handler: 'replicate-vendor-suspended' }]);
  expect((await replicaOf(v.vendorId)).status).toBe('SUSPENDED');
});

import { DemoIds, queryRows } from '@marketplace/kit';
import { TestSubgraph, outboxOf } from '@marketplace/kit/testing';
import { startVendor } from './testing';

let vendor: TestSubgraph;
beforeAll(async () => {
  vendor = await startVendor();
});
afterAll(() => vendor.close());

const db = () => vendor.subgraph.deps.db;

it('creates the two demo vendors ACTIVE and records vendor.approved for each, once however often it runs', async () => {
  await Promise.all([vendor.subgraph.wiring.seed!(), vendor.subgraph.wiring.seed!()]);
  await vendor.subgraph.wiring.seed!();
  const rows = await queryRows(
    db(),
    'SELECT id, user_id, display_name, slug, status, commission_bps, bio, approved_at IS NOT NULL AS approved FROM vendors ORDER BY slug',
  );
  expect(rows).toEqual([
    {
      id: DemoIds.vendors.ada,
      user_id: DemoIds.users.ada,
      display_name: 'Ada Agents',
      slug: 'ada-agents',
      status: 'ACTIVE',
      commission_bps: 1500,
      bio: expect.any(String),
      approved: true,
    },
    {
      id: DemoIds.vendors.grace,
      user_id: DemoIds.users.grace,
      display_name: 'Grace Workflows',
      slug: 'grace-workflows',
      status: 'ACTIVE',
      commission_bps: 1500,
      bio: expect.any(String),
      approved: true,
    },
  ]);
  for (const [key, name, slug] of [
    ['ada', 'Ada Agents', 'ada-agents'],
    ['grace', 'Grace Workflows', 'grace-workflows'],
  ] as const) {
    const envelopes = await outboxOf(vendor, DemoIds.vendors[key]);
    expect(envelopes).toEqual([
      expect.objectContaining({
        type: 'vendor.approved',
        source: 'vendor',
        aggregateId: DemoIds.vendors[key],
        payload: {
          vendorId: DemoIds.vendors[key],
          userId: DemoIds.users[key],
          displayName: name,
          slug,
          commissionBps: 1500,
        },
      }),
    ]);
  }
});

it('leaves a demo vendor an admin changed as it is', async () => {
  await vendor.subgraph.wiring.seed!();
  await db().query(`UPDATE vendors SET status = 'SUSPENDED', suspension_reason = 'test' WHERE id = $1`, [
    DemoIds.vendors.grace,
  ]);
  await vendor.subgraph.wiring.seed!();
  const [row] = await queryRows(db(), 'SELECT status FROM vendors WHERE id = $1', [DemoIds.vendors.grace]);
  expect(row.status).toBe('SUSPENDED');
  expect(await outboxOf(vendor, DemoIds.vendors.grace)).toHaveLength(1);
});

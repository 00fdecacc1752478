import { DemoIds, Events, Outbox } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import type { VendorConfig } from './config';
import { Vendor, VendorStatus } from './vendor-account/vendor.entity';
import { approvedPayload } from './vendor-account/vendor.events';

/** The demo vendors `npm start` shows, owned by the users subgraph's demo vendors. */
export const DEMO_VENDORS = [
  {
    id: DemoIds.vendors.ada,
    userId: DemoIds.users.ada,
    displayName: 'Ada Agents',
    slug: 'ada-agents',
    bio: 'Autonomous agents for research, support and code review, tested on real workloads.',
  },
  {
    id: DemoIds.vendors.grace,
    userId: DemoIds.users.grace,
    displayName: 'Grace Workflows',
    slug: 'grace-workflows',
    bio: 'Ready-made automation workflows for finance, sales and operations teams.',
  },
] as const;

/**
 * Idempotent: a vendor that exists (by id, user or slug) is left as it is. Each one inserted
 * records `vendor.approved` in the same transaction, so other subgraphs' replicas learn about it.
 */
export async function seedVendors(db: DataSource, outbox: Outbox, config: VendorConfig): Promise<void> {
  await db.transaction(async (manager) => {
    for (const demo of DEMO_VENDORS) {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(Vendor)
        .values({
          ...demo,
          status: VendorStatus.ACTIVE,
          commissionBps: config.defaultCommissionBps,
          approvedAt: new Date(),
        })
        .orIgnore()
        .returning('*')
        .execute();
      if (Array.isArray(inserted.raw) && inserted.raw.length === 0) continue;
      const vendor = manager.create(Vendor, { ...demo, commissionBps: config.defaultCommissionBps });
      await outbox.record(manager, Events.VendorApproved, approvedPayload(vendor), {
        aggregateId: vendor.id,
        correlationId: 'seed',
      });
    }
  });
}

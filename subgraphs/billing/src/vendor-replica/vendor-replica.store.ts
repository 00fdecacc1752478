import { defineLoader, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';

/** Which user runs which vendor, from vendor.approved / vendor.updated: who may read invoices with a vendor's lines. */
export class VendorReplica {
  constructor(private readonly db: DataSource) {}

  async keep(manager: EntityManager, vendorId: string, userId: string): Promise<void> {
    await manager.query(
      `INSERT INTO vendors (vendor_id, user_id) VALUES ($1, $2)
       ON CONFLICT (vendor_id) DO UPDATE SET user_id = EXCLUDED.user_id`,
      [vendorId, userId],
    );
  }

  /** The vendors a user runs, per request. */
  readonly vendorIdsOf = defineLoader<string, string[]>(async (userIds) => {
    const rows = await queryRows<{ vendorId: string; userId: string }>(
      this.db,
      `SELECT vendor_id AS "vendorId", user_id AS "userId" FROM vendors WHERE user_id = ANY($1)`,
      [[...new Set(userIds)]],
    );
    return userIds.map((userId) => rows.filter((row) => row.userId === userId).map((row) => row.vendorId));
  });
}

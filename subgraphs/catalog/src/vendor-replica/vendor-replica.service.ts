import { RequestContext, forbidden, queryRows, requireViewer } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { VendorReplica, VendorStatus } from './vendor-replica.entity';

export interface VendorChange {
  vendorId: string;
  userId: string;
  displayName?: string;
  status: VendorStatus;
  /** When the vendor subgraph made the change (the event's occurredAt). */
  at: string;
}

const COLUMNS = `id, user_id AS "userId", display_name AS "displayName", status, status_changed_at AS "statusChangedAt", updated_at AS "updatedAt"`;

/** The catalog's replica of vendors: who may sell, and who is whose vendor. */
export class VendorReplicaService {
  /**
   * Applies a vendor event idempotently and in any arrival order: a status only moves to
   * a change that happened later than the one it reflects.
   */
  async apply(manager: EntityManager, change: VendorChange): Promise<VendorReplica> {
    const [row] = await queryRows<VendorReplica>(
      manager,
      `INSERT INTO vendors AS v (id, user_id, display_name, status, status_changed_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET
         user_id = EXCLUDED.user_id,
         display_name = coalesce(EXCLUDED.display_name, v.display_name),
         status = CASE WHEN EXCLUDED.status_changed_at >= v.status_changed_at THEN EXCLUDED.status ELSE v.status END,
         status_changed_at = greatest(v.status_changed_at, EXCLUDED.status_changed_at),
         updated_at = now()
       RETURNING ${COLUMNS}`,
      [change.vendorId, change.userId, change.displayName ?? null, change.status, change.at],
    );
    return row;
  }

  /** The vendor the user runs, if any. `lock` holds its status until the transaction ends. */
  async ofUser(manager: DataSource | EntityManager, userId: string, lock = false): Promise<VendorReplica | null> {
    const [row] = await queryRows<VendorReplica>(manager, `SELECT ${COLUMNS} FROM vendors WHERE user_id = $1${lock ? ' FOR SHARE' : ''}`, [userId]);
    return row ?? null;
  }

  /** One vendor by id, its row shared-locked: a suspension waits for the caller's transaction, and vice versa. */
  async lockShared(manager: EntityManager, vendorId: string): Promise<VendorReplica | null> {
    const [row] = await queryRows<VendorReplica>(manager, `SELECT ${COLUMNS} FROM vendors WHERE id = $1 FOR SHARE`, [vendorId]);
    return row ?? null;
  }

  /** The signed-in viewer's vendor, which must exist and not be suspended (vendors only). */
  async requireSellingVendor(context: RequestContext, manager: EntityManager): Promise<VendorReplica> {
    const viewer = requireViewer(context);
    const vendor = await this.ofUser(manager, viewer.id, true);
    if (!vendor) throw forbidden('Only approved vendors can sell products');
    if (vendor.status !== VendorStatus.ACTIVE) throw forbidden('Your vendor account is suspended');
    return vendor;
  }
}

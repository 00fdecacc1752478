import { queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';

export type VendorStatus = 'PENDING' | 'ACTIVE' | 'SUSPENDED';

/** What orders knows of a vendor: who runs it and whether it may sell (create coupons). */
export interface ReplicaVendor {
  id: string;
  userId: string;
  status: VendorStatus;
}

/** One vendor event: the vendor and its user, the status it sets (none for a profile change), and when it happened. */
export interface VendorChange {
  vendorId: string;
  userId: string;
  status?: Exclude<VendorStatus, 'PENDING'>;
  at: string;
}

const COLUMNS = `id, user_id AS "userId", status`;

/**
 * The orders subgraph's replica of vendors, applied idempotently in any arrival order: the
 * status only moves to a change that happened later than the one it reflects. A vendor first
 * known from a profile change is PENDING "as of" the beginning of time, so any status event wins.
 */
export class VendorReplicaService {
  async apply(manager: EntityManager, change: VendorChange): Promise<ReplicaVendor> {
    const [row] = await queryRows<ReplicaVendor>(
      manager,
      `INSERT INTO vendors AS v (id, user_id, status, status_changed_at)
       VALUES ($1, $2, coalesce($3, 'PENDING'), CASE WHEN $3::text IS NULL THEN '-infinity' ELSE $4::timestamptz END)
       ON CONFLICT (id) DO UPDATE SET
         user_id = EXCLUDED.user_id,
         status = CASE WHEN EXCLUDED.status_changed_at >= v.status_changed_at THEN EXCLUDED.status ELSE v.status END,
         status_changed_at = greatest(v.status_changed_at, EXCLUDED.status_changed_at),
         updated_at = now()
       RETURNING ${COLUMNS}`,
      [change.vendorId, change.userId, change.status ?? null, change.at],
    );
    return row;
  }

  /** The vendor the user runs, if any; `share` holds its status (FOR SHARE) until the transaction ends. */
  async ofUser(db: DataSource | EntityManager, userId: string, share = false): Promise<ReplicaVendor | null> {
    const [row] = await queryRows<ReplicaVendor>(
      db,
      `SELECT ${COLUMNS} FROM vendors WHERE user_id = $1 ORDER BY status = 'ACTIVE' DESC, id LIMIT 1${share ? ' FOR SHARE' : ''}`,
      [userId],
    );
    return row ?? null;
  }
}

import { Events, PayloadOf, RequestContext, forbidden, queryRows, requireViewer } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { VendorReplica, VendorStatus } from './vendor-replica.entity';

type VendorProfile = PayloadOf<typeof Events.VendorUpdated>;

/**
 * What one vendor event tells the replica: the profile (given by vendor.approved and
 * vendor.updated), the status (given by status events), and when the vendor subgraph made
 * the change (the event's occurredAt).
 */
export type VendorChange = Pick<VendorProfile, 'vendorId' | 'userId'> &
  Partial<Pick<VendorProfile, 'displayName' | 'slug'>> & { status?: VendorStatus; at: string };

const COLUMNS = `id, user_id AS "userId", display_name AS "displayName", slug, status, status_changed_at AS "statusChangedAt",
  profile_changed_at AS "profileChangedAt", updated_at AS "updatedAt"`;

/** The catalog's replica of vendors: who may sell, and who is whose vendor. */
export class VendorReplicaService {
  /** `onChange` hears of every applied event, inside its transaction (the storefront cache is superseded after commit). */
  constructor(private readonly onChange: (manager: EntityManager) => void = () => undefined) {}

  /**
   * Applies a vendor event idempotently and in any arrival order: the status and the
   * profile each only move to a change that happened later than the one they reflect. A
   * profile change of a vendor not seen before leaves it PENDING, "as of" the beginning of
   * time, so that any status event wins.
   */
  async apply(manager: EntityManager, change: VendorChange): Promise<VendorReplica> {
    const [row] = await queryRows<VendorReplica>(
      manager,
      `INSERT INTO vendors AS v (id, user_id, display_name, slug, status, status_changed_at, profile_changed_at)
       VALUES ($1, $2, $3, $4, coalesce($5, 'PENDING'),
               CASE WHEN $5::text IS NULL THEN '-infinity' ELSE $6::timestamptz END,
               CASE WHEN $3::text IS NULL THEN '-infinity' ELSE $6::timestamptz END)
       ON CONFLICT (id) DO UPDATE SET
         user_id = EXCLUDED.user_id,
         display_name = CASE WHEN EXCLUDED.display_name IS NOT NULL AND EXCLUDED.profile_changed_at >= v.profile_changed_at THEN EXCLUDED.display_name ELSE v.display_name END,
         slug = CASE WHEN EXCLUDED.display_name IS NOT NULL AND EXCLUDED.profile_changed_at >= v.profile_changed_at THEN coalesce(EXCLUDED.slug, v.slug) ELSE v.slug END,
         profile_changed_at = greatest(v.profile_changed_at, EXCLUDED.profile_changed_at),
         status = CASE WHEN EXCLUDED.status_changed_at >= v.status_changed_at THEN EXCLUDED.status ELSE v.status END,
         status_changed_at = greatest(v.status_changed_at, EXCLUDED.status_changed_at),
         updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        change.vendorId,
        change.userId,
        change.displayName ?? null,
        change.slug ?? null,
        change.status ?? null,
        change.at,
      ],
    );
    this.onChange(manager);
    return row;
  }

  /** The vendor the user runs, if any. `lock` holds its status until the transaction ends. */
  async ofUser(manager: DataSource | EntityManager, userId: string, lock = false): Promise<VendorReplica | null> {
    const [row] = await queryRows<VendorReplica>(
      manager,
      `SELECT ${COLUMNS} FROM vendors WHERE user_id = $1${lock ? ' FOR SHARE' : ''}`,
      [userId],
    );
    return row ?? null;
  }

  /** One vendor by id, its row shared-locked: a suspension waits for the caller's transaction, and vice versa. */
  async lockShared(manager: EntityManager, vendorId: string): Promise<VendorReplica | null> {
    const [row] = await queryRows<VendorReplica>(manager, `SELECT ${COLUMNS} FROM vendors WHERE id = $1 FOR SHARE`, [
      vendorId,
    ]);
    return row ?? null;
  }

  /** The signed-in viewer's vendor, which must exist and not be suspended (vendors only). */
  async requireSellingVendor(context: RequestContext, manager: EntityManager): Promise<VendorReplica> {
    const viewer = requireViewer(context);
    const vendor = await this.ofUser(manager, viewer.id, true);
    if (!vendor || vendor.status === VendorStatus.PENDING)
      throw forbidden('Only approved vendors can sell products', 'NOT_A_VENDOR');
    if (vendor.status !== VendorStatus.ACTIVE) throw forbidden('Your vendor account is suspended', 'VENDOR_SUSPENDED');
    return vendor;
  }
}

import { ConnectionShape, PageFields, oldestFirstPage } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { Vendor, VendorStatus } from '../vendor-account/vendor.entity';
import { QueuedVendor } from './moderation-queue.type';

const VENDOR_COLUMNS = `id, user_id AS "userId", display_name AS "displayName", slug, bio, status, commission_bps AS "commissionBps",
  rejection_reason AS "rejectionReason", suspension_reason AS "suspensionReason", created_at AS "createdAt",
  approved_at AS "approvedAt", submitted_at AS "submittedAt", updated_at AS "updatedAt"`;

/** The vendor subgraph's part of the moderation queue: applications waiting for an admin. */
export class ModerationQueueService {
  constructor(private readonly db: DataSource) {}

  /** PENDING vendors, oldest application first (two statements: the count, the page). */
  vendors(page: PageFields): Promise<ConnectionShape<QueuedVendor>> {
    const now = Date.now();
    return oldestFirstPage(
      this.db,
      {
        columns: VENDOR_COLUMNS,
        from: 'vendors',
        where: 'status = $1',
        parameters: [VendorStatus.PENDING],
        orderBy: ['submitted_at', 'id'],
      },
      page,
      (row: Vendor) =>
        Object.assign(new QueuedVendor(), {
          vendor: Object.assign(new Vendor(), row),
          submittedAt: row.submittedAt,
          waitingSeconds: Math.max(0, Math.floor((now - row.submittedAt.getTime()) / 1000)),
        }),
      (queued) => ({ time: queued.submittedAt, id: queued.vendor.id }),
    );
  }
}

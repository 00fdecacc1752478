import { DATA_EXPORT_MAX_ROWS, dataExportPartHandler, queryRows, userErasedHandler } from '@marketplace/kit';
import type { VendorImageService } from '../vendor-image/vendor-image.service';

const LIMIT = DATA_EXPORT_MAX_ROWS + 1;
const ERASED_REASON = 'Account erased';

/**
 * The user's vendor records in a data export (profile, images, ledger, payouts), and their
 * erasure: the profile's personal fields (name, slug, bio, website, social links, reasons
 * written about it) are anonymised, its logo and banner deleted, and it stops selling
 * (ACTIVE → SUSPENDED, PENDING → REJECTED); the ledger and payouts stay as they are
 * (accounting), referring to the vendor, whose user is now the pseudonym.
 */
export const vendorPrivacyHandlers = (images: Pick<VendorImageService, 'eraseAllOfUser'>) => [
  dataExportPartHandler('vendor', async (manager, userId) => ({
    vendorProfile: await queryRows(
      manager,
      `SELECT id, display_name AS "displayName", slug, bio, website, social_links AS "socialLinks", status,
              commission_bps AS "commissionBps",
              rejection_reason AS "rejectionReason", suspension_reason AS "suspensionReason",
              created_at AS "createdAt", approved_at AS "approvedAt", updated_at AS "updatedAt"
         FROM vendors WHERE user_id = $1`,
      [userId],
    ),
    // The current logo and banner (metadata; the files are public at /media/vendors/<mediaId>/<file>).
    vendorImages: await queryRows(
      manager,
      `SELECT i.kind, i.media_id AS "mediaId", i.original_file AS "originalFile", i.width, i.height,
              i.uploaded_at AS "uploadedAt"
         FROM vendor_images i JOIN vendors v ON v.id = i.vendor_id
        WHERE v.user_id = $1 AND i.removed_at IS NULL ORDER BY i.kind`,
      [userId],
    ),
    ledgerEntries: await queryRows(
      manager,
      `SELECT e.id, e.kind, e.amount, e.currency, e.order_id AS "orderId", e.product_id AS "productId",
              e.product_name AS "productName", e.payout_id AS "payoutId", e.occurred_at AS "occurredAt",
              e.available_at AS "availableAt"
         FROM ledger_entries e JOIN vendors v ON v.id = e.vendor_id
        WHERE v.user_id = $1 ORDER BY e.occurred_at DESC, e.id DESC LIMIT $2`,
      [userId, LIMIT],
    ),
    payouts: await queryRows(
      manager,
      `SELECT p.id, p.amount, p.currency, p.status, p.reason, p.requested_at AS "requestedAt", p.paid_at AS "paidAt",
              p.rejected_at AS "rejectedAt"
         FROM payouts p JOIN vendors v ON v.id = p.vendor_id
        WHERE v.user_id = $1 ORDER BY p.requested_at DESC, p.id DESC LIMIT $2`,
      [userId, LIMIT],
    ),
  })),
  userErasedHandler('vendor', async (manager, { userId, pseudonym }) => {
    // Before the profile moves to the pseudonym: rows now, files once this commits.
    const erasedImages = await images.eraseAllOfUser(manager, userId);
    const [, vendors] = await manager.query<[unknown[], number]>(
      `UPDATE vendors SET user_id = $2, display_name = 'Deleted vendor', bio = NULL,
              website = NULL, social_links = '[]',
              slug = 'deleted-' || substr(md5(random()::text), 1, 12),
              status = CASE status WHEN 'ACTIVE' THEN 'SUSPENDED' WHEN 'PENDING' THEN 'REJECTED' ELSE status END,
              rejection_reason = CASE WHEN status IN ('PENDING', 'REJECTED') THEN $3 END,
              suspension_reason = CASE WHEN status IN ('ACTIVE', 'SUSPENDED') THEN $3 END,
              updated_at = now()
        WHERE user_id = $1`,
      [userId, pseudonym, ERASED_REASON],
    );
    return { vendors, images: erasedImages };
  }),
];

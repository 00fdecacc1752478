import {
  ConnectionShape,
  Outbox,
  PageFields,
  RequestContext,
  defineLoader,
  isUuid,
  newestFirstPage,
  notFound,
  queryRows,
  recordAudit,
  requestOrigin,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { Vendor } from '../vendor-account/vendor.entity';
import { SetVendorCommissionInput } from './commission.inputs';
import { COMMISSION_COLUMNS, VendorCommissionTerms, toTerms } from './commission.type';
import { CommissionInputCheck } from './commission.validation';

/**
 * Vendors' commission rates over time (`vendor_commission_rates`). A new rate takes effect
 * when the change runs, for sales paid from then on; the ledger credits each sale at the rate
 * in force when its order was paid (LedgerService), so a change never touches recorded sales
 * nor sales paid before it, however late their `order.paid` is handled.
 */
export class CommissionService {
  constructor(
    private readonly db: DataSource,
    private readonly outbox: Outbox,
    /** After a committed change: `Vendor.commissionRate` is public. */
    private readonly announcePublicChange: () => Promise<void> = async () => undefined,
  ) {}

  /** Each vendor's rate in force (its latest history row, in force from the millisecond after it was set), one statement per request tick. */
  readonly currentOf = defineLoader<string, VendorCommissionTerms | null>(async (vendorIds) => {
    const valid = [...new Set(vendorIds.filter(isUuid))];
    const rows = valid.length
      ? await queryRows<VendorCommissionTerms & { vendorId: string }>(
          this.db,
          `SELECT DISTINCT ON (vendor_id) ${COMMISSION_COLUMNS} FROM vendor_commission_rates
            WHERE vendor_id = ANY($1::uuid[])
            ORDER BY vendor_id, effective_from DESC`,
          [valid],
        )
      : [];
    const current = new Map(rows.map((row) => [row.vendorId, toTerms(row)] as const));
    return vendorIds.map((vendorId) => current.get(vendorId) ?? null);
  });

  /** A vendor's rates, the latest first. */
  history(vendorId: string, page: PageFields): Promise<ConnectionShape<VendorCommissionTerms>> {
    return newestFirstPage(
      this.db,
      {
        columns: COMMISSION_COLUMNS,
        from: 'vendor_commission_rates',
        where: 'vendor_id = $1',
        parameters: [vendorId],
        orderBy: ['effective_from', 'id'],
      },
      page,
      toTerms,
      (terms) => terms.since,
    );
  }

  /**
   * Sets a vendor's rate for sales paid from now on (admin). Locks the vendor row first: a
   * credit being written meanwhile holds a share lock on it, so the new rate's start is
   * stamped only after that credit committed (it paid before the change), and a credit that
   * starts later reads the new history. The same rate again changes nothing.
   */
  async set(
    context: RequestContext,
    input: SetVendorCommissionInput,
  ): Promise<{ vendor: Vendor; terms: VendorCommissionTerms }> {
    const admin = requireViewer(context);
    const check = new CommissionInputCheck();
    const vendorId = check.id('input.vendorId', input.vendorId);
    const rateBps = check.rateBps('input.rateBps', input.rateBps);
    check.done();
    const result = await this.db.transaction(async (manager) => {
      const vendor = await manager
        .getRepository(Vendor)
        .findOne({ where: { id: vendorId }, lock: { mode: 'pessimistic_write' } });
      if (!vendor) throw notFound('Vendor');
      const before = vendor.commissionBps;
      if (before === rateBps) {
        const [current] = await queryRows<VendorCommissionTerms>(
          manager,
          `SELECT ${COMMISSION_COLUMNS} FROM vendor_commission_rates WHERE vendor_id = $1 ORDER BY effective_from DESC LIMIT 1`,
          [vendorId],
        );
        return { vendor, terms: toTerms(current), changed: false };
      }
      // From the next millisecond (never before this lock was taken), and after the latest rate.
      const [row] = await queryRows<VendorCommissionTerms>(
        manager,
        `INSERT INTO vendor_commission_rates (vendor_id, rate_bps, effective_from, changed_by)
         SELECT $1, $2, GREATEST(date_trunc('milliseconds', clock_timestamp()) + interval '1 millisecond',
                                 max(effective_from) + interval '1 millisecond'), $3
           FROM vendor_commission_rates WHERE vendor_id = $1
         RETURNING ${COMMISSION_COLUMNS}`,
        [vendorId, rateBps, admin.id],
      );
      await manager.query(`UPDATE vendors SET commission_bps = $2, updated_at = now() WHERE id = $1`, [
        vendorId,
        rateBps,
      ]);
      vendor.commissionBps = rateBps;
      const terms = toTerms(row);
      await recordAudit(manager, this.outbox, requestOrigin(context), {
        action: 'VENDOR_COMMISSION_CHANGED',
        targetType: 'Vendor',
        targetId: vendorId,
        before: { rateBps: before },
        after: { rateBps, since: terms.since.toISOString() },
      });
      return { vendor, terms, changed: true };
    });
    if (result.changed) {
      context.log.info({ vendorId, rateBps, since: result.terms.since }, 'vendor commission changed');
      await this.announcePublicChange();
    }
    return { vendor: result.vendor, terms: result.terms };
  }
}

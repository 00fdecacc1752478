import {
  ConnectionShape,
  PageArgs,
  RequestContext,
  alignToKeys,
  conflict,
  defineLoader,
  forbidden,
  isUuid,
  newestFirstPage,
  notFound,
  queryRows,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { DEFAULT_CURRENCY, checkCurrency } from '../ledger/ledger.service';
import { toAmount } from '../ledger/ledger.math';
import { VendorStatus } from '../vendor-account/vendor.entity';
import type { VendorService } from '../vendor-account/vendor.service';
import { REASON_MAX_LENGTH, VendorInputCheck } from '../vendor-account/vendor.validation';
import { PayoutTransitionName, nextPayoutStatus } from './payout.transitions';
import { PAYOUT_COLUMNS, Payout, PayoutRow, PayoutStatus, toPayout } from './payout.type';

/**
 * Payouts out of a vendor's available balance. A request locks the vendor row, so requests
 * of one vendor are decided one after the other, each seeing the ones before it: together
 * they never take more than was available. The money leaves the balance when requested
 * (a PAYOUT entry) and comes back if an admin rejects it (a PAYOUT_REVERSAL entry).
 */
export class PayoutService {
  constructor(
    private readonly db: DataSource,
    private readonly vendors: VendorService,
  ) {}

  /** Payouts by id, one query per request tick (`LedgerEntry.payout`). */
  readonly byId = defineLoader<string, Payout | null>(async (ids) => {
    const valid = [...new Set(ids.filter(isUuid))];
    const rows = valid.length
      ? await queryRows<PayoutRow>(this.db, `SELECT ${PAYOUT_COLUMNS} FROM payouts WHERE id = ANY($1::uuid[])`, [valid])
      : [];
    return alignToKeys(ids, rows.map(toPayout), (payout) => payout.id);
  });

  /** One payout, for its vendor's user and admins; null when unknown or someone else's, alike. */
  async find(context: RequestContext, id: string): Promise<Payout | null> {
    const payout = await this.byId(context).load(id);
    if (!payout) return null;
    const vendor = await this.vendors.byId(context).load(payout.vendorId);
    return vendor && this.vendors.canSeePrivateFields(context, vendor) ? payout : null;
  }

  /** Newest request first, keyset-paged on (requested_at, id); one vendor's or everyone's. */
  async list(
    filter: { vendorId?: string; status?: PayoutStatus | null },
    page: PageArgs,
  ): Promise<ConnectionShape<Payout>> {
    return newestFirstPage(
      this.db,
      {
        columns: PAYOUT_COLUMNS,
        from: 'payouts',
        where: '($1::uuid IS NULL OR vendor_id = $1) AND ($2::text IS NULL OR status = $2)',
        parameters: [filter.vendorId ?? null, filter.status ?? null],
        orderBy: ['requested_at', 'id'],
      },
      page,
      toPayout,
      (payout) => payout.requestedAt,
    );
  }

  /** The signed-in vendor asks for `amount` of its available balance in `currency` (its primary currency by default). */
  async request(context: RequestContext, amount: number, rawCurrency?: string | null): Promise<Payout> {
    const viewer = requireViewer(context);
    const check = new VendorInputCheck();
    if (!Number.isSafeInteger(amount) || amount <= 0)
      check.add('amount', 'must be a whole number of minor units greater than 0');
    let currency: string | undefined;
    try {
      currency = checkCurrency(rawCurrency);
    } catch {
      check.add('currency', 'must be an ISO 4217 code in capitals, e.g. USD');
    }
    check.done();
    const payout = await this.db.transaction(async (manager) => {
      // Requests of one vendor queue here; each sees every payout committed before it.
      const [vendor] = await queryRows<{ id: string; status: VendorStatus }>(
        manager,
        `SELECT id, status FROM vendors WHERE user_id = $1 FOR UPDATE`,
        [viewer.id],
      );
      if (!vendor) throw forbidden('Only vendors can request payouts');
      if (vendor.status !== VendorStatus.ACTIVE) throw forbidden(`A ${vendor.status} vendor cannot request payouts`);
      // The time after the lock: later than every earlier payout's entry, whenever this transaction began.
      const [{ at }] = await queryRows<{ at: Date }>(
        manager,
        `SELECT date_trunc('milliseconds', clock_timestamp()) AS at`,
      );
      currency ??= await primaryCurrency(manager, vendor.id);
      const [{ available }] = await queryRows<{ available: string }>(
        manager,
        `SELECT COALESCE(sum(amount), 0)::text AS available FROM ledger_entries WHERE vendor_id = $1 AND currency = $2 AND available_at <= $3`,
        [vendor.id, currency, at],
      );
      const availableAmount = toAmount(available);
      if (amount > availableAmount) {
        throw conflict(`At most ${availableAmount} ${currency} (minor units) is available for a payout`, {
          available: { amount: availableAmount, currency },
        });
      }
      const [row] = await queryRows<PayoutRow>(
        manager,
        `INSERT INTO payouts (vendor_id, amount, currency, requested_at) VALUES ($1, $2, $3, $4) RETURNING ${PAYOUT_COLUMNS}`,
        [vendor.id, amount, currency, at],
      );
      await manager.query(
        `INSERT INTO ledger_entries (vendor_id, kind, amount, currency, payout_id, occurred_at, available_at) VALUES ($1, 'PAYOUT', $2, $3, $4, $5, $5)`,
        [vendor.id, -amount, currency, row.id, at],
      );
      return toPayout(row);
    });
    context.log.info(
      { payoutId: payout.id, vendorId: payout.vendorId, amount, currency: payout.amount.currency },
      'payout requested',
    );
    return payout;
  }

  /** REQUESTED → PAID (admin): the money was sent; the balance already went down at the request. */
  markPaid(context: RequestContext, id: string): Promise<Payout> {
    return this.transition(context, id, 'pay', async (manager, payout, at) => {
      return queryRows<PayoutRow>(
        manager,
        `UPDATE payouts SET status = 'PAID', paid_at = $2 WHERE id = $1 RETURNING ${PAYOUT_COLUMNS}`,
        [payout.id, at],
      );
    });
  }

  /** REQUESTED → REJECTED (admin) with a reason; the amount goes back to the available balance. */
  reject(context: RequestContext, id: string, rawReason: string): Promise<Payout> {
    const check = new VendorInputCheck();
    const reason = check.multiLineText('reason', rawReason, REASON_MAX_LENGTH, { required: true });
    check.done();
    return this.transition(context, id, 'reject', async (manager, payout, at) => {
      const rows = await queryRows<PayoutRow>(
        manager,
        `UPDATE payouts SET status = 'REJECTED', reason = $2, rejected_at = $3 WHERE id = $1 RETURNING ${PAYOUT_COLUMNS}`,
        [payout.id, reason, at],
      );
      await manager.query(
        `INSERT INTO ledger_entries (vendor_id, kind, amount, currency, payout_id, occurred_at, available_at) VALUES ($1, 'PAYOUT_REVERSAL', $2, $3, $4, $5, $5)`,
        [payout.vendor_id, payout.amount, payout.currency, payout.id, at],
      );
      return rows;
    });
  }

  /** Locks the payout, checks the move is legal from its status, applies it. */
  private async transition(
    context: RequestContext,
    id: string,
    name: PayoutTransitionName,
    apply: (manager: EntityManager, payout: PayoutRow, at: Date) => Promise<PayoutRow[]>,
  ): Promise<Payout> {
    if (!isUuid(id)) throw notFound('Payout');
    const { payout, from } = await this.db.transaction(async (manager) => {
      const [locked] = await queryRows<PayoutRow>(
        manager,
        `SELECT ${PAYOUT_COLUMNS} FROM payouts WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!locked) throw notFound('Payout');
      nextPayoutStatus(locked.status, name);
      const [{ at }] = await queryRows<{ at: Date }>(
        manager,
        `SELECT date_trunc('milliseconds', clock_timestamp()) AS at`,
      );
      const [updated] = await apply(manager, locked, at);
      return { payout: toPayout(updated), from: locked.status };
    });
    context.log.info({ payoutId: id, vendorId: payout.vendorId, from, to: payout.status }, `payout ${name}`);
    return payout;
  }
}

/** The currency most of the vendor's entries are in; USD before the first sale. */
async function primaryCurrency(manager: EntityManager, vendorId: string): Promise<string> {
  const [row] = await queryRows<{ currency: string }>(
    manager,
    `SELECT currency FROM ledger_entries WHERE vendor_id = $1 GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1`,
    [vendorId],
  );
  return row?.currency ?? DEFAULT_CURRENCY;
}

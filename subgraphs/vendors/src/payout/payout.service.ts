import {
  AuditAction,
  ConnectionShape,
  CurrencyCode,
  Events,
  PageFields,
  RequestContext,
  alignToKeys,
  conflict,
  defineLoader,
  forbidden,
  isUniqueViolation,
  isUuid,
  newestFirstPage,
  notFound,
  Outbox,
  queryRows,
  recordAudit,
  requestOrigin,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { VendorReason, checkId } from '../errors';
import { toAmount } from '../ledger/ledger.math';
import { VendorStatus } from '../vendor-account/vendor.entity';
import type { VendorService } from '../vendor-account/vendor.service';
import { REASON_MAX_LENGTH, VendorInputCheck } from '../vendor-account/vendor.validation';
import { RequestPayoutInput } from './payout.inputs';
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
    private readonly outbox: Outbox,
  ) {}

  /** Payouts by id, one query per request tick (`LedgerEntry.payout`). */
  readonly byId = defineLoader<string, Payout | null>(async (ids) => {
    const valid = [...new Set(ids.filter(isUuid))];
    const rows = valid.length
      ? await queryRows<PayoutRow>(this.db, `SELECT ${PAYOUT_COLUMNS} FROM payouts WHERE id = ANY($1::uuid[])`, [valid])
      : [];
    return alignToKeys(ids, rows.map(toPayout), (payout) => payout.id);
  });

  /** One payout, for its vendor's owner and admins; null when unknown, malformed or someone else's, alike. */
  async find(context: RequestContext, id: string): Promise<Payout | null> {
    const payout = await this.byId(context).load(id);
    if (!payout) return null;
    const vendor = await this.vendors.byId(context).load(payout.vendorId);
    return vendor && this.vendors.canSeePrivateFields(context, vendor) ? payout : null;
  }

  /** Newest request first, keyset-paged on (requested_at, id); one vendor's or everyone's. */
  async list(
    filter: { vendorId?: string; status?: PayoutStatus | null },
    page: PageFields,
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

  /**
   * The signed-in vendor asks for `amount` of its available balance in that currency. The
   * vendor row is locked first, so requests of one vendor (a retry with the same key
   * included) are decided one after the other, each seeing the payouts before it.
   */
  async request(context: RequestContext, input: RequestPayoutInput): Promise<RequestedPayout> {
    const viewer = requireViewer(context);
    const { amount, currency, idempotencyKey } = checkRequest(input);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await this.db.transaction((manager) =>
          this.requestIn(manager, viewer.id, amount, currency, idempotencyKey),
        );
        const { payout, replayed } = result;
        context.log.info(
          { payoutId: payout.id, vendorId: payout.vendorId, amount, currency, replayed },
          replayed ? 'payout request replayed' : 'payout requested',
        );
        return result;
      } catch (error) {
        // Only without the vendor lock could a second insert with the key get here; the retry finds the first.
        if (attempt < 2 && isUniqueViolation(error, 'payouts_vendor_idempotency_key_key')) continue;
        throw error;
      }
    }
  }

  private async requestIn(
    manager: EntityManager,
    userId: string,
    amount: number,
    currency: CurrencyCode,
    idempotencyKey: string,
  ): Promise<RequestedPayout> {
    // Requests of one vendor queue here; each sees every payout committed before it.
    const [vendor] = await queryRows<{ id: string; status: VendorStatus }>(
      manager,
      `SELECT id, status FROM vendors WHERE user_id = $1 FOR UPDATE`,
      [userId],
    );
    if (!vendor) throw forbidden('Only vendors can request payouts', VendorReason.NOT_A_VENDOR);
    const [earlier] = await queryRows<PayoutRow>(
      manager,
      `SELECT ${PAYOUT_COLUMNS} FROM payouts WHERE vendor_id = $1 AND idempotency_key = $2`,
      [vendor.id, idempotencyKey],
    );
    if (earlier) {
      const first = toPayout(earlier);
      if (first.amount.amount !== amount || first.amount.currency !== currency)
        throw conflict(
          `This idempotency key was used for a payout of ${first.amount.amount} ${first.amount.currency}; use a new key for another payout`,
          VendorReason.IDEMPOTENCY_KEY_REUSED,
        );
      return { payout: first, replayed: true };
    }
    if (vendor.status !== VendorStatus.ACTIVE)
      throw forbidden(`A ${vendor.status} vendor cannot request payouts`, VendorReason.VENDOR_NOT_ACTIVE);
    // The time after the lock: later than every earlier payout's entry, whenever this transaction began.
    const [{ at }] = await queryRows<{ at: Date }>(
      manager,
      `SELECT date_trunc('milliseconds', clock_timestamp()) AS at`,
    );
    const [{ available }] = await queryRows<{ available: string }>(
      manager,
      `SELECT COALESCE(sum(amount), 0)::bigint::text AS available FROM ledger_entries WHERE vendor_id = $1 AND currency = $2 AND available_at <= $3`,
      [vendor.id, currency, at],
    );
    const availableAmount = toAmount(available);
    if (amount > availableAmount) {
      throw conflict(
        `Not enough available balance: ${availableAmount} ${currency} (minor units) is available`,
        VendorReason.INSUFFICIENT_BALANCE,
      );
    }
    const [row] = await queryRows<PayoutRow>(
      manager,
      `INSERT INTO payouts (vendor_id, amount, currency, requested_at, idempotency_key) VALUES ($1, $2, $3, $4, $5) RETURNING ${PAYOUT_COLUMNS}`,
      [vendor.id, amount, currency, at, idempotencyKey],
    );
    await manager.query(
      `INSERT INTO ledger_entries (vendor_id, kind, amount, currency, payout_id, occurred_at, available_at) VALUES ($1, 'PAYOUT', $2, $3, $4, $5, $5)`,
      [vendor.id, -amount, currency, row.id, at],
    );
    return { payout: toPayout(row), replayed: false };
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
    check.id('input.payoutId', id);
    const reason = check.multiLineText('input.reason', rawReason, REASON_MAX_LENGTH, { required: true });
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

  /** Locks the payout, checks the move is legal from its status, applies it and audits it (one transaction). */
  private async transition(
    context: RequestContext,
    id: string,
    name: PayoutTransitionName,
    apply: (manager: EntityManager, payout: PayoutRow, at: Date) => Promise<PayoutRow[]>,
  ): Promise<Payout> {
    checkId(id, 'input.payoutId');
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
      // The vendor hears of the decision (notifications), in its transaction.
      const [owner] = await queryRows<{ user_id: string }>(manager, `SELECT user_id FROM vendors WHERE id = $1`, [
        updated.vendor_id,
      ]);
      if (owner)
        await this.outbox.record(
          manager,
          Events.PayoutSettled,
          {
            payoutId: updated.id,
            vendorId: updated.vendor_id,
            userId: owner.user_id,
            status: name === 'pay' ? 'PAID' : 'REJECTED',
            amount: { amount: toAmount(updated.amount), currency: updated.currency },
            reason: updated.reason ?? null,
          },
          { aggregateId: updated.vendor_id, correlationId: context.requestId },
        );
      await recordAudit(manager, this.outbox, requestOrigin(context), {
        action: PAYOUT_AUDIT_ACTIONS[name],
        targetType: 'Payout',
        targetId: locked.id,
        before: { status: locked.status },
        after: { status: updated.status, ...(updated.reason ? { reason: updated.reason } : {}) },
      });
      return { payout: toPayout(updated), from: locked.status };
    });
    context.log.info({ payoutId: id, vendorId: payout.vendorId, from, to: payout.status }, `payout ${name}`);
    return payout;
  }
}

/** What the audit trail calls each admin move on a payout. */
const PAYOUT_AUDIT_ACTIONS: Record<PayoutTransitionName, AuditAction> = {
  pay: 'PAYOUT_MARKED_PAID',
  reject: 'PAYOUT_REJECTED',
};

/** A payout request, and whether it is the one an earlier request with the same key made. */
export interface RequestedPayout {
  payout: Payout;
  replayed: boolean;
}

const IDEMPOTENCY_KEY_MAX_LENGTH = 200;

/** The request's fields, checked together: BAD_USER_INPUT names every problem. */
function checkRequest(input: RequestPayoutInput): { amount: number; currency: CurrencyCode; idempotencyKey: string } {
  const check = new VendorInputCheck();
  const { amount, currency } = check.money('input.amount', input.amount, { min: 1 });
  const key = input.idempotencyKey;
  if (key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH || key.trim() !== key)
    check.add(
      'input.idempotencyKey',
      `must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters without surrounding spaces`,
    );
  check.done();
  return { amount, currency, idempotencyKey: key };
}

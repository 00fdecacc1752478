import { AuditAction, Events, Outbox, RequestContext, notFound, recordAudit, requestOrigin } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { checkId } from '../errors';
import { Vendor, VendorStatus } from './vendor.entity';
import { approvedPayload } from './vendor.events';
import { TransitionName, nextStatus } from './vendor.transitions';
import { VendorInputCheck, REASON_MAX_LENGTH } from './vendor.validation';

/** The audit trail's name of each move. */
const AUDIT_ACTIONS: Record<TransitionName, AuditAction> = {
  approve: 'VENDOR_APPROVED',
  reject: 'VENDOR_REJECTED',
  suspend: 'VENDOR_SUSPENDED',
  reinstate: 'VENDOR_REINSTATED',
};

/**
 * Admin moves on a vendor's status. Each locks the row first, so two admins racing get one
 * transition and one CONFLICT, and records its event and its audit entry (status and reasons
 * before and after) in the same transaction.
 */
export class VendorModerationService {
  constructor(
    private readonly db: DataSource,
    private readonly outbox: Outbox,
    /** After a committed status change: it decides whether the vendor is public. */
    private readonly announcePublicChange: () => Promise<void> = async () => undefined,
  ) {}

  approve(context: RequestContext, id: string): Promise<Vendor> {
    return this.transition(context, id, 'approve', async (vendor, manager) => {
      vendor.approvedAt = new Date();
      await manager.save(vendor);
      await this.outbox.record(manager, Events.VendorApproved, approvedPayload(vendor), this.origin(context, vendor));
    });
  }

  reject(context: RequestContext, id: string, rawReason: string): Promise<Vendor> {
    const check = new VendorInputCheck();
    check.id('input.vendorId', id);
    const reason = check.multiLineText('input.reason', rawReason, REASON_MAX_LENGTH, { required: true });
    check.done();
    return this.transition(context, id, 'reject', async (vendor, manager) => {
      vendor.rejectionReason = reason;
      await manager.save(vendor);
      await this.outbox.record(
        manager,
        Events.VendorRejected,
        { vendorId: vendor.id, userId: vendor.userId, reason },
        this.origin(context, vendor),
      );
    });
  }

  suspend(context: RequestContext, id: string, rawReason?: string | null): Promise<Vendor> {
    const check = new VendorInputCheck();
    check.id('input.vendorId', id);
    const reason = rawReason == null ? null : check.multiLineText('input.reason', rawReason, REASON_MAX_LENGTH) || null;
    check.done();
    return this.transition(context, id, 'suspend', async (vendor, manager) => {
      vendor.suspensionReason = reason;
      await manager.save(vendor);
      await this.outbox.record(
        manager,
        Events.VendorSuspended,
        { vendorId: vendor.id, userId: vendor.userId },
        this.origin(context, vendor),
      );
    });
  }

  reinstate(context: RequestContext, id: string): Promise<Vendor> {
    return this.transition(context, id, 'reinstate', async (vendor, manager) => {
      vendor.suspensionReason = null;
      await manager.save(vendor);
      await this.outbox.record(
        manager,
        Events.VendorReinstated,
        { vendorId: vendor.id, userId: vendor.userId },
        this.origin(context, vendor),
      );
    });
  }

  /** Locks the vendor, checks the move is legal from its current status, applies it and its event. */
  private async transition(
    context: RequestContext,
    id: string,
    name: TransitionName,
    apply: (vendor: Vendor, manager: EntityManager) => Promise<void>,
  ): Promise<Vendor> {
    checkId(id, 'input.vendorId');
    const { vendor, from } = await this.db.transaction(async (manager) => {
      const locked = await manager
        .getRepository(Vendor)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!locked) throw notFound('Vendor');
      const current: VendorStatus = locked.status;
      const before = moderationState(locked);
      locked.status = nextStatus(current, name);
      await apply(locked, manager);
      await recordAudit(manager, this.outbox, requestOrigin(context), {
        action: AUDIT_ACTIONS[name],
        targetType: 'Vendor',
        targetId: locked.id,
        before,
        after: moderationState(locked),
      });
      return { vendor: locked, from: current };
    });
    context.log.info({ vendorId: id, from, to: vendor.status }, `vendor ${name}`);
    // Whether a vendor is public changed with its status.
    await this.announcePublicChange();
    return vendor;
  }

  private origin(context: RequestContext, vendor: Vendor) {
    return { aggregateId: vendor.id, correlationId: context.requestId };
  }
}

/** What a moderation move changes, as the audit trail records it. */
function moderationState(vendor: Vendor) {
  const { status, rejectionReason, suspensionReason } = vendor;
  return { status, rejectionReason, suspensionReason };
}

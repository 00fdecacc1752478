import { Events, Outbox, RequestContext, Role, conflict, isUuid, requireViewer } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { SessionService } from '../auth/session.service';
import { User } from './user.entity';
import type { UserService } from './user.service';
import { UserStatus } from './user-status.type';
import type { SuspendUserInput } from './user-suspension.inputs';
import { UserInputCheck } from './user.validation';
import { lockAdminChanges, requireAnotherActiveAdmin } from './admin-guard';
import { auditUser } from './user-audit';

export const SUSPENSION_REASON_MAX_LENGTH = 500;

/** What the audit trail keeps of a user's standing: before and after a suspension or reinstatement. */
function standing(user: User): Record<string, unknown> {
  if (user.status !== UserStatus.SUSPENDED) return { status: UserStatus.ACTIVE };
  return {
    status: UserStatus.SUSPENDED,
    reason: user.suspensionReason,
    until: user.suspendedUntil?.toISOString() ?? null,
    suspendedBy: user.suspendedBy,
  };
}

/**
 * Admins suspending and reinstating accounts. A suspension ends every session at once (refresh
 * tokens revoked, the session version raised, so access tokens and open subscriptions end
 * within seconds), and is an event the catalog hides the user's vendor on. Each change locks
 * the user's row, so two admins acting on one user apply one after the other, each audited.
 */
export class UserSuspensionService {
  constructor(
    private readonly db: DataSource,
    private readonly users: UserService,
    private readonly sessions: Pick<SessionService, 'endAll'>,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Suspends the user, or replaces the reason and end of a standing suspension. Suspending an
   * admin takes the admin lock first (see admin-guard.ts): two admins suspending each other at
   * once cannot both succeed when they are the last two.
   */
  async suspend(context: RequestContext, input: SuspendUserInput): Promise<User> {
    const viewer = requireViewer(context);
    const check = new UserInputCheck();
    if (!isUuid(input.userId)) check.add('input.userId', 'is not a user id');
    const reason = check.multiLineText('input.reason', input.reason, SUSPENSION_REASON_MAX_LENGTH, { required: true });
    const until = input.until ?? null;
    if (until && !(until.getTime() > Date.now())) check.add('input.until', 'must be in the future');
    check.done();
    if (input.userId === viewer.id)
      throw conflict('Admins cannot suspend their own account', 'OWN_ACCOUNT', [
        { field: 'input.userId', message: 'is your own account' },
      ]);
    const user = await this.db.transaction(async (manager) => {
      await lockAdminChanges(manager);
      const user = await this.users.lockLiveForUpdate(manager, input.userId);
      const before = standing(user);
      if (user.role === Role.ADMIN && user.status === UserStatus.ACTIVE)
        await requireAnotherActiveAdmin(manager, user.id, 'suspend');
      Object.assign(user, {
        suspendedAt: new Date(),
        suspendedUntil: until,
        suspensionReason: reason,
        suspendedBy: viewer.id,
      });
      await manager.getRepository(User).update(user.id, {
        suspendedAt: user.suspendedAt,
        suspendedUntil: until,
        suspensionReason: reason,
        suspendedBy: viewer.id,
      });
      // Refresh tokens revoked and the session version raised (published after commit).
      await this.sessions.endAll(manager, user);
      await this.outbox.record(
        manager,
        Events.UserSuspended,
        { userId: user.id, until: until?.toISOString() ?? null },
        { aggregateId: user.id, correlationId: context.requestId },
      );
      await this.audit(manager, context, 'USER_SUSPENDED', user, before);
      return user;
    });
    this.users.byId(context).clear(user.id);
    context.log.info({ userId: user.id, until }, 'user suspended');
    return user;
  }

  /** Lifts a standing suspension; NOT_SUSPENDED when there is none (also once it ended by itself). */
  async reinstate(context: RequestContext, userId: string): Promise<User> {
    requireViewer(context);
    if (!isUuid(userId)) {
      const check = new UserInputCheck();
      check.add('input.userId', 'is not a user id');
      check.done();
    }
    const user = await this.db.transaction(async (manager) => {
      const user = await this.users.lockLiveForUpdate(manager, userId);
      if (user.status !== UserStatus.SUSPENDED)
        throw conflict('The user is not suspended', 'NOT_SUSPENDED', [
          { field: 'input.userId', message: 'is not suspended' },
        ]);
      const before = standing(user);
      Object.assign(user, { suspendedAt: null, suspendedUntil: null, suspensionReason: null, suspendedBy: null });
      await manager.getRepository(User).update(user.id, {
        suspendedAt: null,
        suspendedUntil: null,
        suspensionReason: null,
        suspendedBy: null,
      });
      await this.outbox.record(
        manager,
        Events.UserReinstated,
        { userId: user.id },
        { aggregateId: user.id, correlationId: context.requestId },
      );
      await this.audit(manager, context, 'USER_REINSTATED', user, before);
      return user;
    });
    this.users.byId(context).clear(user.id);
    context.log.info({ userId: user.id }, 'user reinstated');
    return user;
  }

  private audit(
    manager: EntityManager,
    context: RequestContext,
    action: 'USER_SUSPENDED' | 'USER_REINSTATED',
    user: User,
    before: Record<string, unknown>,
  ): Promise<void> {
    return auditUser(manager, this.outbox, context, action, user.id, { before, after: standing(user) });
  }
}

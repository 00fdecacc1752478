import { Outbox, RequestContext, conflict, isUuid, queryRows, requireViewer } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { AccountEmails } from '../auth/account-emails';
import type { SessionService } from '../auth/session.service';
import { auditUser } from '../user/user-audit';
import type { User } from '../user/user.entity';
import type { UserService } from '../user/user.service';
import { UserInputCheck } from '../user/user.validation';
import type { CodeAttempts } from './code-attempts';

export const RESET_REASON_MAX_LENGTH = 500;

export interface ResetTwoFactorInput {
  userId: string;
  reason: string;
}

/** What a reset took away: what the audit record keeps (never a secret). */
interface Removed {
  totp: boolean;
  passkeyIds: string[];
  recoveryCodes: number;
  /** Sign-ins that were waiting for the second factor. */
  challenges: number;
}

/**
 * An admin taking every second factor off an account whose owner lost both the authenticator
 * (app or passkeys) and the recovery codes: afterwards the password (or a linked provider)
 * signs them in alone, and they turn two-factor on again. There is no self-service path for
 * this on purpose (a reset by email would make the mailbox the only factor); the operator is
 * to check who is asking before calling it, and says how in `reason`.
 *
 * Everything happens in one transaction under the user's row lock, the lock every change of
 * the user's second factors takes first, so an enrollment or a sign-in racing the reset runs
 * wholly before or after it. A reset of an account with nothing left to remove (a second admin
 * racing the first, say) changes nothing and is only audited.
 */
export class TwoFactorResetService {
  constructor(
    private readonly db: DataSource,
    private readonly users: UserService,
    private readonly sessions: Pick<SessionService, 'endAll'>,
    private readonly attempts: CodeAttempts,
    private readonly outbox: Outbox,
    private readonly emails: AccountEmails,
  ) {}

  async reset(context: RequestContext, input: ResetTwoFactorInput): Promise<User> {
    const viewer = requireViewer(context);
    const check = new UserInputCheck();
    if (!isUuid(input.userId)) check.add('input.userId', 'is not a user id');
    const reason = check.multiLineText('input.reason', input.reason, RESET_REASON_MAX_LENGTH, { required: true });
    check.done();
    // An admin who lost their own factors asks another admin: nobody vouches for themselves.
    if (input.userId === viewer.id)
      throw conflict("Admins cannot reset their own account's second factors; ask another admin", 'OWN_ACCOUNT', [
        { field: 'input.userId', message: 'is your own account' },
      ]);
    const user = await this.db.transaction(async (manager) => {
      const user = await this.users.lockLiveForUpdate(manager, input.userId);
      const removed = await this.removeAll(manager, user.id);
      const changed = removed.totp || removed.passkeyIds.length > 0 || removed.recoveryCodes > 0;
      // Whoever holds the lost factor may hold a session too: every one of them ends.
      const endedSessions = changed ? await this.sessions.endAll(manager, user, 'TWO_FACTOR_RESET') : [];
      await auditUser(manager, this.outbox, context, 'TWO_FACTOR_RESET', user.id, {
        after: { reason, removed, endedSessions },
      });
      if (changed) await this.emails.twoFactorChanged(manager, user, { kind: 'RESET_BY_OPERATOR' });
      return user;
    });
    // A user throttled for wrong codes would otherwise wait out the throttle to enroll again.
    await this.attempts.succeeded(user.id);
    this.users.byId(context).clear(user.id);
    context.log.info({ userId: user.id }, 'second factors reset by an operator');
    return user;
  }

  private async removeAll(manager: EntityManager, userId: string): Promise<Removed> {
    const totp = await queryRows<{ enabled: boolean }>(
      manager,
      `DELETE FROM user_totp WHERE user_id = $1 RETURNING enabled_at IS NOT NULL AS enabled`,
      [userId],
    );
    await manager.query(`DELETE FROM webauthn_ceremonies WHERE user_id = $1`, [userId]);
    const passkeys = await queryRows<{ id: string }>(manager, `DELETE FROM passkeys WHERE user_id = $1 RETURNING id`, [
      userId,
    ]);
    const codes = await queryRows(manager, `DELETE FROM two_factor_recovery_codes WHERE user_id = $1 RETURNING 1`, [
      userId,
    ]);
    const challenges = await queryRows<{ pending: boolean }>(
      manager,
      `DELETE FROM two_factor_challenges WHERE user_id = $1
       RETURNING completed_at IS NULL AND expires_at > now() AS pending`,
      [userId],
    );
    return {
      totp: totp.some((row) => row.enabled),
      passkeyIds: passkeys.map((row) => row.id),
      recoveryCodes: codes.length,
      challenges: challenges.filter((row) => row.pending).length,
    };
  }
}

import { randomUUID } from 'node:crypto';
import {
  forgetMailsOf,
  AuditOrigin,
  Events,
  Outbox,
  RateLimiter,
  RequestContext,
  Role,
  badInput,
  conflict,
  isUuid,
  queryRows,
  requestOrigin,
  requireViewer,
  unauthenticated,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { PasswordHasher } from '../auth/password-hasher';
import type { SessionService } from '../auth/session.service';
import { lockAdminChanges, requireAnotherActiveAdmin } from '../user/admin-guard';
import { User } from '../user/user.entity';
import type { UserService } from '../user/user.service';
import { PASSWORD_MAX_LENGTH } from '../user/user.validation';
import type { AvatarService } from '../avatar/avatar.service';
import type { DataExportService } from './data-export.service';
import { auditUser } from '../user/user-audit';

/** What an erased account shows wherever it is still referenced (reviews, orders…). */
export const ERASED_DISPLAY_NAME = 'Deleted user';
/** Not a scrypt hash: no password ever verifies against it (PasswordHasher.verify). */
const NO_PASSWORD = '!erased';

type ErasureKind = 'ACCOUNT_DELETED' | 'USER_ERASED';

/**
 * Erasure of a user's personal data: here the account (email, name, password, sessions,
 * exports, avatar), everywhere else through `user.erased { userId, pseudonym }`, after which each
 * subgraph refers to the user by the pseudonym only. The account row stays, scrubbed, as the
 * tombstone that makes a second erasure a no-op; the pseudonym gets a scrubbed row of its own
 * so that what other subgraphs still reference (a review's owner) resolves to "Deleted user".
 */
export class ErasureService {
  constructor(
    private readonly db: DataSource,
    private readonly users: UserService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: Pick<SessionService, 'endAll'>,
    private readonly exports: Pick<DataExportService, 'dropAll'>,
    private readonly avatars: Pick<AvatarService, 'eraseAll'>,
    private readonly outbox: Outbox,
    /** Wrong passwords per signed-in user: the caller holds a token, the password is what is guessed. */
    private readonly passwordChecks: RateLimiter,
    /** After a committed erasure: the display name, which reviews show, changed. */
    private readonly announcePublicChange: () => Promise<void> = async () => undefined,
  ) {}

  /** The signed-in user erases their own account, proving it with their password. */
  async deleteMyAccount(context: RequestContext, password: string): Promise<User> {
    const viewer = requireViewer(context);
    if (password.length === 0) throw badInput([{ field: 'input.password', message: 'is required' }]);
    // Longer than any password register accepts: refused before it costs a hash.
    if (password.length > PASSWORD_MAX_LENGTH)
      throw badInput([{ field: 'input.password', message: `must be at most ${PASSWORD_MAX_LENGTH} characters` }]);
    await this.passwordChecks.consume(viewer.id);
    const [stored] = await queryRows<{ password_hash: string; erased_at: Date | null }>(
      this.db,
      `SELECT password_hash, erased_at FROM users WHERE id = $1`,
      [viewer.id],
    );
    if (!stored || stored.erased_at) throw unauthenticated();
    if (!(await this.hasher.verify(password, stored.password_hash)))
      throw badInput([{ field: 'input.password', message: 'is not your password' }]);
    await this.passwordChecks.reset(viewer.id);
    return this.erase(context, viewer.id, 'ACCOUNT_DELETED', requestOrigin(context));
  }

  /** An admin erases another user (their own account goes through deleteMyAccount). */
  async eraseUser(context: RequestContext, userId: string): Promise<User> {
    const viewer = requireViewer(context);
    if (!isUuid(userId)) throw badInput([{ field: 'input.userId', message: 'is not a user id' }]);
    if (userId === viewer.id)
      throw conflict('Delete your own account with deleteMyAccount', 'OWN_ACCOUNT', [
        { field: 'input.userId', message: 'is your own account' },
      ]);
    return this.erase(context, userId, 'USER_ERASED', requestOrigin(context));
  }

  private async erase(context: RequestContext, userId: string, kind: ErasureKind, origin: AuditOrigin): Promise<User> {
    const erased = await this.db.transaction(async (manager) => {
      // Before the row lock, as every change that can take an admin away takes it (admin-guard.ts).
      await lockAdminChanges(manager);
      const user = await this.users.lockForUpdate(manager, userId);
      if (user.erasedAt) return user;
      await this.guard(manager, user, kind);
      await this.sessions.endAll(manager, user);
      await manager.query(`DELETE FROM refresh_tokens WHERE user_id = $1`, [userId]);
      // The session list holds client addresses and user agents.
      await manager.query(`DELETE FROM sessions WHERE user_id = $1`, [userId]);
      await manager.query(`DELETE FROM email_tokens WHERE user_id = $1`, [userId]);
      // A provider account linked to an erased user would sign in as its tombstone.
      await manager.query(`DELETE FROM oauth_identities WHERE user_id = $1`, [userId]);
      await manager.query(`DELETE FROM oauth_pending_links WHERE user_id = $1`, [userId]);
      const secondFactors = [
        'two_factor_challenges',
        'two_factor_recovery_codes',
        'user_totp',
        'webauthn_ceremonies',
        'passkeys',
      ];
      for (const table of secondFactors) await manager.query(`DELETE FROM ${table} WHERE user_id = $1`, [userId]);
      // The keys die with the account (their names may say who the vendor is); the rows stay so their ids stay used.
      await manager.query(
        `UPDATE api_keys SET name = 'erased', revoked_at = coalesce(revoked_at, now()) WHERE owner_id = $1`,
        [userId],
      );
      await forgetMailsOf(manager, userId);
      await this.exports.dropAll(manager, userId);
      // Rows now, files once this commits.
      await this.avatars.eraseAll(manager, userId);
      const pseudonym = randomUUID();
      // A fresh random address, not the pseudonym: the tombstone must not name it.
      await manager.query(
        `UPDATE users SET email = $2, display_name = $3, password_hash = $4, role = $5, email_verified_at = NULL,
                erased_at = now(), updated_at = now()
          WHERE id = $1`,
        [userId, `erased-${randomUUID()}@erased.invalid`, ERASED_DISPLAY_NAME, NO_PASSWORD, Role.CUSTOMER],
      );
      // Its times are the day only: the same instant as the tombstone's erased_at would link the two rows.
      await manager.query(
        `INSERT INTO users (id, email, display_name, password_hash, role, erased_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $6)`,
        [pseudonym, `${pseudonym}@erased.invalid`, ERASED_DISPLAY_NAME, NO_PASSWORD, Role.CUSTOMER, startOfUtcDay()],
      );
      await this.outbox.record(
        manager,
        Events.UserErased,
        { userId, pseudonym },
        { aggregateId: userId, correlationId: context.requestId },
      );
      // The old id is the target: the trail never names the pseudonym, so it links nothing.
      await auditUser(manager, this.outbox, origin, kind, userId, {
        before: { role: user.role, erased: false },
        after: { erased: true },
      });
      context.log.info({ userId, kind }, 'user erased');
      return this.users.lockForUpdate(manager, userId);
    });
    this.users.byId(context).clear(userId);
    await this.announcePublicChange();
    return erased;
  }

  /**
   * The marketplace keeps one admin; a vendor's own deletion waits for an admin, who settles
   * what the vendor is owed (users cannot see the ledger) and then erases the account.
   */
  private async guard(manager: EntityManager, user: User, kind: ErasureKind): Promise<void> {
    if (kind === 'ACCOUNT_DELETED' && user.role === Role.VENDOR)
      throw conflict(
        'Vendor accounts are closed by an admin, once their balance and payouts are settled',
        'VENDOR_ACCOUNT',
      );
    // Under the admin-changes lock `erase` took: two admins leaving, or one leaving while the
    // other is suspended, cannot both count the other one.
    if (user.role === Role.ADMIN) await requireAnotherActiveAdmin(manager, user.id, 'erase');
  }
}

function startOfUtcDay(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

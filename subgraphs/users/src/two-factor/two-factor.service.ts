import { Outbox, RequestContext, badInput, conflict, forbidden, requireViewer } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { AccountEmails } from '../auth/account-emails';
import type { Session } from '../auth/auth.payloads';
import type { SessionService } from '../auth/session.service';
import { User } from '../user/user.entity';
import type { UserService } from '../user/user.service';
import { Authenticator, AuthenticatorStore } from './authenticator.store';
import type { CodeAttempts } from './code-attempts';
import { Totp } from './totp';
import { auditUser } from '../user/user-audit';

/**
 * Turning TOTP on and off for the signed-in user. Each change ends the user's other sessions
 * (a stolen session must not outlive the change, nor keep its old standing) and is audited.
 */
export class TwoFactorService {
  constructor(
    private readonly db: DataSource,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly store: AuthenticatorStore,
    private readonly attempts: CodeAttempts,
    private readonly outbox: Outbox,
    private readonly emails: AccountEmails,
    private readonly issuer: string,
  ) {}

  isEnabled(userId: string): Promise<boolean> {
    return this.store.isEnabled(this.db.manager, userId);
  }

  /** A new secret (replacing an unconfirmed one) for the user to add to an authenticator app. */
  async startEnrollment(context: RequestContext) {
    const viewer = requireViewer(context);
    const secret = Totp.newSecret();
    const email = await this.db.transaction(async (manager) => {
      const user = await this.users.lockForUpdate(manager, viewer.id);
      if ((await this.store.lock(manager, viewer.id))?.enabled) throw alreadyEnabled();
      await this.store.savePending(manager, viewer.id, secret);
      return user.email;
    });
    const otpauthUrl = Totp.uri(secret, this.issuer, email);
    const qr = await Totp.qrCodes(otpauthUrl);
    return { secret, otpauthUrl, qrCodeSvg: qr.svg, qrCodeDataUrl: qr.dataUrl };
  }

  /** Turns two-factor on with a first code; answers the recovery codes and a fresh session for this device. */
  async confirmEnrollment(context: RequestContext, code: string): Promise<Session & { recoveryCodes: string[] }> {
    return this.withCode(context, 'input.code', async (manager, user, authenticator) => {
      if (!authenticator) throw notEnrolling();
      if (authenticator.enabled) throw alreadyEnabled();
      if (!(await this.store.accept(manager, user.id, authenticator, code, { recoveryCodes: false }))) return null;
      await this.store.enable(manager, user.id);
      const recoveryCodes = await this.store.replaceRecoveryCodes(manager, user.id);
      await auditUser(manager, this.outbox, context, 'TWO_FACTOR_ENABLED', user.id, { after: { method: 'TOTP' } });
      await this.emails.twoFactorChanged(manager, user, { kind: 'TOTP_ON' });
      const session = await this.sessions.restartAll(manager, user, context, { keepStanding: true });
      return { ...session, recoveryCodes };
    });
  }

  /**
   * Turns TOTP off with a current code or a recovery code; answers a fresh session for this
   * device. Two-factor stays on (with its recovery codes) while the user has a passkey.
   */
  async disable(context: RequestContext, code: string): Promise<Session> {
    return this.withCode(context, 'input.code', async (manager, user, authenticator) => {
      if (!authenticator?.enabled) throw notEnabled();
      if (!(await this.store.accept(manager, user.id, authenticator, code, { recoveryCodes: true }))) return null;
      const stillOn = await this.store.removeTotp(manager, user.id);
      await auditUser(manager, this.outbox, context, 'TWO_FACTOR_DISABLED', user.id, {
        after: { method: 'TOTP', twoFactorOn: stillOn },
      });
      await this.emails.twoFactorChanged(manager, user, { kind: 'TOTP_OFF', twoFactorOn: stillOn });
      return this.sessions.restartAll(manager, user, context, { keepStanding: false });
    });
  }

  /** New recovery codes for a current TOTP code (a recovery code cannot renew its own kind). */
  async regenerateRecoveryCodes(context: RequestContext, code: string | undefined): Promise<string[]> {
    if (code === undefined) return this.regenerateWithPasskeySession(context);
    return this.withCode(context, 'input.code', async (manager, user, authenticator) => {
      if (!authenticator?.enabled) throw notEnabled();
      if (!(await this.store.accept(manager, user.id, authenticator, code, { recoveryCodes: false }))) return null;
      await auditUser(manager, this.outbox, context, 'TWO_FACTOR_RECOVERY_CODES_REGENERATED', user.id, { after: null });
      return this.store.replaceRecoveryCodes(manager, user.id);
    });
  }

  /**
   * New recovery codes for an account whose second factors are passkeys only: there is no code
   * to type, so the session must have been signed in with a second factor (as removing a
   * passkey needs), which a stolen password-only token is not.
   */
  private async regenerateWithPasskeySession(context: RequestContext): Promise<string[]> {
    const viewer = requireViewer(context);
    return this.db.transaction(async (manager) => {
      const user = await this.users.lockForUpdate(manager, viewer.id);
      if ((await this.store.lock(manager, user.id))?.enabled)
        throw badInput([{ field: 'input.code', message: 'is required while an authenticator app is on' }]);
      if (!(await this.store.isEnabled(manager, user.id)))
        throw conflict('Two-factor authentication is off', 'TWO_FACTOR_NOT_ENABLED');
      if (!viewer.secondFactor)
        throw forbidden(
          'Sign in with a passkey first: new recovery codes take a second factor',
          'SECOND_FACTOR_REQUIRED',
        );
      await auditUser(manager, this.outbox, context, 'TWO_FACTOR_RECOVERY_CODES_REGENERATED', user.id, { after: null });
      return this.store.replaceRecoveryCodes(manager, user.id);
    });
  }

  /**
   * Runs `change` with the user and their authenticator locked; `change` answers null for a
   * wrong code, which is counted (and refused) after its transaction rolled back, so a wrong
   * code changes nothing but the count.
   */
  private async withCode<T>(
    context: RequestContext,
    field: string,
    change: (manager: EntityManager, user: User, authenticator: Authenticator | null) => Promise<T | null>,
  ): Promise<T> {
    const viewer = requireViewer(context);
    const attempt = await this.attempts.begin(viewer.id);
    const result = await this.db.transaction(async (manager) => {
      const user = await this.users.lockForUpdate(manager, viewer.id);
      return change(manager, user, await this.store.lock(manager, viewer.id));
    });
    if (result === null) {
      context.log.info({ waitSeconds: attempt.waitSeconds }, 'wrong second-factor code');
      throw wrongCode(field);
    }
    await this.attempts.succeeded(viewer.id);
    this.users.byId(context).clear(viewer.id);
    return result;
  }
}

/** One answer for a wrong, replayed or used-up code: a guesser learns nothing about which. */
export function wrongCode(field: string) {
  return badInput([{ field, message: 'is not a current code nor an unused recovery code' }]);
}

function alreadyEnabled() {
  return conflict('An authenticator app is on already', 'TWO_FACTOR_ENABLED');
}

function notEnabled() {
  return conflict('No authenticator app is on', 'TWO_FACTOR_NOT_ENABLED');
}

function notEnrolling() {
  return conflict('Start an enrollment first (startTotpEnrollment)', 'TWO_FACTOR_NOT_ENABLED');
}

import {
  Events,
  Outbox,
  RateLimiter,
  RequestContext,
  Role,
  badInput,
  forbidden,
  recordAudit,
  requestOrigin,
  requireViewer,
  unauthenticated,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { User } from '../user/user.entity';
import { UserStatus } from '../user/user-status.type';
import type { UserService } from '../user/user.service';
import { UserInputCheck, normalizeEmail } from '../user/user.validation';
import type { AccountEmails } from './account-emails';
import type { RegisterInput } from './auth.inputs';
import type { TwoFactorChallenge } from '../two-factor/two-factor.payloads';
import type { LoginResult, Session } from './auth.payloads';
import type { EmailTokenService } from './email-token.service';
import type { LoginThrottle } from './login-throttle';
import type { PasswordHasher } from './password-hasher';
import { SessionEndReason, SessionService, clientOf } from './session.service';
import { auditUser } from '../user/user-audit';

export interface AuthLimits {
  /** Failures per (account, IP), with growing waits: guessing from one place. */
  loginPerAccountAndIp: LoginThrottle;
  /** Login attempts per account from anywhere (a success clears the count): guessing from many places. */
  loginPerAccount: RateLimiter;
  /** Failed logins per client IP. */
  loginFailuresPerIp: RateLimiter;
  /** Wrong current passwords per signed-in user (changePassword): the caller holds a token, not just an email. */
  currentPasswordChecks: RateLimiter;
  registrationsPerIp: RateLimiter;
  passwordResetsPerEmail: RateLimiter;
}

const INVALID_CREDENTIALS = 'Invalid email or password';

/** Asked once the password is right: a challenge when the account has a second factor, else null. */
export interface SecondFactorGate {
  challengeFor(userId: string, firstFactors?: readonly string[]): Promise<TwoFactorChallenge | null>;
}

/** Account life cycle: sign-up, sign-in, sessions, passwords, email ownership. */
export class AuthService {
  constructor(
    private readonly db: DataSource,
    private readonly users: UserService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly emailTokens: EmailTokenService,
    private readonly emails: AccountEmails,
    private readonly limits: AuthLimits,
    private readonly outbox: Outbox,
    private readonly secondFactor?: SecondFactorGate,
  ) {}

  async register(context: RequestContext, input: RegisterInput): Promise<Session> {
    const check = new UserInputCheck();
    const email = check.email('input.email', input.email);
    const displayName = check.displayName('input.displayName', input.displayName);
    const password = check.password('input.password', input.password, { email });
    check.done();
    await this.limits.registrationsPerIp.consume(context.clientIp);
    const passwordHash = await this.hasher.hash(password);
    const payload = await this.db.transaction(async (manager) => {
      const user = manager
        .getRepository(User)
        .create({ email, displayName, passwordHash, role: Role.CUSTOMER, emailVerifiedAt: null });
      const saved = await this.users.saveUnique(manager, user);
      // The verification email follows from this event (see user.events.ts): sent if and only if the account exists.
      await this.outbox.record(
        manager,
        Events.UserRegistered,
        { userId: saved.id, email, displayName, role: saved.role },
        { aggregateId: saved.id, correlationId: context.requestId },
      );
      return this.sessions.start(manager, saved, clientOf(context));
    });
    context.log.info({ userId: payload.user.id }, 'user registered');
    return signedIn(context, payload);
  }

  /**
   * Unknown email and wrong password take the same path: one password verification
   * (against a dummy hash when there is no account) and the same error.
   */
  async login(context: RequestContext, rawEmail: string, password: string): Promise<LoginResult> {
    const email = normalizeEmail(rawEmail);
    await this.limits.loginFailuresPerIp.check(context.clientIp);
    // Before the per-account count: a pair that waits cannot spend the account's budget.
    await this.limits.loginPerAccountAndIp.check(email, context.clientIp);
    await this.limits.loginPerAccount.consume(email);
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email })
      .getOne();
    const valid = await this.hasher.verify(password, user?.passwordHash ?? undefined);
    if (!user || !valid) {
      const ipFailures = await this.limits.loginFailuresPerIp.hit(context.clientIp);
      const pair = await this.limits.loginPerAccountAndIp.failed(email, context.clientIp);
      context.log.info(
        { reason: user ? 'wrong password' : 'unknown email', waitSeconds: pair.waitSeconds },
        'login failed',
      );
      if (pair.crossedThreshold)
        await this.auditThrottled(context, user ? { type: 'User', id: user.id } : null, {
          scope: 'ACCOUNT_AND_IP',
          email,
          waitSeconds: pair.waitSeconds,
        });
      if (ipFailures === this.limits.loginFailuresPerIp.limit)
        await this.auditThrottled(context, null, { scope: 'IP', failures: ipFailures });
      throw unauthenticated(INVALID_CREDENTIALS);
    }
    // Only once the password is right: a guesser learns nothing of the account's standing.
    refuseIfSuspended(user);
    await Promise.all([
      this.limits.loginPerAccount.reset(email),
      this.limits.loginPerAccountAndIp.succeeded(email, context.clientIp),
    ]);
    if (user.passwordHash && this.hasher.needsRehash(user.passwordHash)) {
      await this.db.getRepository(User).update(user.id, { passwordHash: await this.hasher.hash(password) });
    }
    const twoFactorChallenge = await this.secondFactor?.challengeFor(user.id);
    if (twoFactorChallenge) return { twoFactorChallenge };
    return signedIn(
      context,
      await this.db.transaction((manager) => this.sessions.start(manager, user, clientOf(context))),
    );
  }

  async refresh(context: RequestContext, refreshToken: string): Promise<Session> {
    return signedIn(
      context,
      await this.sessions.rotate(
        refreshToken,
        async (manager, id) => refuseIfSuspended(await this.users.lockForUpdate(manager, id)),
        clientOf(context),
      ),
    );
  }

  /** Whether this call ended a live session (false for an unknown token or a session that had ended). */
  logout(refreshToken: string): Promise<boolean> {
    return this.sessions.end(refreshToken);
  }

  /** Ends every other session and returns a fresh one for this device. */
  async changePassword(context: RequestContext, currentPassword: string, newPassword: string): Promise<Session> {
    const viewer = requireViewer(context);
    await this.limits.currentPasswordChecks.consume(viewer.id);
    const stored = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id: viewer.id })
      .getOne();
    if (!stored) throw unauthenticated();
    if (!(await this.hasher.verify(currentPassword, stored.passwordHash ?? undefined))) {
      throw badInput([{ field: 'input.currentPassword', message: 'is not your current password' }]);
    }
    await this.limits.currentPasswordChecks.reset(viewer.id);
    const check = new UserInputCheck();
    check.password('input.newPassword', newPassword, { email: stored.email });
    if (newPassword === currentPassword) check.add('input.newPassword', 'must differ from the current password');
    check.done();
    const passwordHash = await this.hasher.hash(newPassword);
    const payload = await this.db.transaction(async (manager) => {
      const user = await this.setPassword(context, manager, viewer.id, passwordHash, 'PASSWORD_CHANGED');
      return this.sessions.startKeepingStanding(manager, user, context);
    });
    return signedIn(context, payload);
  }

  /**
   * Answers the normalized address whether or not an account has it, so the response never
   * tells whether an account exists.
   */
  async requestPasswordReset(context: RequestContext, rawEmail: string): Promise<string> {
    const check = new UserInputCheck();
    const email = check.email('input.email', rawEmail);
    check.done();
    await this.limits.passwordResetsPerEmail.consume(email);
    await this.limits.passwordResetsPerEmail.consume(`ip:${context.clientIp}`);
    await this.db.transaction(async (manager) => {
      const user = await manager.getRepository(User).findOneBy({ email });
      if (user) await this.emails.passwordReset(manager, user);
    });
    return email;
  }

  /** A valid reset also proves the inbox, so it verifies the email and signs out every session. */
  async resetPassword(context: RequestContext, token: string, newPassword: string): Promise<User> {
    const check = new UserInputCheck();
    check.password('input.newPassword', newPassword);
    check.done();
    const passwordHash = await this.hasher.hash(newPassword);
    const userId = await this.db.transaction(async (manager) => {
      const userId = await this.emailTokens.consume(manager, token, 'RESET_PASSWORD');
      if (!userId) throw invalidToken();
      const user = await this.setPassword(context, manager, userId, passwordHash, 'PASSWORD_RESET');
      if (!user.emailVerifiedAt) await manager.getRepository(User).update(userId, { emailVerifiedAt: new Date() });
      return userId;
    });
    this.users.byId(context).clear(userId);
    return this.users.get(context, userId);
  }

  async verifyEmail(context: RequestContext, token: string): Promise<User> {
    const userId = await this.db.transaction(async (manager) => {
      const id = await this.emailTokens.consume(manager, token, 'VERIFY_EMAIL');
      if (!id) throw invalidToken();
      await manager.query(
        `UPDATE users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now() WHERE id = $1`,
        [id],
      );
      return id;
    });
    this.users.byId(context).clear(userId);
    return this.users.get(context, userId);
  }

  /**
   * Ends every session and access token of the user within about a second. What suspending
   * an account calls (with the suspension written in the same transaction, `manager`).
   */
  async signOutEverywhere(manager: EntityManager, userId: string): Promise<void> {
    await this.sessions.endAll(manager, await this.users.lockForUpdate(manager, userId));
  }

  /**
   * Failed sign-ins crossed a threshold (the pair's free failures, or the IP's limit): one
   * audit record per crossing, by an ANONYMOUS actor, naming the account when it exists and
   * never the password. Its own transaction: nothing else changes.
   */
  private async auditThrottled(
    context: RequestContext,
    account: { type: 'User'; id: string } | null,
    after: Record<string, unknown>,
  ): Promise<void> {
    const origin = { ...requestOrigin(context), actor: { kind: 'ANONYMOUS', userId: null, role: null } as const };
    await this.db.transaction((manager) =>
      recordAudit(manager, this.outbox, origin, {
        action: 'LOGIN_FAILURES_EXCEEDED',
        // An unknown email or an IP names no account: the client address is the target.
        targetType: account ? 'User' : 'ClientAddress',
        targetId: account ? account.id : context.clientIp.slice(0, 200),
        after: { ...after, clientIp: context.clientIp },
      }),
    );
  }

  /** Ends every session (the caller starts a fresh one for this device, if any), recorded in the audit trail. */
  private async setPassword(
    context: RequestContext,
    manager: EntityManager,
    userId: string,
    passwordHash: string,
    reason: SessionEndReason,
  ): Promise<User> {
    const user = await this.users.lockForUpdate(manager, userId);
    await manager.getRepository(User).update(userId, { passwordHash });
    const sessionIds = await this.sessions.endAll(manager, user, reason);
    await auditUser(manager, this.outbox, context, 'OTHER_SESSIONS_REVOKED', userId, {
      after: { reason, sessionIds, keptSessionId: null },
    });
    return user;
  }
}

/** The rest of this response is read as the user who just signed in (their own email, for one). */
export function signedIn(context: RequestContext, payload: Session): Session {
  context.viewer = payload.viewer ?? { id: payload.user.id, role: payload.user.role };
  return payload;
}

/**
 * FORBIDDEN, not UNAUTHENTICATED: the credentials are right and the account known, but its
 * state refuses it (the ErrorCode's own words); clients refresh on UNAUTHENTICATED, which
 * would loop here.
 */
export function refuseIfSuspended(user: User): User {
  if (user.status !== UserStatus.SUSPENDED) return user;
  const until = user.suspendedUntil ? `until ${user.suspendedUntil.toISOString()}` : 'until an admin reinstates it';
  throw forbidden(`This account is suspended ${until}`, 'ACCOUNT_SUSPENDED');
}

function invalidToken() {
  return badInput([{ field: 'input.token', message: 'is invalid, used or expired' }]);
}

import {
  RateLimiter,
  RequestContext,
  badInput,
  conflict,
  forbidden,
  notFound,
  queryRows,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { Session } from '../auth/auth.payloads';
import { refuseIfSuspended, signedIn } from '../auth/auth.service';
import type { PasswordHasher } from '../auth/password-hasher';
import { SessionService, clientOf } from '../auth/session.service';
import type { User } from '../user/user.entity';
import type { UserService } from '../user/user.service';
import type { LinkedIdentity } from './social-identities';
import type { SocialLoginService } from './social-login.service';

export interface LinkInput {
  linkToken?: string | null;
  password?: string | null;
  provider?: string | null;
  code?: string | null;
  state?: string | null;
  iss?: string | null;
}

export interface LinkResult {
  user: User;
  linked: LinkedIdentity;
  /** A new session when the caller proved the account with its password (they were not signed in). */
  session: Session | null;
}

/** Whether an account has two-factor on (the AuthenticatorStore). */
export interface SecondFactors {
  isEnabled(manager: EntityManager, userId: string): Promise<boolean>;
}

const SECOND_FACTOR_REQUIRED =
  'This account has two-factor on: the password alone cannot link a provider. Sign in (password and second ' +
  'factor), then link it from that session: startOAuthLogin with link: true, then linkOAuthProvider';

/**
 * Linking and unlinking providers. A link needs proof of the account: its password with the
 * link token a LINK_REQUIRED sign-in gave (accounts without two-factor only), or a signed-in
 * session (which itself came from every factor the account has) finishing an authorization
 * request it started.
 */
export class SocialLinkService {
  constructor(
    private readonly db: DataSource,
    private readonly login: SocialLoginService,
    private readonly users: UserService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly passwordChecks: RateLimiter,
    // Not optional: without it the password alone would add a way in to an enrolled user's account.
    private readonly secondFactors: SecondFactors,
  ) {}

  link(context: RequestContext, input: LinkInput): Promise<LinkResult> {
    const byToken = Boolean(input.linkToken || input.password);
    const byCode = Boolean(input.provider || input.code || input.state);
    if (byToken === byCode)
      throw badInput([
        { field: 'input', message: 'takes either linkToken and password, or provider, code and state (signed in)' },
      ]);
    return byToken ? this.linkWithPassword(context, input) : this.linkSignedIn(context, input);
  }

  async methods(userId: string): Promise<{ hasPassword: boolean; socialAccounts: LinkedIdentity[] }> {
    return this.db.transaction(async (manager) => {
      const [row] = await queryRows<{ has_password: boolean }>(
        manager,
        `SELECT password_hash IS NOT NULL AS has_password FROM users WHERE id = $1`,
        [userId],
      );
      return {
        hasPassword: row?.has_password ?? false,
        socialAccounts: await this.login.identities.of(manager, userId),
      };
    });
  }

  async unlink(context: RequestContext, provider: string): Promise<User> {
    const viewer = requireViewer(context);
    const name = provider.trim().toLowerCase();
    return this.db.transaction(async (manager) => {
      // The user's row lock serialises unlinks: two racing ones cannot each see the other's link remain.
      const user = await this.users.lockForUpdate(manager, viewer.id);
      const [{ has_password: hasPassword }] = await queryRows<{ has_password: boolean }>(
        manager,
        `SELECT password_hash IS NOT NULL AS has_password FROM users WHERE id = $1`,
        [viewer.id],
      );
      const links = await this.login.identities.of(manager, viewer.id);
      if (!links.some((link) => link.provider === name)) throw notFound('Linked sign-in provider');
      if (!hasPassword && links.length === 1)
        throw conflict(
          'This is your only way to sign in: set a password (requestPasswordReset) or link another provider first',
          'LAST_SIGN_IN_METHOD',
        );
      await this.login.identities.unlink(manager, viewer.id, name);
      await this.login.identities.audit(manager, context, 'SOCIAL_ACCOUNT_UNLINKED', viewer.id, { provider: name });
      return user;
    });
  }

  private async linkWithPassword(context: RequestContext, input: LinkInput): Promise<LinkResult> {
    const token = input.linkToken ?? '';
    const password = input.password ?? '';
    const result = await this.db.transaction(async (manager) => {
      const pending = await this.login.requests.findLink(manager, token);
      if (!pending) throw badInput([{ field: 'input.linkToken', message: 'is unknown, used or expired' }]);
      await this.passwordChecks.consume(pending.userId);
      const [stored] = await queryRows<{ password_hash: string | null }>(
        manager,
        `SELECT password_hash FROM users WHERE id = $1`,
        [pending.userId],
      );
      // A wrong password keeps the token (the limiter above bounds guesses), so a typo needs no new round trip.
      if (!(await this.hasher.verify(password, stored?.password_hash ?? undefined)))
        throw badInput([{ field: 'input.password', message: 'is not the password of this account' }]);
      await this.passwordChecks.reset(pending.userId);
      await this.login.requests.dropLink(manager, token);
      const user = refuseIfSuspended(await this.users.lockForUpdate(manager, pending.userId));
      // Under the user's lock, so turning two-factor on meanwhile cannot slip between the check and the link.
      // The password is one factor of two: it proves too little to add a way in. The token is spent all the
      // same (committed below): the holder of the password gets one answer per provider sign-in, not a
      // reusable probe, and the owner signs in and links from their session instead.
      if (await this.secondFactors.isEnabled(manager, user.id)) return { refused: true as const, userId: user.id };
      const linked = await this.login.identities.link(manager, context, { ...pending, proof: 'PASSWORD' });
      // The provider verified this very address and the password proved the account: the email is verified.
      await manager.query(
        `UPDATE users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now() WHERE id = $1`,
        [user.id],
      );
      const session = await this.sessions.start(manager, user, clientOf(context));
      return { refused: false as const, linked, userId: user.id, session };
    });
    if (result.refused) {
      context.log.info({ userId: result.userId }, 'password link refused: two-factor is on');
      throw forbidden(SECOND_FACTOR_REQUIRED, 'SECOND_FACTOR_REQUIRED');
    }
    this.users.byId(context).clear(result.userId);
    signedIn(context, result.session);
    return { user: await this.users.get(context, result.userId), linked: result.linked, session: result.session };
  }

  private async linkSignedIn(context: RequestContext, input: LinkInput): Promise<LinkResult> {
    const viewer = requireViewer(context);
    const answer = { provider: input.provider ?? '', code: input.code ?? '', state: input.state ?? '', iss: input.iss };
    const { provider, identity } = await this.login.redeem(answer, viewer.id);
    const linked = await this.db.transaction(async (manager) => {
      refuseIfSuspended(await this.users.lockForUpdate(manager, viewer.id));
      return this.login.identities.link(manager, context, {
        userId: viewer.id,
        provider,
        subject: identity.subject,
        email: identity.emailVerified ? identity.email : null,
        proof: 'SESSION',
      });
    });
    // No new session here (the caller has one): nothing for a second factor to guard.
    return { user: await this.users.get(context, viewer.id), linked, session: null };
  }
}

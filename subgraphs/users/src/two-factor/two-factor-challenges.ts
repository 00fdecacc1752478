import { Outbox, RequestContext, badInput, forbidden, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { Session } from '../auth/auth.payloads';
import { hashSecretToken, newSecretToken } from '../auth/secret-token';
import { SessionService, clientOf } from '../auth/session.service';
import { UserStatus } from '../user/user-status.type';
import type { UserService } from '../user/user.service';
import { AuthenticatorStore } from './authenticator.store';
import type { CodeAttempts } from './code-attempts';
import { wrongCode } from './two-factor.service';
import type { TwoFactorChallenge } from './two-factor.payloads';
import { auditUser } from '../user/user-audit';

export interface ChallengeLimits {
  ttlSeconds: number;
  attemptsPerChallenge: number;
}

/**
 * The second step of signing in. `login` with the right password of an account with two-factor
 * answers a challenge (an opaque random token, stored hashed, short-lived) instead of a session;
 * `verify` trades it and a code for the session.
 *
 * Guessing the 10^6 codes is bounded three ways: a challenge takes `attemptsPerChallenge` codes
 * (a new one costs the password again, itself throttled); every wrong code of the user, from any
 * challenge or device, counts in the per-user CodeAttempts, whose waits double up to a day; and
 * a code accepted once is never accepted again (its time step is remembered).
 */
export class TwoFactorChallenges {
  constructor(
    private readonly db: DataSource,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly store: AuthenticatorStore,
    private readonly attempts: CodeAttempts,
    private readonly outbox: Outbox,
    private readonly limits: ChallengeLimits,
  ) {}

  /**
   * A challenge when the user has two-factor on; null when the first factor alone signs them in.
   * `firstFactors` are the `amr` values of what was shown already (`pwd` for the password, none
   * for a sign-in provider, which RFC 8176 has no value for); the session adds the second's.
   */
  async challengeFor(userId: string, firstFactors: readonly string[] = ['pwd']): Promise<TwoFactorChallenge | null> {
    return this.db.transaction(async (manager) => {
      if (!(await this.store.isEnabled(manager, userId))) return null;
      const { token, hash } = newSecretToken();
      const expiresAt = new Date(Date.now() + this.limits.ttlSeconds * 1000);
      await manager.query(`DELETE FROM two_factor_challenges WHERE user_id = $1 AND expires_at < now()`, [userId]);
      await manager.query(
        `INSERT INTO two_factor_challenges (token_hash, user_id, expires_at, first_factors) VALUES ($1, $2, $3, $4)`,
        [hash, userId, expiresAt, firstFactors],
      );
      return { token, expiresAt, methods: await this.store.methods(manager, userId) };
    });
  }

  /** The user a live challenge is for (null when forged, expired, spent or completed), without spending it. */
  async pending(challenge: string): Promise<{ userId: string; hash: string } | null> {
    const hash = hashSecretToken(challenge);
    const [row] = await queryRows<{ user_id: string }>(
      this.db,
      `SELECT user_id FROM two_factor_challenges
        WHERE token_hash = $1 AND completed_at IS NULL AND expires_at > now() AND attempts < $2`,
      [hash, this.limits.attemptsPerChallenge],
    );
    return row ? { userId: row.user_id, hash } : null;
  }

  /** Completes the challenge with a TOTP code or a recovery code. */
  verify(context: RequestContext, challenge: string, code: string): Promise<Session> {
    const prove = async (manager: EntityManager, userId: string) => {
      const totp = await this.store.lock(manager, userId);
      const method = await this.store.accept(manager, userId, totp?.enabled ? totp : null, code, {
        recoveryCodes: true,
      });
      // A recovery code is a one-time password too (RFC 8176).
      return method ? 'otp' : null;
    };
    return this.complete(context, hashSecretToken(challenge), prove, {
      wrongProof: () => wrongCode('input.code'),
      challengeField: 'input.challenge',
    });
  }

  /**
   * Completes the challenge whose token hashes to `hash` when `prove` (run with the user and
   * their row locked) answers the `amr` value of the second factor; null from it is a wrong proof, refused with
   * `wrongProof()` once its transaction rolled back. Either way it counts against the challenge
   * and the user's per-user throttle. A challenge that no longer stands is refused on `challengeField`.
   */
  async complete(
    context: RequestContext,
    hash: string,
    prove: (manager: EntityManager, userId: string) => Promise<string | null>,
    { wrongProof, challengeField }: { wrongProof: () => Error; challengeField: string },
  ): Promise<Session> {
    // Counted in its own statement, so a wrong proof spends an attempt even though its transaction fails.
    const [spent] = await queryRows<{ user_id: string; first_factors: string[] }>(
      this.db,
      `UPDATE two_factor_challenges SET attempts = attempts + 1
        WHERE token_hash = $1 AND completed_at IS NULL AND expires_at > now() AND attempts < $2
        RETURNING user_id, first_factors`,
      [hash, this.limits.attemptsPerChallenge],
    );
    if (!spent) throw invalidChallenge(challengeField);
    const userId = spent.user_id;
    const attempt = await this.attempts.begin(userId);
    const session = await this.db.transaction(async (manager) => {
      const user = await this.users.lockForUpdate(manager, userId);
      // Turned off since the password was checked: the challenge no longer stands.
      if (!(await this.store.isEnabled(manager, userId))) throw invalidChallenge(challengeField);
      const secondFactor = await prove(manager, userId);
      if (!secondFactor) return null;
      const completed = await queryRows(
        manager,
        `UPDATE two_factor_challenges SET completed_at = now() WHERE token_hash = $1 AND completed_at IS NULL
          RETURNING user_id`,
        [hash],
      );
      if (completed.length === 0) throw invalidChallenge(challengeField);
      if (user.status === UserStatus.SUSPENDED) throw forbidden('This account is suspended', 'ACCOUNT_SUSPENDED');
      const methods = [...spent.first_factors, secondFactor, 'mfa'];
      return this.sessions.start(manager, user, { ...clientOf(context), methods });
    });
    if (session) {
      await this.attempts.succeeded(userId);
      return session;
    }
    context.log.info({ userId, waitSeconds: attempt.waitSeconds }, 'wrong second factor at sign-in');
    if (attempt.crossedThreshold) await this.auditThrottled(context, userId, attempt.waitSeconds);
    throw wrongProof();
  }

  private async auditThrottled(context: RequestContext, userId: string, waitSeconds: number): Promise<void> {
    await this.db.transaction((manager) =>
      auditUser(manager, this.outbox, context, 'TWO_FACTOR_FAILURES_EXCEEDED', userId, {
        after: { waitSeconds, clientIp: context.clientIp },
      }),
    );
  }
}

export function invalidChallenge(field = 'input.challenge') {
  return badInput([{ field, message: 'is invalid, used or expired: sign in again' }]);
}

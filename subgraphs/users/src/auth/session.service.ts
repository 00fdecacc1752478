import { ACCESS_TOKEN_TTL_SECONDS, AccessTokenSigner, Logger, queryRows, unauthenticated } from '@marketplace/kit';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { User } from '../user/user.entity';
import type { AuthPayload } from './auth.type';
import { hashSecretToken, newSecretToken } from './secret-token';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Sessions are families of refresh tokens. Each refresh uses one token up and issues the
 * next in the same family; presenting a used token means it was stolen (or raced), so
 * the whole family is revoked.
 */
export class SessionService {
  constructor(
    private readonly db: DataSource,
    private readonly signer: AccessTokenSigner,
    private readonly refreshTokenTtlDays: number,
    private readonly log: Logger,
  ) {}

  /** Starts a new session (family) for a user inside the caller's transaction. */
  start(manager: EntityManager, user: User): Promise<AuthPayload> {
    return this.issue(manager, user, randomUUID());
  }

  /** Uses a refresh token up and returns the next one of its family. */
  async rotate(
    refreshToken: string,
    loadUser: (manager: EntityManager, id: string) => Promise<User>,
  ): Promise<AuthPayload> {
    const hash = hashSecretToken(refreshToken);
    const rotated = await this.db.transaction(async (manager) => {
      const [row] = await queryRows<{ user_id: string; family_id: string }>(
        manager,
        `UPDATE refresh_tokens SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
          RETURNING user_id, family_id`,
        [hash],
      );
      if (!row) return null;
      return this.issue(manager, await loadUser(manager, row.user_id), row.family_id);
    });
    if (rotated) return rotated;
    await this.revokeIfReused(hash);
    throw unauthenticated('Invalid or expired refresh token');
  }

  /** Ends the session the token belongs to; unknown tokens are ignored (no oracle). */
  async end(refreshToken: string): Promise<void> {
    await this.db.query(
      `UPDATE refresh_tokens SET revoked_at = now()
        WHERE revoked_at IS NULL AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
      [hashSecretToken(refreshToken)],
    );
  }

  /** Signs every session of a user out (password changed or reset). */
  async endAll(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [
      userId,
    ]);
  }

  private async revokeIfReused(hash: string): Promise<void> {
    const [revoked] = await queryRows(
      this.db,
      `UPDATE refresh_tokens SET revoked_at = now()
        WHERE revoked_at IS NULL
          AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NOT NULL)
        RETURNING user_id, family_id`,
      [hash],
    );
    if (revoked)
      this.log.warn({ userId: revoked.user_id, familyId: revoked.family_id }, 'refresh token reuse: session revoked');
  }

  private async issue(manager: EntityManager, user: User, familyId: string): Promise<AuthPayload> {
    const { token, hash } = newSecretToken();
    await manager.query(
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`,
      [user.id, familyId, hash, new Date(Date.now() + this.refreshTokenTtlDays * DAY_MS)],
    );
    return {
      accessToken: this.signer.sign({ id: user.id, role: user.role }),
      refreshToken: token,
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      user,
    };
  }
}

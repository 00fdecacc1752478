import {
  ACCESS_TOKEN_TTL_SECONDS,
  AccessTokenSigner,
  AfterCommit,
  Logger,
  SessionVersions,
  queryRows,
  unauthenticated,
} from '@marketplace/kit';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { User } from '../user/user.entity';
import type { Session } from './auth.payloads';
import { hashSecretToken, newSecretToken } from './secret-token';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Sessions are families of refresh tokens. Each refresh uses one token up and issues the
 * next in the same family; presenting a used token means it was stolen (or raced), so
 * the whole family is revoked.
 *
 * Access tokens carry the user's session version (`users.session_version`, claim `sv`),
 * which every process checks against SessionVersions: raising it (`endAccess`) ends every
 * access token the user holds within about a second, instead of at their expiry.
 */
export class SessionService {
  constructor(
    private readonly db: DataSource,
    private readonly signer: AccessTokenSigner,
    private readonly refreshTokenTtlDays: number,
    private readonly log: Logger,
    private readonly published: { versions: SessionVersions; afterCommit: AfterCommit },
  ) {}

  /** Starts a new session (family) for a user inside the caller's transaction. */
  start(manager: EntityManager, user: User): Promise<Session> {
    return this.issue(manager, user, randomUUID());
  }

  /** Uses a refresh token up and returns the next one of its family. */
  async rotate(
    refreshToken: string,
    loadUser: (manager: EntityManager, id: string) => Promise<User>,
  ): Promise<Session> {
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

  /**
   * Ends the session the token belongs to, and the user's access tokens (a token does not
   * say which session it came from: the user's other devices refresh once). Answers whether
   * a live session ended: one whose latest refresh token was still usable. Of racing calls
   * for one session exactly one ends it (the rows are locked; the others find them revoked).
   */
  async end(refreshToken: string): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const ended = await queryRows<{ user_id: string; live: boolean }>(
        manager,
        `UPDATE refresh_tokens SET revoked_at = now()
          WHERE revoked_at IS NULL AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)
          RETURNING user_id, (used_at IS NULL AND expires_at > now()) AS live`,
        [hashSecretToken(refreshToken)],
      );
      if (ended.length === 0) return false;
      await this.endAccess(manager, ended[0].user_id);
      return ended.some((row) => row.live);
    });
  }

  /**
   * Signs every session of a user out, refresh and access tokens alike (password changed
   * or reset, suspension); `user` then holds the new session version, for a fresh session.
   */
  async endAll(manager: EntityManager, user: User): Promise<void> {
    await manager.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [
      user.id,
    ]);
    user.sessionVersion = await this.endAccess(manager, user.id);
  }

  /**
   * Ends every access token of the user (role change, logout, password change): raises the
   * session version in the caller's transaction and publishes it once that commits.
   * Returns the new version.
   */
  async endAccess(manager: EntityManager, userId: string): Promise<number> {
    const [row] = await queryRows<{ session_version: number }>(
      manager,
      `UPDATE users SET session_version = session_version + 1, updated_at = now() WHERE id = $1 RETURNING session_version`,
      [userId],
    );
    if (!row) throw unauthenticated();
    this.publish(manager, userId, row.session_version);
    return row.session_version;
  }

  /** After commit (never for a rolled-back change); a failed publish is logged by AfterCommit. */
  private publish(manager: EntityManager, userId: string, version: number): void {
    this.published.afterCommit.run(manager, async () => {
      await this.published.versions.raise(userId, version);
    });
  }

  private async revokeIfReused(hash: string): Promise<void> {
    const [revoked] = await queryRows<{ user_id: string; family_id: string }>(
      this.db,
      `UPDATE refresh_tokens SET revoked_at = now()
        WHERE revoked_at IS NULL
          AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NOT NULL)
        RETURNING user_id, family_id`,
      [hash],
    );
    if (!revoked) return;
    // Whoever holds the stolen family may hold its access token too.
    await this.endAccess(this.db.manager, revoked.user_id);
    this.log.warn({ userId: revoked.user_id, familyId: revoked.family_id }, 'refresh token reuse: session revoked');
  }

  private async issue(manager: EntityManager, user: User, familyId: string): Promise<Session> {
    // Shares the erasure's row lock: a sign-in racing an erasure either ends with it or is refused here.
    const [account] = await queryRows<{ erased_at: Date | null }>(
      manager,
      `SELECT erased_at FROM users WHERE id = $1 FOR SHARE`,
      [user.id],
    );
    if (!account || account.erased_at) throw unauthenticated();
    const { token, hash } = newSecretToken();
    await manager.query(
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`,
      [user.id, familyId, hash, new Date(Date.now() + this.refreshTokenTtlDays * DAY_MS)],
    );
    // The record may be missing (a new user, an expired record, a flushed Redis): every issue writes it.
    this.publish(manager, user.id, user.sessionVersion);
    return {
      accessToken: this.signer.sign({ id: user.id, role: user.role }, user.sessionVersion),
      refreshToken: token,
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      user,
    };
  }
}

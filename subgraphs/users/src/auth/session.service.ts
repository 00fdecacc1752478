import {
  ACCESS_TOKEN_TTL_SECONDS,
  AccessTokenSigner,
  AfterCommit,
  Logger,
  Outbox,
  RequestContext,
  SessionVersions,
  queryRows,
  requireViewer,
  unauthenticated,
} from '@marketplace/kit';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { User } from '../user/user.entity';
import type { Session } from './auth.payloads';
import { hashSecretToken, newSecretToken } from './secret-token';
import { SECOND_FACTOR_METHODS } from '../two-factor/authenticator.store';
import { auditUser } from '../user/user-audit';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The device a session runs on, as its requests describe it (recorded at sign-in and at each refresh). */
export interface SessionClient {
  userAgent?: string | null;
  clientIp?: string | null;
}

/** What a new session starts with: its device, and how the user proved who they are (RFC 8176 `amr` values). */
export interface SessionStart extends SessionClient {
  methods?: readonly string[];
}

/** The client of a request, for `start` and `rotate`. */
export function clientOf(context: RequestContext): SessionClient {
  return { userAgent: context.userAgent ?? null, clientIp: context.clientIp === 'unknown' ? null : context.clientIp };
}

/** Why a session ended (`sessions.end_reason`, and the audit records of sessions ended for a reason). */
export type SessionEndReason =
  | 'LOGOUT'
  | 'REVOKED'
  | 'OTHER_SESSIONS_REVOKED'
  | 'PASSWORD_CHANGED'
  | 'PASSWORD_RESET'
  | 'TWO_FACTOR_CHANGED'
  | 'TWO_FACTOR_RESET'
  | 'REFRESH_TOKEN_REUSED'
  | 'SIGNED_OUT_EVERYWHERE';

/** Which of a user's live sessions `endSessions` ends. */
export type SessionSelection = { only: string } | { allBut: string | null };

/**
 * Sessions are families of refresh tokens. Each refresh uses one token up and issues the
 * next in the same family; presenting a used token means it was stolen (or raced), so
 * the whole family is revoked.
 *
 * Access tokens carry the user's session version (`users.session_version`, claim `sv`),
 * which every process checks against SessionVersions: raising it (`endAccess`) ends every
 * access token the user holds within about a second, instead of at their expiry. They also
 * name their session (`sid`, the family id): `endSessions` ends some sessions alone.
 *
 * Each family has a `sessions` row (device, times, end). Refreshing and ending lock it
 * first, so a refresh racing an end either completes before it (and its new token is then
 * revoked with the family) or finds the session ended. Locks are taken in one order, the
 * user's row, then the session's, then its tokens', so that these never deadlock.
 */
export class SessionService {
  constructor(
    private readonly db: DataSource,
    private readonly signer: AccessTokenSigner,
    private readonly refreshTokenTtlDays: number,
    private readonly log: Logger,
    private readonly published: { versions: SessionVersions; afterCommit: AfterCommit },
    private readonly outbox: Outbox,
  ) {}

  /**
   * Starts a new session (family) for a user inside the caller's transaction. `start.userAgent` and
   * `start.clientIp` describe the device; `start.methods` how the user proved who they are (RFC 8176
   * `amr` values, e.g. `['pwd', 'otp', 'mfa']` after a second factor), which every access token of
   * the family carries.
   */
  async start(manager: EntityManager, user: User, start: SessionStart = {}): Promise<Session> {
    const { methods = [], ...client } = start;
    const sessionId = randomUUID();
    await manager.query(
      `INSERT INTO sessions (id, user_id, user_agent, client_ip, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [sessionId, user.id, client.userAgent ?? null, client.clientIp ?? null, this.refreshExpiry()],
    );
    return this.issue(manager, user, sessionId, client, methods);
  }

  /**
   * This device's new session after a change of the user's credentials: it keeps the standing
   * the asking session had (a second factor shown at sign-in) and never gains one, since an
   * access token alone must not mint a second-factor session.
   */
  startKeepingStanding(manager: EntityManager, user: User, context: RequestContext): Promise<Session> {
    const methods = context.viewer?.secondFactor ? SECOND_FACTOR_METHODS : [];
    return this.start(manager, user, { ...clientOf(context), methods });
  }

  /**
   * Ends every session of the user (a second factor changed: a stolen session must not outlive
   * it) and starts this device's new one, with the asking session's standing or, when
   * `keepStanding` is false, none.
   */
  async restartAll(
    manager: EntityManager,
    user: User,
    context: RequestContext,
    { keepStanding }: { keepStanding: boolean },
  ): Promise<Session> {
    await this.endAll(manager, user);
    if (keepStanding) return this.startKeepingStanding(manager, user, context);
    return this.start(manager, user, clientOf(context));
  }

  /** Uses a refresh token up and returns the next one of its family; the device is recorded as last seen. */
  async rotate(
    refreshToken: string,
    loadUser: (manager: EntityManager, id: string) => Promise<User>,
    client: SessionClient = {},
  ): Promise<Session> {
    const hash = hashSecretToken(refreshToken);
    const rotated = await this.db.transaction(async (manager) => {
      const [token] = await queryRows<{ user_id: string; family_id: string }>(
        manager,
        `SELECT user_id, family_id FROM refresh_tokens WHERE token_hash = $1`,
        [hash],
      );
      if (!token) return null;
      await manager.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [token.user_id]);
      const [live] = await queryRows(manager, `SELECT 1 FROM sessions WHERE id = $1 AND ended_at IS NULL FOR UPDATE`, [
        token.family_id,
      ]);
      if (!live) return null;
      const [used] = await queryRows<{ amr: string[] }>(
        manager,
        `UPDATE refresh_tokens SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
          RETURNING amr`,
        [hash],
      );
      if (!used) return null;
      return this.issue(manager, await loadUser(manager, token.user_id), token.family_id, client, used.amr);
    });
    if (rotated) return rotated;
    await this.revokeIfReused(hash);
    throw unauthenticated('Invalid or expired refresh token');
  }

  /**
   * Ends the session the token belongs to: its refresh tokens at once, its access tokens
   * (`sid`) within about a second; the user's other devices are left alone. Answers whether
   * a live session ended: one whose latest refresh token was still usable. Of racing calls
   * for one session exactly one ends it (the row is locked; the others find it ended).
   */
  async end(refreshToken: string): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const [token] = await queryRows<{ user_id: string; family_id: string }>(
        manager,
        `SELECT user_id, family_id FROM refresh_tokens WHERE token_hash = $1`,
        [hashSecretToken(refreshToken)],
      );
      if (!token) return false;
      const [session] = await queryRows(
        manager,
        `UPDATE sessions SET ended_at = now(), end_reason = 'LOGOUT' WHERE id = $1 AND ended_at IS NULL RETURNING id`,
        [token.family_id],
      );
      if (!session) return false;
      const ended = await queryRows<{ live: boolean }>(
        manager,
        `UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL
          RETURNING (used_at IS NULL AND expires_at > now()) AS live`,
        [token.family_id],
      );
      this.published.afterCommit.run(manager, () => this.published.versions.endSessions([token.family_id]));
      return ended.some((row) => row.live);
    });
  }

  /**
   * Ends some of the user's live sessions alone, inside the caller's transaction: their
   * refresh tokens at once, their access tokens (`sid`) within about a second of the commit,
   * while the user's other sessions keep working. Answers the ids of the sessions it ended.
   * What `revokeSession`, `revokeOtherSessions` and a change of second factor call.
   */
  async endSessions(
    manager: EntityManager,
    userId: string,
    which: SessionSelection,
    reason: SessionEndReason,
  ): Promise<string[]> {
    const [filter, parameter] =
      'only' in which ? ['id = $2::uuid', which.only] : ['id IS DISTINCT FROM $2::uuid', which.allBut];
    // Locked in id order: two devices revoking each other's sessions at once never deadlock.
    const locked = await queryRows<{ id: string }>(
      manager,
      `SELECT id FROM sessions WHERE user_id = $1 AND ${filter} AND ended_at IS NULL AND expires_at > now()
        ORDER BY id FOR UPDATE`,
      [userId, parameter],
    );
    const ids = locked.map((row) => row.id);
    if (ids.length === 0) return [];
    await manager.query(`UPDATE sessions SET ended_at = now(), end_reason = $2 WHERE id = ANY($1)`, [ids, reason]);
    await manager.query(
      `UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = ANY($1) AND revoked_at IS NULL`,
      [ids],
    );
    this.published.afterCommit.run(manager, () => this.published.versions.endSessions(ids));
    return ids;
  }

  /**
   * Ends every session of the signed-in user but the one this request's access token belongs
   * to, inside the caller's transaction, and records it in the audit trail
   * (OTHER_SESSIONS_REVOKED with `reason`): what `revokeOtherSessions` and changes of the
   * second factor call. A token that names no session (issued before sessions were named)
   * keeps none. Answers the ids of the sessions it ended.
   */
  async endOtherSessions(manager: EntityManager, context: RequestContext, reason: SessionEndReason): Promise<string[]> {
    const userId = requireViewer(context).id;
    const keptSessionId = context.sessionId ?? null;
    const sessionIds = await this.endSessions(manager, userId, { allBut: keptSessionId }, reason);
    await auditUser(manager, this.outbox, context, 'OTHER_SESSIONS_REVOKED', userId, {
      after: { reason, sessionIds, keptSessionId },
    });
    return sessionIds;
  }

  /**
   * Signs every session of a user out, refresh and access tokens alike (password changed
   * or reset, suspension); `user` (whose row the caller locked) then holds the new session
   * version, for a fresh session. Answers the ids of the sessions that were live.
   */
  async endAll(
    manager: EntityManager,
    user: User,
    reason: SessionEndReason = 'SIGNED_OUT_EVERYWHERE',
  ): Promise<string[]> {
    const ended = await queryRows<{ id: string; live: boolean }>(
      manager,
      `UPDATE sessions SET ended_at = now(), end_reason = $2
        WHERE id IN (SELECT id FROM sessions WHERE user_id = $1 AND ended_at IS NULL ORDER BY id FOR UPDATE)
        RETURNING id, expires_at > now() AS live`,
      [user.id, reason],
    );
    await manager.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [
      user.id,
    ]);
    user.sessionVersion = await this.endAccess(manager, user.id);
    return ended.filter((row) => row.live).map((row) => row.id);
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
    // One statement: the session row (which a racing refresh checks) ends with its tokens.
    const [revoked] = await queryRows<{ user_id: string; family_id: string }>(
      this.db,
      `WITH ended AS (
         UPDATE sessions SET ended_at = now(), end_reason = 'REFRESH_TOKEN_REUSED'
          WHERE ended_at IS NULL
            AND id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NOT NULL)
          RETURNING id, user_id),
       revoked AS (
         UPDATE refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL AND family_id IN (SELECT id FROM ended))
       SELECT user_id, id AS family_id FROM ended`,
      [hash],
    );
    if (!revoked) return;
    // Whoever holds the stolen family may hold its access token too.
    await this.endAccess(this.db.manager, revoked.user_id);
    this.log.warn({ userId: revoked.user_id, familyId: revoked.family_id }, 'refresh token reuse: session revoked');
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.refreshTokenTtlDays * DAY_MS);
  }

  private async issue(
    manager: EntityManager,
    user: User,
    familyId: string,
    client: SessionClient,
    methods: readonly string[],
  ): Promise<Session> {
    // Shares the erasure's row lock: a sign-in racing an erasure either ends with it or is refused here.
    const [account] = await queryRows<{ erased_at: Date | null }>(
      manager,
      `SELECT erased_at FROM users WHERE id = $1 FOR SHARE`,
      [user.id],
    );
    if (!account || account.erased_at) throw unauthenticated();
    const { token, hash } = newSecretToken();
    const expiresAt = this.refreshExpiry();
    await manager.query(
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, amr) VALUES ($1, $2, $3, $4, $5)`,
      [user.id, familyId, hash, expiresAt, methods],
    );
    // Last seen: a device whose address or browser changed shows its latest.
    await manager.query(
      `UPDATE sessions SET last_used_at = now(), expires_at = $2,
              user_agent = coalesce($3, user_agent), client_ip = coalesce($4, client_ip)
        WHERE id = $1`,
      [familyId, expiresAt, client.userAgent ?? null, client.clientIp ?? null],
    );
    // The record may be missing (a new user, an expired record, a flushed Redis): every issue writes it.
    this.publish(manager, user.id, user.sessionVersion);
    const viewer = { id: user.id, role: user.role };
    return {
      accessToken: this.signer.sign(viewer, user.sessionVersion, ACCESS_TOKEN_TTL_SECONDS, { id: familyId, methods }),
      refreshToken: token,
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      user,
      viewer: this.signer.actingViewer(viewer, methods),
    };
  }
}

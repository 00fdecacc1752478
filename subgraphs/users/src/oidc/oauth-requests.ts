import { queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import { hashSecretToken, newSecretToken } from '../auth/secret-token';
import type { AuthorizationChecks } from './social-providers';

/** A started authorization request, as `completeOAuthLogin` or `linkOAuthProvider` finds it again. */
export interface PendingRequest extends AuthorizationChecks {
  provider: string;
  /** Set when a signed-in user started it to link the provider: only they may finish it, and only by linking. */
  linkingUserId: string | null;
}

/** A LINK_REQUIRED answer waiting for the account's password. */
export interface PendingLink {
  userId: string;
  provider: string;
  subject: string;
  email: string;
}

/**
 * Authorization requests and pending links in Postgres: the PKCE verifier and the nonce never
 * leave the server, rows are found by the SHA-256 of the state or link token (a database
 * read does not hand out live secrets), and taking one deletes it, so each works once.
 */
export class OAuthRequests {
  constructor(private readonly ttl: { requestSeconds: number; linkSeconds: number }) {}

  async open(
    manager: EntityManager,
    request: Omit<PendingRequest, 'state' | 'nonce' | 'codeVerifier'>,
  ): Promise<PendingRequest> {
    const state = newSecretToken();
    const pending = {
      ...request,
      state: state.token,
      nonce: newSecretToken().token,
      codeVerifier: newSecretToken().token,
    };
    // Expired rows go as new ones come: the table holds minutes of requests, never a history.
    await manager.query(`DELETE FROM oauth_requests WHERE expires_at < now()`);
    await manager.query(
      `INSERT INTO oauth_requests (state_hash, provider, redirect_uri, code_verifier, nonce, user_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
      [
        state.hash,
        pending.provider,
        pending.redirectUri,
        pending.codeVerifier,
        pending.nonce,
        pending.linkingUserId,
        this.ttl.requestSeconds,
      ],
    );
    return pending;
  }

  /** Takes the request the state names, for this provider and purpose; null if unknown, used, expired or another's. */
  async take(
    manager: EntityManager,
    provider: string,
    state: string,
    linkingUserId: string | null,
  ): Promise<PendingRequest | null> {
    const [row] = await queryRows<{
      redirect_uri: string;
      code_verifier: string;
      nonce: string;
      user_id: string | null;
      live: boolean;
    }>(
      manager,
      `DELETE FROM oauth_requests WHERE state_hash = $1 AND provider = $2 AND user_id IS NOT DISTINCT FROM $3
       RETURNING redirect_uri, code_verifier, nonce, user_id, expires_at > now() AS live`,
      [hashSecretToken(state), provider, linkingUserId],
    );
    if (!row?.live) return null;
    return {
      provider,
      state,
      redirectUri: row.redirect_uri,
      codeVerifier: row.code_verifier,
      nonce: row.nonce,
      linkingUserId: row.user_id,
    };
  }

  async offerLink(manager: EntityManager, link: PendingLink): Promise<string> {
    const token = newSecretToken();
    await manager.query(`DELETE FROM oauth_pending_links WHERE expires_at < now()`);
    await manager.query(
      `INSERT INTO oauth_pending_links (token_hash, user_id, provider, subject, email, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [token.hash, link.userId, link.provider, link.subject, link.email, this.ttl.linkSeconds],
    );
    return token.token;
  }

  /** The live pending link, locked until the transaction ends (the password check decides whether to take it). */
  async findLink(manager: EntityManager, token: string): Promise<PendingLink | null> {
    const [row] = await queryRows<{ user_id: string; provider: string; subject: string; email: string }>(
      manager,
      `SELECT user_id, provider, subject, email FROM oauth_pending_links
        WHERE token_hash = $1 AND expires_at > now() FOR UPDATE`,
      [hashSecretToken(token)],
    );
    return row ? { userId: row.user_id, provider: row.provider, subject: row.subject, email: row.email } : null;
  }

  async dropLink(manager: EntityManager, token: string): Promise<void> {
    await manager.query(`DELETE FROM oauth_pending_links WHERE token_hash = $1`, [hashSecretToken(token)]);
  }
}

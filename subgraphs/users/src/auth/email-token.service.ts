import { queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import { hashSecretToken, newSecretToken } from './secret-token';

export type EmailTokenPurpose = 'VERIFY_EMAIL' | 'RESET_PASSWORD';

/**
 * Single-use tokens mailed to a user (verification, password reset): hashed at rest, bound
 * to the address they were sent to, expiring, and superseded by a newer token of the same kind.
 */
export class EmailTokenService {
  async create(
    manager: EntityManager,
    user: { id: string; email: string },
    purpose: EmailTokenPurpose,
    ttlMs: number,
  ): Promise<string> {
    await manager.query(
      `UPDATE email_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`,
      [user.id, purpose],
    );
    const { token, hash } = newSecretToken();
    await manager.query(
      `INSERT INTO email_tokens (user_id, purpose, email, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [user.id, purpose, user.email, hash, new Date(Date.now() + ttlMs)],
    );
    return token;
  }

  /** Uses a token up; returns its user id, or null when it is unknown, used, expired or for an old address. */
  async consume(manager: EntityManager, token: string, purpose: EmailTokenPurpose): Promise<string | null> {
    const [row] = await queryRows<{ user_id: string }>(
      manager,
      `UPDATE email_tokens t SET used_at = now()
         FROM users u
        WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > now()
          AND u.id = t.user_id AND u.email = t.email
        RETURNING t.user_id`,
      [hashSecretToken(token), purpose],
    );
    return row?.user_id ?? null;
  }
}

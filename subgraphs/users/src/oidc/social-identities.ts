import { AuditAction, Outbox, RequestContext, conflict, queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import { auditUser } from '../user/user-audit';

/** One provider identity linked to a user. */
export interface LinkedIdentity {
  provider: string;
  subject: string;
  email: string | null;
  linkedAt: Date;
  lastUsedAt: Date | null;
}

const UNIQUE_VIOLATION = '23505';

/** The `oauth_identities` rows: which provider subject signs in as which user. */
export class SocialIdentities {
  constructor(private readonly outbox: Outbox) {}

  async owner(manager: EntityManager, provider: string, subject: string): Promise<string | null> {
    const [row] = await queryRows<{ user_id: string }>(
      manager,
      `SELECT user_id FROM oauth_identities WHERE provider = $1 AND subject = $2`,
      [provider, subject],
    );
    return row?.user_id ?? null;
  }

  async of(manager: EntityManager, userId: string): Promise<LinkedIdentity[]> {
    const rows = await queryRows<{
      provider: string;
      subject: string;
      email: string | null;
      linked_at: Date;
      last_used_at: Date | null;
    }>(
      manager,
      `SELECT provider, subject, email, linked_at, last_used_at FROM oauth_identities WHERE user_id = $1 ORDER BY provider`,
      [userId],
    );
    return rows.map((row) => ({
      provider: row.provider,
      subject: row.subject,
      email: row.email,
      linkedAt: row.linked_at,
      lastUsedAt: row.last_used_at,
    }));
  }

  async used(manager: EntityManager, provider: string, subject: string, email: string | null): Promise<void> {
    await manager.query(
      `UPDATE oauth_identities SET last_used_at = now(), email = coalesce($3, email) WHERE provider = $1 AND subject = $2`,
      [provider, subject, email],
    );
  }

  /**
   * Links, in the caller's transaction, and audits it. The identity linked to another user, or
   * the user holding another identity of this provider, is a CONFLICT (the unique keys decide,
   * so racing links cannot both win).
   */
  async link(
    manager: EntityManager,
    context: RequestContext,
    link: { userId: string; provider: string; subject: string; email: string | null; proof: string },
  ): Promise<LinkedIdentity> {
    try {
      await manager.query(`SAVEPOINT link_identity`);
      await manager.query(`INSERT INTO oauth_identities (user_id, provider, subject, email) VALUES ($1, $2, $3, $4)`, [
        link.userId,
        link.provider,
        link.subject,
        link.email,
      ]);
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      await manager.query(`ROLLBACK TO SAVEPOINT link_identity`);
      const owner = await this.owner(manager, link.provider, link.subject);
      throw owner === link.userId
        ? conflict(`This ${link.provider} account is linked to yours already`, 'SOCIAL_ACCOUNT_LINKED')
        : owner
          ? conflict(`This ${link.provider} account is linked to another account`, 'SOCIAL_ACCOUNT_TAKEN')
          : conflict(`Another ${link.provider} account is linked to yours; unlink it first`, 'SOCIAL_ACCOUNT_LINKED');
    }
    await this.audit(manager, context, 'SOCIAL_ACCOUNT_LINKED', link.userId, {
      provider: link.provider,
      proof: link.proof,
    });
    return { ...link, linkedAt: new Date(), lastUsedAt: null };
  }

  async unlink(manager: EntityManager, userId: string, provider: string): Promise<boolean> {
    const removed = await queryRows<{ subject: string }>(
      manager,
      `DELETE FROM oauth_identities WHERE user_id = $1 AND provider = $2 RETURNING subject`,
      [userId, provider],
    );
    return removed.length > 0;
  }

  /** An audit record on the user; never the provider's tokens, and the subject only as the provider's own id. */
  audit(
    manager: EntityManager,
    context: RequestContext,
    action: AuditAction,
    userId: string,
    after: Record<string, unknown>,
  ): Promise<void> {
    return auditUser(manager, this.outbox, context, action, userId, { after });
  }
}

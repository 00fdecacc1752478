import { AuditAction, AuditOrigin, Outbox, RequestContext, recordAudit, requestOrigin } from '@marketplace/kit';
import { EntityManager } from 'typeorm';

/** What the action changed on the user: only that, and never a secret (password hash, token, key material). */
export interface UserChange {
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/**
 * Records an audit entry about a user inside the caller's transaction, so it exists if and
 * only if the change commits. `by` is the request (its signed-in caller, or ANONYMOUS) or,
 * where the request's caller is not who acts (a throttled sign-in, an erasure by the system),
 * the origin to record instead.
 */
export function auditUser(
  manager: EntityManager,
  outbox: Outbox,
  by: RequestContext | AuditOrigin,
  action: AuditAction,
  userId: string,
  change: UserChange,
): Promise<void> {
  const origin = 'actor' in by ? by : requestOrigin(by);
  return recordAudit(manager, outbox, origin, { action, targetType: 'User', targetId: userId, ...change });
}

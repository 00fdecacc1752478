import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../context';
import type { AuditAction } from '../contracts/audit-actions';
import { Events } from '../contracts/event-catalog';
import type { PayloadOf } from '../events/envelope';
import type { Outbox } from '../events/outbox';

export type AuditRecord = PayloadOf<typeof Events.AuditRecorded>;
export type AuditActor = AuditRecord['actor'];

/** Where an audited change came from: who, and the request (or event) that carried it. */
export interface AuditOrigin {
  actor: AuditActor;
  requestId: string;
  clientIp: string | null;
}

/** What one audit record says about the change. */
export interface AuditEntry {
  action: AuditAction;
  targetType: string;
  targetId: string;
  /** Only what the action changed, and never a secret (password hash, token, key material). */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** The signed-in caller of a request (ANONYMOUS when nobody is signed in). */
export function requestOrigin(context: RequestContext): AuditOrigin {
  const viewer = context.viewer;
  return {
    actor: viewer
      ? { kind: 'USER', userId: viewer.id, role: viewer.role }
      : { kind: 'ANONYMOUS', userId: null, role: null },
    requestId: context.requestId,
    clientIp: context.clientIp === 'unknown' ? null : context.clientIp,
  };
}

/** The marketplace itself (a webhook, an event handler, a timer), continuing `correlationId`. */
export function systemOrigin(correlationId: string): AuditOrigin {
  return { actor: { kind: 'SYSTEM', userId: null, role: null }, requestId: correlationId, clientIp: null };
}

/**
 * Records an audit entry inside the transaction that makes the change, through the
 * subgraph's outbox: the record exists if and only if the change committed, and reaches the
 * operator's append-only trail (the `operator` subgraph) like any event.
 */
export async function recordAudit(
  manager: EntityManager,
  outbox: Outbox,
  origin: AuditOrigin,
  entry: AuditEntry,
): Promise<void> {
  await outbox.record(
    manager,
    Events.AuditRecorded,
    {
      action: entry.action,
      actor: origin.actor,
      targetType: entry.targetType,
      targetId: entry.targetId,
      before: entry.before ?? null,
      after: entry.after ?? null,
      requestId: origin.requestId,
      clientIp: origin.clientIp,
    },
    { aggregateId: entry.targetId, correlationId: origin.requestId },
  );
}

import { randomUUID } from 'node:crypto';
import { Events, PayloadOf } from '@marketplace/kit';
import { TestSubgraph, startTestSubgraph } from '@marketplace/kit/testing';
import { operatorSubgraph } from './index';

export function startOperator(env: Record<string, string> = {}): Promise<TestSubgraph> {
  return startTestSubgraph(operatorSubgraph, env);
}

export type AuditPayload = PayloadOf<typeof Events.AuditRecorded>;

/** An admin's payout decision as the vendor subgraph records it; `overrides` change any part. */
export function auditPayload(overrides: Partial<AuditPayload> = {}): AuditPayload {
  return {
    action: 'PAYOUT_MARKED_PAID',
    actor: { kind: 'USER', userId: randomUUID(), role: 'ADMIN' },
    targetType: 'Payout',
    targetId: randomUUID(),
    before: { status: 'REQUESTED' },
    after: { status: 'PAID' },
    requestId: `req-${randomUUID()}`,
    clientIp: '198.51.100.4',
    ...overrides,
  };
}

export const AUDIT_RECORD_FIELDS =
  'id action actor { kind user { id } role } targetType targetId before after requestId clientIp subgraph occurredAt';

export const AUDIT_LOG = `query($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${AUDIT_RECORD_FIELDS} } }
  }
}`;

export interface AuditRecordView {
  id: string;
  action: string;
  actor: { kind: string; user: { id: string } | null; role: string | null };
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string;
  clientIp: string | null;
  subgraph: string;
  occurredAt: string;
}

export interface AuditLogView {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: AuditRecordView }[];
}

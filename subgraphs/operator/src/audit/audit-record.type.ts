import {
  AUDIT_ACTIONS,
  AuditAction,
  AuditActorKind,
  Connection,
  EntityCacheHint,
  EntityDescriptions,
  NODE_TYPES,
  Role,
  globalId,
  isUuid,
} from '@marketplace/kit';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../entity-stubs';

/** The schema's `AuditAction` enum, value for value the kit's list (its descriptions included). */
export const AuditActionEnum = Object.fromEntries(AUDIT_ACTIONS.map((action) => [action, action])) as {
  [A in AuditAction]: A;
};
registerEnumType(AuditActionEnum, {
  name: 'AuditAction',
  description: 'What an audit record records: an admin action or a security-relevant event.',
  valuesConfig: Object.fromEntries(AUDIT_ACTIONS.map((action) => [action, { description: AuditAction[action] }])),
});

export const AuditActorKindEnum = Object.fromEntries(Object.keys(AuditActorKind).map((kind) => [kind, kind])) as {
  [K in AuditActorKind]: K;
};
registerEnumType(AuditActorKindEnum, {
  name: 'AuditActorKind',
  description: 'Who caused an audited change.',
  valuesConfig: Object.fromEntries(
    Object.entries(AuditActorKind).map(([kind, description]) => [kind, { description }]),
  ),
});

@ObjectType({ description: 'Who caused an audited change, as the request (or the event) carried it.' })
export class AuditActor {
  @Field(() => AuditActorKindEnum, { description: 'A signed-in user, the system, or an anonymous caller.' })
  kind: AuditActorKind;

  /** Exposed as `user`. */
  userId: string | null;

  @Field(() => User, { nullable: true, description: 'The signed-in user who acted; null unless `kind` is USER.' })
  user(): User | null {
    return this.userId ? User.of(this.userId) : null;
  }

  @Field(() => Role, {
    nullable: true,
    description: "The user's role when they acted (it may have changed since); null unless `kind` is USER.",
  })
  role: Role | null;
}

@ObjectType({ description: EntityDescriptions.AuditRecord })
@Directive('@key(fields: "id")')
@EntityCacheHint('AuditRecord')
export class AuditRecord {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  @Field(() => AuditActionEnum, { description: 'What happened.' })
  action: AuditAction;

  @Field(() => AuditActor, { description: 'Who caused it.' })
  actor: AuditActor;

  @Field({ description: 'The GraphQL type of what was acted on, e.g. `User`, `Payout`, `SigningKey`.' })
  targetType: string;

  @Field({
    description:
      "What was acted on: its global id (`Payout:<uuid>`) when `targetType` is a type `node(id:)` answers, else the id as recorded (a signing key's key id).",
  })
  targetId: string;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'The fields the action changed, as they were before; null when it created something. Never secrets.',
  })
  before: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'The fields the action changed, as they are after; null when it removed something. Never secrets.',
  })
  after: Record<string, unknown> | null;

  @Field({
    description:
      'The id of the request that made the change (its `x-request-id`), or of the event chain a system change continued.',
  })
  requestId: string;

  @Field(() => String, {
    nullable: true,
    description: "The client's address as the gateway saw it; null for system changes.",
  })
  clientIp: string | null;

  @Field({ description: 'The subgraph that made the change and recorded it, e.g. `users`, `vendor`.' })
  subgraph: string;

  @Field({ description: 'When the change committed.' })
  occurredAt: Date;
}

@ObjectType({ description: 'A page of audit records, newest first.' })
export class AuditRecordConnection extends Connection(AuditRecord, 'AuditRecord') {}

/** An `audit_records` row as SQL returns it. */
export interface AuditRecordRow {
  id: string;
  action: AuditAction;
  actor_kind: AuditActorKind;
  actor_user_id: string | null;
  actor_role: Role | null;
  target_type: string;
  target_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string;
  client_ip: string | null;
  subgraph: string;
  occurred_at: Date;
}

export const AUDIT_RECORD_COLUMNS =
  'id, action, actor_kind, actor_user_id, actor_role, target_type, target_id, before, after, request_id, client_ip, subgraph, occurred_at';

const NODE_TYPE_NAMES: ReadonlySet<string> = new Set(NODE_TYPES);

/** The id a client uses for the target: a Node's global id, anything else as recorded. */
export function targetIdAnswered(targetType: string, targetId: string): string {
  return NODE_TYPE_NAMES.has(targetType) && isUuid(targetId) ? globalId(targetType, targetId.toLowerCase()) : targetId;
}

export function toAuditRecord(row: AuditRecordRow): AuditRecord {
  const actor = Object.assign(new AuditActor(), {
    kind: row.actor_kind,
    userId: row.actor_user_id,
    role: row.actor_role,
  });
  return Object.assign(new AuditRecord(), {
    id: row.id,
    action: row.action,
    actor,
    targetType: row.target_type,
    targetId: targetIdAnswered(row.target_type, row.target_id),
    before: row.before,
    after: row.after,
    requestId: row.request_id,
    clientIp: row.client_ip,
    subgraph: row.subgraph,
    occurredAt: row.occurred_at,
  });
}

import { Connection } from '@marketplace/kit';
import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../entity-stubs';

export enum DeadLetterStatus {
  DEAD = 'DEAD',
  REPLAY_REQUESTED = 'REPLAY_REQUESTED',
  REPLAYED = 'REPLAYED',
  DISCARDED = 'DISCARDED',
}
registerEnumType(DeadLetterStatus, {
  name: 'DeadLetterStatus',
  description: 'Where a dead letter stands: DEAD → REPLAY_REQUESTED → REPLAYED (or DEAD again), or DEAD → DISCARDED.',
  valuesConfig: {
    DEAD: { description: 'The handler gave up on it (or its last replay failed); it may be replayed or discarded.' },
    REPLAY_REQUESTED: { description: 'An admin asked for a replay; the owning subgraph has not answered yet.' },
    REPLAYED: { description: 'Redelivered and applied (or found applied already). Final.' },
    DISCARDED: { description: 'An admin gave up on it, with a reason. Final.' },
  },
});

export enum DeadLetterReplayOutcome {
  APPLIED = 'APPLIED',
  ALREADY_APPLIED = 'ALREADY_APPLIED',
  FAILED = 'FAILED',
}
registerEnumType(DeadLetterReplayOutcome, {
  name: 'DeadLetterReplayOutcome',
  description: 'What one replay came to in the owning subgraph.',
  valuesConfig: {
    APPLIED: { description: 'The handler ran and its effect committed.' },
    ALREADY_APPLIED: { description: 'The inbox had it already: the effect exists once, nothing ran twice.' },
    FAILED: { description: 'The handler failed again (see `error`); the letter is DEAD again.' },
  },
});

@ObjectType({ description: 'One redelivery of a dead letter an admin asked for.' })
export class DeadLetterReplay {
  /** Exposed as `requestedBy`. */
  requestedById: string | null;

  @Field(() => User, { nullable: true, description: 'The admin who asked for it.' })
  requestedBy(): User | null {
    return this.requestedById ? User.of(this.requestedById) : null;
  }

  @Field({ description: 'When it was asked for.' })
  requestedAt: Date;

  @Field(() => DeadLetterReplayOutcome, { nullable: true, description: 'What it came to; null while it waits.' })
  outcome: DeadLetterReplayOutcome | null;

  @Field(() => String, { nullable: true, description: "The handler's error when it FAILED; else null." })
  error: string | null;

  @Field(() => Date, { nullable: true, description: 'When the owning subgraph answered; null while it waits.' })
  completedAt: Date | null;
}

@ObjectType({
  description:
    "An event a subgraph's handler gave up on after every retry (or could not read at all), as the owning subgraph reported it.",
})
export class DeadLetter {
  @Field(() => ID, { description: 'Global id (`DeadLetter:<uuid>`); the owning subgraph knows it by the same uuid.' })
  id: string;

  @Field({ description: 'The subgraph whose handler failed, and which replays it: `users`, `orders`…' })
  subgraph: string;

  @Field({ description: 'The event type (routing key), e.g. `order.paid`.' })
  type: string;

  @Field(() => String, {
    nullable: true,
    description: "The event's own id (the envelope's `id`, a uuid); null when the envelope could not be read.",
  })
  eventId: string | null;

  @Field({ description: 'The handler that failed, by its inbox name (e.g. `issue-licenses`).' })
  handler: string;

  @Field(() => GraphQLJSON, {
    description:
      'The envelope exactly as it was delivered: a JSON object `{ id type version occurredAt source correlationId aggregateId payload }`, or a string when it was not JSON at all.',
  })
  envelope: unknown;

  @Field({ description: "The handler's last error message (a failed replay's, once there was one)." })
  lastError: string;

  @Field(() => Int, { description: 'How many times the handler was tried before it was dead-lettered.' })
  attempts: number;

  @Field({ description: 'When the owning subgraph dead-lettered it.' })
  deadLetteredAt: Date;

  @Field(() => DeadLetterStatus, { description: 'Where it stands.' })
  status: DeadLetterStatus;

  @Field(() => String, { nullable: true, description: 'Why an admin discarded it; null unless DISCARDED.' })
  discardReason: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was discarded; null unless DISCARDED.' })
  discardedAt: Date | null;
}

@ObjectType({ description: 'A page of dead letters, newest first.' })
export class DeadLetterConnection extends Connection(DeadLetter, 'DeadLetter') {}

/** A `dead_letter_registry` row as SQL returns it. */
export interface DeadLetterRow {
  id: string;
  subgraph: string;
  event_type: string;
  event_id: string | null;
  handler: string;
  envelope: string;
  last_error: string;
  attempts: number;
  dead_lettered_at: Date;
  status: DeadLetterStatus;
  discard_reason: string | null;
  discarded_at: Date | null;
}

export const DEAD_LETTER_COLUMNS =
  'id, subgraph, event_type, event_id, handler, envelope, last_error, attempts, dead_lettered_at, status, discard_reason, discarded_at';

export function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return Object.assign(new DeadLetter(), {
    id: row.id,
    subgraph: row.subgraph,
    type: row.event_type,
    eventId: row.event_id,
    handler: row.handler,
    envelope: parsedOrText(row.envelope),
    lastError: row.last_error,
    attempts: row.attempts,
    deadLetteredAt: row.dead_lettered_at,
    status: row.status,
    discardReason: row.discard_reason,
    discardedAt: row.discarded_at,
  });
}

/** A `dead_letter_replays` row as SQL returns it. */
export interface DeadLetterReplayRow {
  dead_letter_id: string;
  requested_by: string | null;
  requested_at: Date;
  outcome: DeadLetterReplayOutcome | null;
  error: string | null;
  completed_at: Date | null;
}

export function toDeadLetterReplay(row: DeadLetterReplayRow): DeadLetterReplay {
  return Object.assign(new DeadLetterReplay(), {
    requestedById: row.requested_by,
    requestedAt: row.requested_at,
    outcome: row.outcome,
    error: row.error,
    completedAt: row.completed_at,
  });
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

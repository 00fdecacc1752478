import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { TraceCarrier } from '../tracing/spans';

/** What travels on the wire for every event, whatever its type. */
export interface Envelope<T = unknown> {
  id: string;
  /** Routing key, e.g. `user.registered`. */
  type: string;
  version: number;
  occurredAt: string;
  /** The subgraph that produced it. */
  source: string;
  /** The request (or the event) that caused it, carried through the whole saga. */
  correlationId: string;
  /** Events of one aggregate are published in the order they were written. */
  aggregateId: string;
  payload: T;
  /**
   * The trace context of the span that wrote it. Kept with the outbox row and sent as message
   * headers (`traceparent`, `tracestate`), never in the body.
   */
  trace?: TraceCarrier;
}

/** One event type of the catalog: its routing key, version and payload schema. */
export interface EventDefinition<T> {
  type: string;
  version: number;
  schema: z.ZodType<T>;
}

export function defineEvent<T>(type: string, version: number, schema: z.ZodType<T>): EventDefinition<T> {
  if (!/^[a-z]+(\.[a-z_]+)+$/.test(type)) throw new Error(`event type "${type}" must look like "aggregate.happened"`);
  return { type, version, schema };
}

export type PayloadOf<D> = D extends EventDefinition<infer T> ? T : never;

const envelopeSchema = z.object({
  id: z.string().uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.string().datetime({ offset: true }),
  source: z.string().min(1),
  correlationId: z.string().min(1).max(128),
  aggregateId: z.string().min(1),
  payload: z.unknown(),
});

/** Thrown for an event that can never be handled (bad shape, unknown version): dead-letter it, don't retry. */
export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
}

export function createEnvelope<T>(
  definition: EventDefinition<T>,
  payload: T,
  meta: { source: string; correlationId: string; aggregateId: string },
): Envelope<T> {
  return {
    id: randomUUID(),
    type: definition.type,
    version: definition.version,
    occurredAt: new Date().toISOString(),
    source: meta.source,
    correlationId: meta.correlationId,
    aggregateId: meta.aggregateId,
    payload: validatePayload(definition, payload),
  };
}

export function validatePayload<T>(definition: EventDefinition<T>, payload: unknown): T {
  const result = definition.schema.safeParse(payload);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`)
      .join('; ');
    throw new MalformedEventError(`${definition.type} v${definition.version} payload is invalid: ${problems}`);
  }
  return result.data;
}

/** Parses raw bytes from a transport into an envelope of the expected definition. */
export function parseEnvelope<T>(raw: Buffer | string, definition: EventDefinition<T>): Envelope<T> {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch {
    throw new MalformedEventError('event is not JSON');
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success)
    throw new MalformedEventError(
      `event envelope is invalid: ${envelope.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  if (envelope.data.type !== definition.type)
    throw new MalformedEventError(`expected ${definition.type}, got ${envelope.data.type}`);
  if (envelope.data.version !== definition.version) {
    throw new MalformedEventError(
      `${definition.type} v${envelope.data.version} is not handled (this consumer knows v${definition.version})`,
    );
  }
  return {
    ...(envelope.data as Omit<Envelope, 'payload'>),
    payload: validatePayload(definition, envelope.data.payload),
  };
}

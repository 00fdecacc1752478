import type { EntityManager } from 'typeorm';
import { eventCreated } from '../tracing/spans';
import { Envelope, EventDefinition, createEnvelope } from './envelope';

/** Postgres channel a subgraph's relay listens on; NOTIFY is delivered only when the writing transaction commits. */
export const outboxChannel = (schema: string) => `outbox_${schema}`;

export interface EventOrigin {
  /** The request or event this one follows from. */
  correlationId: string;
}

/**
 * Writes events into the subgraph's outbox inside the caller's transaction: the event
 * exists if and only if the state change committed. Nothing here talks to a broker.
 */
export class Outbox {
  constructor(private readonly schema: string) {}

  async record<T>(
    manager: EntityManager,
    definition: EventDefinition<T>,
    payload: T,
    meta: EventOrigin & { aggregateId: string },
  ): Promise<Envelope<T>> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(`outbox: ${definition.type} must be recorded inside the transaction that changes the state`);
    }
    const envelope = createEnvelope(definition, payload, { source: this.schema, ...meta });
    const trace = eventCreated(envelope.type, envelope.id, this.schema);
    await manager.query(`INSERT INTO outbox (id, type, aggregate_id, envelope) VALUES ($1, $2, $3, $4)`, [
      envelope.id,
      envelope.type,
      envelope.aggregateId,
      JSON.stringify(trace ? { ...envelope, trace } : envelope),
    ]);
    await manager.query(`SELECT pg_notify($1, '')`, [outboxChannel(this.schema)]);
    return envelope;
  }
}

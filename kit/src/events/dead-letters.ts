import { Gauge, Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { Events } from '../contracts/event-catalog';
import { queryRows } from '../data/sql';
import type { Outbox } from './outbox';

/** A delivery the consumer gives up on: every attempt of `handler` failed, or the event is malformed. */
export interface FailedDelivery {
  /** The consumer's queue: the subgraph's name. */
  queue: string;
  handler: string;
  routingKey: string;
  body: string;
  /** The last error's message. */
  error: string;
  attempts: number;
}

/**
 * Failures not reported as `event.dead_lettered`: the registry's own intake failing would
 * report itself to itself, each report failing again, without end. Such a letter stays in the
 * subgraph's table, the log and the metric.
 */
const UNREPORTED_TYPES: ReadonlySet<string> = new Set([Events.EventDeadLettered.type]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Writes the `dead_letters` row and, in the same transaction, the `event.dead_lettered`
 * report the operator's registry is fed by: the operator hears of every dead letter that
 * exists, and of no other.
 */
export async function recordDeadLetter(
  manager: EntityManager,
  outbox: Outbox,
  failed: FailedDelivery,
): Promise<{ letterId: string; reported: boolean }> {
  const readable = readableEnvelope(failed.body);
  const [row] = await queryRows<{ letter_id: string; created_at: Date }>(
    manager,
    `INSERT INTO dead_letters (queue, routing_key, body, error, attempts, handler, event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING letter_id, created_at`,
    [
      failed.queue,
      failed.routingKey,
      failed.body,
      `${failed.handler}: ${failed.error}`,
      failed.attempts,
      failed.handler,
      readable.id,
    ],
  );
  if (UNREPORTED_TYPES.has(failed.routingKey)) return { letterId: row.letter_id, reported: false };
  await outbox.record(
    manager,
    Events.EventDeadLettered,
    {
      deadLetterId: row.letter_id,
      subgraph: failed.queue,
      handler: failed.handler,
      eventType: failed.routingKey,
      eventId: readable.id,
      envelope: failed.body,
      lastError: failed.error || 'unknown error',
      attempts: failed.attempts,
      deadLetteredAt: new Date(row.created_at).toISOString(),
    },
    { aggregateId: row.letter_id, correlationId: readable.correlationId ?? `dead-letter:${row.letter_id}` },
  );
  return { letterId: row.letter_id, reported: true };
}

/** The id and correlation id of a body, when it is an envelope far enough to have them. */
function readableEnvelope(body: string): { id: string | null; correlationId: string | null } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { id: null, correlationId: null };
  }
  const fields = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const id = typeof fields.id === 'string' && UUID.test(fields.id) ? fields.id : null;
  const correlation = fields.correlationId;
  const correlationId =
    typeof correlation === 'string' && correlation.length > 0 && correlation.length <= 128 ? correlation : null;
  return { id, correlationId };
}

/**
 * `events_dead_letters_open`: the subgraph's dead letters that still wait for someone (DEAD:
 * neither replayed into effect nor discarded), counted at each scrape. The counter
 * `events_dead_lettered_total` says when letters arrive; this says whether any were left.
 */
export function openDeadLettersGauge(registry: Registry, db: DataSource): void {
  new Gauge({
    name: 'events_dead_letters_open',
    help: "Dead letters in this subgraph's table still DEAD (not replayed into effect, not discarded)",
    registers: [registry],
    async collect() {
      // The database being down must not fail the scrape; the gauge keeps its last value and /ready says why.
      const rows = await queryRows<{ open: number }>(
        db,
        `SELECT count(*)::int AS open FROM dead_letters WHERE status = 'DEAD'`,
      ).catch(() => undefined);
      if (rows) this.set(rows[0].open);
    },
  });
}

import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../logger';
import { queryRows } from '../data/sql';
import { inConsumerSpan } from '../tracing/spans';
import { Envelope, EventDefinition, MalformedEventError, parseEnvelope } from './envelope';
import type { EventMetrics } from './event-metrics';
import type { Outbox } from './outbox';
import type { Delivery, EventTransport } from './transport';
import { backoffDelay, sleep } from './backoff';
import { recordDeadLetter } from './dead-letters';

/** What a handler may use: the transaction its inbox record commits with, a logger and the outbox. */
export interface HandlerContext {
  manager: EntityManager;
  log: Logger;
  correlationId: string;
  /** Records a follow-up event in the same transaction, carrying this event's correlation id. */
  emit: <T>(definition: EventDefinition<T>, payload: T, aggregateId: string) => Promise<Envelope<T>>;
}

export interface EventHandler<T = unknown> {
  /** Stable name: the inbox key, so renaming a handler replays history into it. */
  name: string;
  event: EventDefinition<T>;
  handle(event: Envelope<T>, context: HandlerContext): Promise<void>;
}

export function eventHandler<T>(
  name: string,
  event: EventDefinition<T>,
  handle: EventHandler<T>['handle'],
): EventHandler<T> {
  return { name, event, handle };
}

/**
 * Thrown by a handler whose event arrived before the one it depends on (a refund before
 * the payment): the consumer retries it with back-off like any failure, and the name says
 * in the log that it is waiting, not broken.
 */
export class EventTooEarlyError extends Error {
  override name = 'EventTooEarlyError';
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** What redelivering a dead letter came to (the `event.replayed` outcome). */
export interface ReplayResult {
  outcome: 'APPLIED' | 'ALREADY_APPLIED' | 'FAILED';
  /** `handler: message` when FAILED, else null. */
  error: string | null;
}

export interface ConsumerOptions {
  queue: string;
  db: DataSource;
  transport: EventTransport;
  outbox: Outbox;
  log: Logger;
  metrics: EventMetrics;
  retry: RetryPolicy;
  prefetch: number;
}

/**
 * The transport-free consumer core: validate, then run each handler in a transaction with
 * its inbox record (a redelivered or raced event has no second effect), retry with
 * back-off, dead-letter what cannot succeed. Acknowledges only after the effect commits.
 */
export class EventConsumer {
  private readonly handlers = new Map<string, EventHandler[]>();
  private subscription: { cancel(): Promise<void> } | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly options: ConsumerOptions) {}

  async start(handlers: EventHandler[]): Promise<void> {
    if (handlers.length === 0) return;
    for (const handler of handlers)
      this.handlers.set(handler.event.type, [...(this.handlers.get(handler.event.type) ?? []), handler]);
    this.subscription = await this.options.transport.consume(
      this.options.queue,
      [...this.handlers.keys()],
      (delivery) => this.track(inConsumerSpan(delivery, this.options.queue, () => this.onDelivery(delivery))),
      { prefetch: this.options.prefetch },
    );
  }

  /** Stops taking deliveries and waits for those in progress; unfinished retries go back to the queue. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.cancel();
    await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async onDelivery(delivery: Delivery): Promise<void> {
    const handlers = this.handlers.get(delivery.routingKey) ?? [];
    if (handlers.length === 0) {
      this.options.log.warn({ routingKey: delivery.routingKey }, 'no handler for event; acknowledged');
      return delivery.ack();
    }
    for (const handler of handlers) {
      const outcome = await this.runWithRetries(handler, delivery);
      if (outcome !== 'done') return;
    }
    await delivery.ack().catch(() => undefined);
  }

  private async runWithRetries(
    handler: EventHandler,
    delivery: Delivery,
  ): Promise<'done' | 'dead-lettered' | 'requeued'> {
    const { retry, metrics } = this.options;
    for (let attempt = 1; ; attempt += 1) {
      const timed = metrics.handlingDuration.startTimer({ type: handler.event.type });
      try {
        const envelope = parseEnvelope(delivery.body, handler.event);
        const outcome = await this.handleOnce(handler, envelope);
        timed({ outcome });
        metrics.consumed.inc({ type: handler.event.type, outcome });
        return 'done';
      } catch (error) {
        timed({ outcome: 'failed' });
        const permanent = error instanceof MalformedEventError;
        if (permanent || attempt >= retry.maxAttempts) {
          await this.deadLetter(handler, delivery, error, attempt);
          return 'dead-lettered';
        }
        metrics.retried.inc({ type: handler.event.type });
        this.options.log.warn({ handler: handler.name, attempt, err: error }, 'event handler failed; retrying');
        await sleep(backoffDelay(attempt, retry.baseDelayMs, retry.maxDelayMs));
        if (this.stopping) {
          await delivery.requeue().catch(() => undefined);
          return 'requeued';
        }
      }
    }
  }

  /**
   * Redelivers a dead letter's stored body to the handler named `handlerName` through the
   * inbox, inside the caller's transaction under a savepoint: the effect, its inbox row and
   * whatever the caller records about the outcome commit together, and a failure undoes only
   * the handler's part (the caller still records FAILED; nothing is dead-lettered again).
   */
  async replay(manager: EntityManager, handlerName: string, body: string): Promise<ReplayResult> {
    const handler = [...this.handlers.values()].flat().find((candidate) => candidate.name === handlerName);
    if (!handler) return { outcome: 'FAILED', error: `${handlerName}: this subgraph has no such handler any more` };
    await manager.query('SAVEPOINT dead_letter_replay');
    try {
      const envelope = parseEnvelope(body, handler.event);
      const outcome = await this.applyOnce(manager, handler, envelope);
      await manager.query('RELEASE SAVEPOINT dead_letter_replay');
      this.options.metrics.consumed.inc({ type: handler.event.type, outcome });
      return { outcome: outcome === 'handled' ? 'APPLIED' : 'ALREADY_APPLIED', error: null };
    } catch (error) {
      await manager.query('ROLLBACK TO SAVEPOINT dead_letter_replay');
      return { outcome: 'FAILED', error: `${handler.name}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  private handleOnce(handler: EventHandler, envelope: Envelope): Promise<'handled' | 'duplicate'> {
    return this.options.db.transaction((manager) => this.applyOnce(manager, handler, envelope));
  }

  /** The inbox path, in a transaction the caller owns: claim (event, handler) once, then handle. */
  private async applyOnce(
    manager: EntityManager,
    handler: EventHandler,
    envelope: Envelope,
  ): Promise<'handled' | 'duplicate'> {
    const log = this.options.log.child({
      correlationId: envelope.correlationId,
      eventId: envelope.id,
      eventType: envelope.type,
      handler: handler.name,
    });
    // Racing consumers of one event: the second insert waits for the first to commit, then finds the row.
    const claimed = await queryRows(
      manager,
      `INSERT INTO inbox (event_id, handler, type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING event_id`,
      [envelope.id, handler.name, envelope.type],
    );
    if (claimed.length === 0) {
      log.debug('duplicate event skipped');
      return 'duplicate';
    }
    await handler.handle(envelope, {
      manager,
      log,
      correlationId: envelope.correlationId,
      emit: (definition, payload, aggregateId) =>
        this.options.outbox.record(manager, definition, payload, {
          aggregateId,
          correlationId: envelope.correlationId,
        }),
    });
    log.info('event handled');
    return 'handled';
  }

  private async deadLetter(handler: EventHandler, delivery: Delivery, error: unknown, attempts: number): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const letter = {
      queue: this.options.queue,
      routingKey: delivery.routingKey,
      body: delivery.body,
      error: `${handler.name}: ${message}`,
      attempts,
    };
    try {
      await this.options.db.transaction((manager) =>
        recordDeadLetter(manager, this.options.outbox, {
          queue: letter.queue,
          handler: handler.name,
          routingKey: letter.routingKey,
          body: delivery.body.toString(),
          error: message,
          attempts,
        }),
      );
      await this.options.transport.deadLetter(letter);
      this.options.metrics.deadLettered.inc({ type: delivery.routingKey });
      this.options.log.error(
        { handler: handler.name, attempts, error: message, routingKey: delivery.routingKey },
        'event dead-lettered',
      );
      await delivery.ack().catch(() => undefined);
    } catch (recordError) {
      // Cannot record the failure: leave the message with the broker rather than lose it.
      this.options.log.error({ err: recordError }, 'dead-lettering failed; message requeued');
      await delivery.requeue().catch(() => undefined);
    }
  }
}

import type { DataSource } from 'typeorm';
import type { EventSettings } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { queryRows } from '../data/sql';
import { AmqpTransport } from './amqp-transport';
import { BacklogBoard, BacklogReporter } from './backlog';
import { EventConsumer, EventHandler } from './consumer';
import { deadLetterCommandHandlers } from './dead-letter-commands';
import { openDeadLettersGauge } from './dead-letters';
import { EventMetrics } from './event-metrics';
import { InProcessTransport, inProcessBrokerFor } from './in-process-transport';
import { Outbox } from './outbox';
import { OutboxRelay } from './relay';
import type { EventTransport } from './transport';

/**
 * A subgraph's whole event machinery: outbox writer, relay, consumer, transport, metrics,
 * the operator's dead-letter commands and the backlog report.
 */
export class EventBackbone {
  readonly outbox: Outbox;
  readonly transport: EventTransport;
  readonly relay: OutboxRelay;
  readonly consumer: EventConsumer;
  readonly metrics: EventMetrics;
  readonly backlog: BacklogReporter | undefined;
  private readonly name: string;
  private readonly board: BacklogBoard | undefined;

  constructor(options: {
    name: string;
    db: DataSource;
    databaseUrl: string;
    amqpUrl: string | undefined;
    settings: EventSettings;
    log: Logger;
    metrics: Metrics;
    /** Where the backlog is reported for the operator; none, none reported. The backbone closes it. */
    backlogBoard?: BacklogBoard;
  }) {
    const { name, db, settings, log } = options;
    const eventLog = log.child({ component: 'events' });
    this.name = name;
    this.board = options.backlogBoard;
    this.backlog =
      options.backlogBoard &&
      new BacklogReporter({
        subgraph: name,
        board: options.backlogBoard,
        measure: () => outboxState(db),
        intervalMs: settings.backlogReportMs,
        log: eventLog,
      });
    this.outbox = new Outbox(name);
    this.transport = options.amqpUrl
      ? new AmqpTransport(options.amqpUrl, settings, eventLog)
      : new InProcessTransport(inProcessBrokerFor(settings.exchange));
    this.metrics = new EventMetrics(options.metrics.registry, () => outboxState(db));
    openDeadLettersGauge(options.metrics.registry, db);
    this.relay = new OutboxRelay({
      schema: name,
      db,
      databaseUrl: options.databaseUrl,
      transport: this.transport,
      log: eventLog,
      metrics: this.metrics,
      batchSize: settings.outboxBatchSize,
      pollIntervalMs: settings.outboxPollMs,
    });
    this.consumer = new EventConsumer({
      queue: name,
      db,
      transport: this.transport,
      outbox: this.outbox,
      log: eventLog,
      metrics: this.metrics,
      retry: {
        maxAttempts: settings.maxAttempts,
        baseDelayMs: settings.retryBaseDelayMs,
        maxDelayMs: settings.retryMaxDelayMs,
      },
      prefetch: settings.prefetch,
    });
  }

  async start(handlers: EventHandler[], options: { startRelay: boolean } = { startRelay: true }): Promise<void> {
    if (this.transport instanceof AmqpTransport) {
      this.metrics.brokerConnected.set(0);
      this.transport.onConnected(() => {
        this.metrics.brokerConnected.set(1);
        this.metrics.brokerConnections.inc();
        this.relay.poke();
      });
      this.transport.onDisconnected(() => this.metrics.brokerConnected.set(0));
      await this.transport.start();
    } else this.metrics.brokerConnected.set(1);
    await this.consumer.start([...handlers, ...deadLetterCommandHandlers(this.name, this.consumer)]);
    if (options.startRelay) this.relay.start();
    this.backlog?.start();
  }

  async stop(): Promise<void> {
    await this.backlog?.stop();
    await this.relay.stop();
    await this.consumer.stop();
    await this.transport.close();
    await this.board?.close();
  }
}

async function outboxState(db: DataSource) {
  const [row] = await queryRows<{ pending: number; age: number | null; oldest: Date | null }>(
    db,
    `SELECT count(*)::int AS pending, extract(epoch FROM now() - min(created_at))::float8 AS age,
            min(created_at) AS oldest
       FROM outbox WHERE sent_at IS NULL`,
  );
  return { pending: row.pending, oldestAgeSeconds: Math.max(0, row.age ?? 0), oldestCreatedAt: row.oldest };
}

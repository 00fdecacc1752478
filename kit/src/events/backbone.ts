import type { DataSource } from 'typeorm';
import type { EventSettings } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { queryRows } from '../data/sql';
import { AmqpTransport } from './amqp-transport';
import { EventConsumer, EventHandler } from './consumer';
import { EventMetrics } from './event-metrics';
import { InProcessTransport } from './in-process-transport';
import { Outbox } from './outbox';
import { OutboxRelay } from './relay';
import type { EventTransport } from './transport';

/** A subgraph's whole event machinery: outbox writer, relay, consumer, transport, metrics. */
export class EventBackbone {
  readonly outbox: Outbox;
  readonly transport: EventTransport;
  readonly relay: OutboxRelay;
  readonly consumer: EventConsumer;
  readonly metrics: EventMetrics;

  constructor(options: {
    name: string;
    db: DataSource;
    databaseUrl: string;
    amqpUrl: string | undefined;
    settings: EventSettings;
    log: Logger;
    metrics: Metrics;
  }) {
    const { name, db, settings, log } = options;
    const eventLog = log.child({ component: 'events' });
    this.outbox = new Outbox(name);
    this.transport = options.amqpUrl
      ? new AmqpTransport(options.amqpUrl, settings, eventLog)
      : new InProcessTransport();
    this.metrics = new EventMetrics(options.metrics.registry, () => outboxState(db));
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
    await this.consumer.start(handlers);
    if (options.startRelay) this.relay.start();
  }

  async stop(): Promise<void> {
    await this.relay.stop();
    await this.consumer.stop();
    await this.transport.close();
  }
}

async function outboxState(db: DataSource) {
  const [row] = await queryRows<{ pending: number; age: number | null }>(
    db,
    `SELECT count(*)::int AS pending, extract(epoch FROM now() - min(created_at))::float8 AS age FROM outbox WHERE sent_at IS NULL`,
  );
  return { pending: row.pending, oldestAgeSeconds: Math.max(0, row.age ?? 0) };
}

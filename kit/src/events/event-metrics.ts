import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** From an inbox hit (milliseconds) to a handler waiting on a slow lock or a remote call. */
const HANDLING_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Event backbone metrics of one subgraph. */
export class EventMetrics {
  readonly published: Counter<'type'>;
  readonly consumed: Counter<'type' | 'outcome'>;
  readonly retried: Counter<'type'>;
  readonly deadLettered: Counter<'type'>;
  /** 1 while the transport can publish (always, in process), 0 while the broker is unreachable. */
  readonly brokerConnected: Gauge;
  readonly brokerConnections: Counter;
  /** 1 on the replica whose relay holds the outbox's leadership lock, 0 on standbys (dashboards: who publishes). */
  readonly relayLeader: Gauge;
  /** One handler attempt, its transaction included: handled, duplicate (inbox hit) or failed. */
  readonly handlingDuration: Histogram<'type' | 'outcome'>;

  constructor(registry: Registry, outboxState: () => Promise<{ pending: number; oldestAgeSeconds: number }>) {
    this.published = new Counter({
      name: 'events_published_total',
      help: 'Events published from the outbox',
      labelNames: ['type'],
      registers: [registry],
    });
    this.consumed = new Counter({
      name: 'events_consumed_total',
      help: 'Events consumed; outcome handled, or duplicate (already in the inbox)',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    });
    this.retried = new Counter({
      name: 'events_retried_total',
      help: 'Handler attempts that failed and were retried',
      labelNames: ['type'],
      registers: [registry],
    });
    this.deadLettered = new Counter({
      name: 'events_dead_lettered_total',
      help: 'Events given up on and dead-lettered',
      labelNames: ['type'],
      registers: [registry],
    });
    this.brokerConnected = new Gauge({
      name: 'events_broker_connected',
      help: '1 while connected to the broker, 0 while it is unreachable',
      registers: [registry],
    });
    this.brokerConnections = new Counter({
      name: 'events_broker_connections_total',
      help: 'Connections established to the broker: the first, then one per recovery',
      registers: [registry],
    });
    this.relayLeader = new Gauge({
      name: 'outbox_relay_leader',
      help: "1 while this replica's outbox relay holds the leadership lock and publishes, 0 while it stands by",
      registers: [registry],
    });
    this.handlingDuration = new Histogram({
      name: 'events_handling_duration_seconds',
      help: 'Event handler attempts, with their inbox transaction, by type and outcome (handled, duplicate, failed)',
      labelNames: ['type', 'outcome'],
      buckets: HANDLING_BUCKETS_SECONDS,
      registers: [registry],
    });
    // One query per scrape serves both gauges: the registry collects them concurrently.
    let scrape: Promise<{ pending: number; oldestAgeSeconds: number } | undefined> | undefined;
    const readState = () =>
      (scrape ??= outboxState()
        .catch(() => undefined)
        .finally(() => setImmediate(() => (scrape = undefined))));
    new Gauge({
      name: 'outbox_lag_seconds',
      help: 'Age of the oldest unpublished outbox row (0 when none)',
      registers: [registry],
      async collect() {
        const state = await readState();
        if (state) this.set(state.oldestAgeSeconds);
      },
    });
    new Gauge({
      name: 'outbox_pending_events',
      help: 'Outbox rows not yet published',
      registers: [registry],
      async collect() {
        const state = await readState();
        if (state) this.set(state.pending);
      },
    });
  }
}

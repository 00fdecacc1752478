import { queryRows } from '../data/sql';
import type { TcpProxy } from '../testing/tcp-proxy';
import { AmqpTransport } from './amqp-transport';
import { EventNode, ProbeHappened, eventually } from './testing';

export interface OutageScenario {
  /** Between both nodes and RabbitMQ; stopped for the outage, started again after it. */
  proxy: TcpProxy;
  /** Runs a handler that inserts one `effects` row per ProbeHappened event. */
  consumer: EventNode;
  producer: EventNode;
  /** How long the broker stays unreachable. */
  outageMs: number;
  /** Concurrent writers (one aggregate each), like purchases racing during the outage. */
  writers: number;
  /** Events each writer commits, spread evenly over the outage. */
  eventsPerWriter: number;
  /** Longest wait for the backlog after the broker returns, before giving up. */
  drainTimeoutMs?: number;
}

export interface OutageRecovery {
  /** Events committed while the broker was unreachable. */
  backlog: number;
  /** Unsent outbox rows when the broker came back (all of the backlog: nothing could be published). */
  pendingAtRestore: number;
  /** Broker reachable again → both nodes' transports connected (the later of the two). */
  reconnectMs: number;
  /** The producer connected → the last backlog event published (marked sent after its confirm). */
  publishMs: number;
  /** Both connected → the last backlog event's effect committed by the consumer. */
  drainMs: number;
}

const DEFAULT_DRAIN_TIMEOUT_MS = 60_000;

/** Epoch milliseconds on Postgres's clock, which is this host's clock: the servers run here. */
const epochMs = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * Takes the broker away while the producer keeps committing events, brings it back and
 * times the recovery: how long the transports take to reconnect, and how long after that
 * the backlog takes to be published and handled. Shared by the recovery test, which asserts
 * a bound, and `npm run bench:events`, which reports the figures.
 */
export async function measureBrokerOutage(scenario: OutageScenario): Promise<OutageRecovery> {
  const { proxy, consumer, producer, outageMs, writers, eventsPerWriter } = scenario;
  const connectedAt = new Map<string, number>();
  for (const node of [consumer, producer]) {
    if (!(node.backbone.transport instanceof AmqpTransport)) throw new Error(`${node.name} is not on RabbitMQ`);
    node.backbone.transport.onConnected(() => connectedAt.set(node.name, Date.now()));
  }
  const [{ since }] = await queryRows<{ since: number }>(producer.db, `SELECT ${epochMs('now()')} AS since`);

  await proxy.stop();
  const outageStarted = Date.now();
  const pace = outageMs / (eventsPerWriter + 1);
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let n = 0; n < eventsPerWriter; n += 1) {
        await new Promise((resolve) => setTimeout(resolve, pace));
        await producer.db.transaction((manager) =>
          producer.backbone.outbox.record(
            manager,
            ProbeHappened,
            { aggregate: `outage${writer}`, n },
            { aggregateId: `outage${writer}`, correlationId: 'outage' },
          ),
        );
      }
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageStarted + outageMs - Date.now())));
  const backlog = writers * eventsPerWriter;
  const [{ pending }] = await queryRows<{ pending: number }>(
    producer.db,
    `SELECT count(*)::int AS pending FROM outbox WHERE sent_at IS NULL`,
  );

  connectedAt.clear();
  await proxy.start();
  const restoredAt = Date.now();
  const handled = async () =>
    (
      await queryRows<{ n: number }>(
        consumer.db,
        `SELECT count(*)::int AS n FROM effects WHERE aggregate LIKE 'outage%'`,
      )
    )[0].n;
  await eventually(
    async () => connectedAt.size === 2 && (await handled()) >= backlog,
    scenario.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS,
    () => `both nodes reconnected (${connectedAt.size} of 2) and ${backlog} backlog events handled`,
  );
  const reconnectedAt = Math.max(...connectedAt.values());
  const [{ published }] = await queryRows<{ published: number }>(
    producer.db,
    `SELECT ${epochMs('max(sent_at)')} AS published FROM outbox WHERE created_at >= to_timestamp($1 / 1000.0)`,
    [since],
  );
  const [{ consumed }] = await queryRows<{ consumed: number }>(
    consumer.db,
    `SELECT ${epochMs('max(handled_at)')} AS consumed FROM effects WHERE aggregate LIKE 'outage%'`,
  );
  return {
    backlog,
    pendingAtRestore: pending,
    reconnectMs: reconnectedAt - restoredAt,
    publishMs: published - connectedAt.get(producer.name)!,
    drainMs: consumed - reconnectedAt,
  };
}

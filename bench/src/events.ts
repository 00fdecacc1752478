/**
 * Event backbone benchmark: outbox → transport → inbox, for the in-process transport and,
 * when AMQP_URL is set, RabbitMQ.
 *
 *   throughput  BENCH_EVENTS events written in transactions of 50, timed from the first
 *               commit until the consumer's inbox holds all of them
 *   latency     BENCH_LATENCY_EVENTS events written one per transaction, paced; latency is
 *               the consumer's commit time minus the event's occurredAt
 *   recovery    RabbitMQ only, through a TCP proxy that takes it away for BENCH_OUTAGE_MS
 *               while BENCH_OUTAGE_WRITERS writers commit 10 events each: how long after
 *               the broker returns both nodes reconnect, and how long after that the
 *               backlog is published and handled (each event exactly once)
 *
 * Knobs: BENCH_EVENTS (5000), BENCH_LATENCY_EVENTS (300), BENCH_OUTAGE_MS (8000),
 * BENCH_OUTAGE_WRITERS (20), DATABASE_URL (else embedded).
 */
import { eventHandler, queryRows } from '@marketplace/kit';
import {
  EventNode,
  ProbeHappened,
  TcpProxy,
  createTestDatabase,
  eventually,
  isolatedInfrastructure,
  measureBrokerOutage,
  startEventNode,
} from '@marketplace/kit/testing';
import { ensureDatabaseServer } from './harness';
import { percentile } from './stats';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000);
const LATENCY_EVENTS = Number(process.env.BENCH_LATENCY_EVENTS ?? 300);
const BATCH = 50;
const LATENCY_PACE_MS = 5;
const OUTAGE_MS = Number(process.env.BENCH_OUTAGE_MS ?? 8_000);
const OUTAGE_WRITERS = Number(process.env.BENCH_OUTAGE_WRITERS ?? 20);
const OUTAGE_EVENTS_PER_WRITER = 10;

const recordEffect = eventHandler('bench-effect', ProbeHappened, async (event, { manager }) => {
  await manager.query('INSERT INTO effects (event_id, aggregate, n) VALUES ($1, $2, $3)', [
    event.id,
    event.payload.aggregate,
    event.payload.n,
  ]);
});

async function measure(label: string, transportEnv: Record<string, string>, databaseUrl: string, run: number) {
  const env = {
    ...isolatedInfrastructure(`bench_${process.pid}_${run}`),
    LOG_LEVEL: 'silent',
    OUTBOX_POLL_MS: '1000',
    ...transportEnv,
  };
  const consumer = await startEventNode({ name: `bench_consumer_${run}`, databaseUrl, handlers: [recordEffect], env });
  const producer = await startEventNode({ name: `bench_producer_${run}`, databaseUrl, env });
  const handled = async () =>
    (await queryRows<{ n: number }>(consumer.db, 'SELECT count(*)::int AS n FROM effects'))[0].n;
  try {
    const started = performance.now();
    for (let first = 0; first < EVENTS; first += BATCH) {
      await producer.db.transaction(async (manager) => {
        for (let n = first; n < Math.min(EVENTS, first + BATCH); n += 1) {
          await producer.backbone.outbox.record(
            manager,
            ProbeHappened,
            { aggregate: `a${n % 20}`, n },
            { aggregateId: `a${n % 20}`, correlationId: 'bench' },
          );
        }
      });
    }
    await eventually(
      async () => (await handled()) >= EVENTS,
      300_000,
      () => `${EVENTS} handled events`,
    );
    const seconds = (performance.now() - started) / 1000;

    await consumer.db.query('TRUNCATE effects');
    for (let n = 0; n < LATENCY_EVENTS; n += 1) {
      await producer.db.transaction((manager) =>
        producer.backbone.outbox.record(
          manager,
          ProbeHappened,
          { aggregate: 'latency', n },
          { aggregateId: 'latency', correlationId: 'bench' },
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, LATENCY_PACE_MS));
    }
    await eventually(async () => (await handled()) >= LATENCY_EVENTS, 120_000);
    const latencies = (
      await queryRows<{ ms: number }>(
        consumer.db,
        `SELECT extract(epoch FROM e.handled_at - (o.envelope->>'occurredAt')::timestamptz) * 1000 AS ms
           FROM effects e JOIN ${producer.name}.outbox o ON o.id = e.event_id`,
      )
    )
      .map((row) => Number(row.ms))
      .sort((a, b) => a - b);
    return { label, eventsPerSecond: EVENTS / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    await Promise.all([producer, consumer].map((node: EventNode) => node.close()));
  }
}

/** The production settings (poll interval, prefetch, batch size), with RabbitMQ behind a proxy the bench cuts. */
async function recovery(amqpUrl: string, databaseUrl: string) {
  const proxy = TcpProxy.forUrl(amqpUrl);
  await proxy.start();
  const env = {
    ...isolatedInfrastructure(`bench_${process.pid}_outage`),
    LOG_LEVEL: 'silent',
    AMQP_URL: proxy.urlFor(amqpUrl),
  };
  const consumer = await startEventNode({
    name: 'bench_outage_consumer',
    databaseUrl,
    handlers: [recordEffect],
    env,
  });
  const producer = await startEventNode({ name: 'bench_outage_producer', databaseUrl, env });
  try {
    const result = await measureBrokerOutage({
      proxy,
      consumer,
      producer,
      outageMs: OUTAGE_MS,
      writers: OUTAGE_WRITERS,
      eventsPerWriter: OUTAGE_EVENTS_PER_WRITER,
    });
    await new Promise((resolve) => setTimeout(resolve, 500)); // a duplicate would arrive after the last first delivery
    const [{ rows, events }] = await queryRows<{ rows: number; events: number }>(
      consumer.db,
      `SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS events FROM effects`,
    );
    if (rows !== events || events !== result.backlog) throw new Error(`${rows} effects of ${events} events`);
    return result;
  } finally {
    await Promise.all([producer, consumer].map((node: EventNode) => node.close()));
    await proxy.stop();
  }
}

async function main() {
  const server = await ensureDatabaseServer('bench-events');
  const database = await createTestDatabase();
  const transports: [string, Record<string, string>][] = [['in-process', { AMQP_URL: '' }]];
  if (process.env.AMQP_URL) transports.push(['RabbitMQ', { AMQP_URL: process.env.AMQP_URL }]);
  const rows = [];
  let outage: Awaited<ReturnType<typeof recovery>> | undefined;
  try {
    for (const [index, [label, env]] of transports.entries()) rows.push(await measure(label, env, database.url, index));
    if (process.env.AMQP_URL) outage = await recovery(process.env.AMQP_URL, database.url);
  } finally {
    await database.drop();
    await server.stop();
  }
  const lines = [
    `| transport | events/s (outbox → inbox, ${EVENTS} events) | publish-to-handled p50 ms | p99 ms |`,
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.label} | ${r.eventsPerSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`),
  ];
  if (outage)
    lines.push(
      '',
      `| RabbitMQ outage | backlog events | reconnected after the broker returned, ms | published after reconnecting, ms | handled after reconnecting, ms |`,
      '|---|---|---|---|---|',
      `| ${OUTAGE_MS / 1000} s | ${outage.backlog} | ${outage.reconnectMs.toFixed(0)} | ${outage.publishMs.toFixed(0)} | ${outage.drainMs.toFixed(0)} |`,
    );
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`events benchmark failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  },
);

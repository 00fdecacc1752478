import { queryRows } from '../data/sql';
import { TcpProxy, TestDatabase, createTestDatabase, isolatedInfrastructure } from '../testing';
import { eventHandler } from './consumer';
import { EventNode, ProbeHappened, eventually, startEventNode } from './testing';
import { measureBrokerOutage } from './testing-outage';

/**
 * Recovery after a broker outage, against the real RabbitMQ behind a TCP proxy, with the
 * production settings (poll interval, prefetch, batch size): the probe of issue 18 cut the
 * broker for 8 s during 20 concurrent purchases; the subgraphs reconnected 3–6 s after it
 * returned and the backlog drained about 45 s after that. The target is 2 s from
 * reconnection; the bounds below are well above it so a loaded CI machine does not flake,
 * and the measured figures are printed (docs/operations.md quotes them).
 */
const OUTAGE_MS = 8_000;
const WRITERS = 20;
const EVENTS_PER_WRITER = 10;
/** A reconnect backoff capped at 1 s reconnects within about a second; the old one took up to 8. */
const RECONNECT_BOUND_MS = 4_000;
/** The target is 2 s; the old relay took tens of seconds. */
const DRAIN_BOUND_MS = 5_000;
const TEST_TIMEOUT_MS = 120_000;
/** Long enough that the old back-off (250 ms doubling to 10 s) always shows a gap of 2 s or more. */
const REFUSING_MS = 8_000;
/** The back-off caps at 1 s; the rest is room for a loaded machine's event loop. */
const RETRY_GAP_BOUND_MS = 2_000;

const AMQP_URL = process.env.AMQP_URL;
if (AMQP_URL) {
  describe('recovery after a broker outage (RabbitMQ)', () => {
    let database: TestDatabase;
    let proxy: TcpProxy;
    const nodes: EventNode[] = [];

    beforeAll(async () => {
      database = await createTestDatabase();
      proxy = TcpProxy.forUrl(AMQP_URL);
      await proxy.start();
    });
    afterAll(async () => {
      await Promise.all(nodes.splice(0).map((node) => node.close()));
      await proxy.stop();
      await database.drop();
    });

    const recordEffect = eventHandler('record-effect', ProbeHappened, async (event, { manager }) => {
      await manager.query('INSERT INTO effects (event_id, aggregate, n) VALUES ($1, $2, $3)', [
        event.id,
        event.payload.aggregate,
        event.payload.n,
      ]);
    });

    it(
      'retries a broker that refuses connections at most about a second apart, and reconnects once it accepts',
      async () => {
        const env = { ...isolatedInfrastructure(`${database.name}_retry`), AMQP_URL: proxy.urlFor(AMQP_URL) };
        const node = await startEventNode({ name: 'recovery_retry', databaseUrl: database.url, env });
        nodes.push(node);
        await node.backbone.transport.check();
        proxy.refuse();
        const refusedFrom = Date.now();
        await new Promise((resolve) => setTimeout(resolve, REFUSING_MS));
        const refusedUntil = Date.now();
        const attempts = proxy.arrivals.filter((at) => at >= refusedFrom);
        proxy.resume();
        const moments = [refusedFrom, ...attempts, refusedUntil];
        const gaps = moments.slice(1).map((at, index) => at - moments[index]);
        console.log(
          `${attempts.length} connection attempts in ${REFUSING_MS} ms of refusal; longest gap ${Math.max(...gaps)} ms`,
        );
        expect(Math.max(...gaps)).toBeLessThan(RETRY_GAP_BOUND_MS);
        await eventually(
          () =>
            node.backbone.transport.check().then(
              () => true,
              () => false,
            ),
          RECONNECT_BOUND_MS,
          () => 'the transport to reconnect once the broker accepts again',
        );
      },
      TEST_TIMEOUT_MS,
    );

    it(
      `drains a backlog of ${WRITERS * EVENTS_PER_WRITER} events written during an ${OUTAGE_MS / 1000} s outage soon after reconnecting, each applied exactly once`,
      async () => {
        const env = { ...isolatedInfrastructure(`${database.name}_recovery`), AMQP_URL: proxy.urlFor(AMQP_URL) };
        const consumer = await startEventNode({
          name: 'recovery_consumer',
          databaseUrl: database.url,
          handlers: [recordEffect],
          env,
        });
        nodes.push(consumer);
        const producer = await startEventNode({ name: 'recovery_producer', databaseUrl: database.url, env });
        nodes.push(producer);
        // Warm: the queue exists and the relay has gone idle, as in a running system.
        await producer.db.transaction((manager) =>
          producer.backbone.outbox.record(
            manager,
            ProbeHappened,
            { aggregate: 'warm', n: 0 },
            { aggregateId: 'warm', correlationId: 'warm' },
          ),
        );
        await eventually(
          async () => (await queryRows(consumer.db, 'SELECT 1 FROM effects')).length === 1,
          15_000,
          () => 'the warm-up event',
        );

        const recovery = await measureBrokerOutage({
          proxy,
          consumer,
          producer,
          outageMs: OUTAGE_MS,
          writers: WRITERS,
          eventsPerWriter: EVENTS_PER_WRITER,
        });
        console.log(
          `broker outage of ${OUTAGE_MS} ms, backlog ${recovery.backlog} events: reconnected ${recovery.reconnectMs.toFixed(0)} ms after the broker returned; ` +
            `backlog published ${recovery.publishMs.toFixed(0)} ms and handled ${recovery.drainMs.toFixed(0)} ms after reconnecting`,
        );

        expect(recovery.pendingAtRestore).toBe(recovery.backlog);
        // Duplicates would arrive after the last first delivery: give them the time to show.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const effects = await queryRows<{ aggregate: string; n: number; event_id: string }>(
          consumer.db,
          `SELECT aggregate, n, event_id FROM effects WHERE aggregate LIKE 'outage%' ORDER BY id`,
        );
        expect(effects).toHaveLength(recovery.backlog);
        expect(new Set(effects.map((row) => row.event_id)).size).toBe(recovery.backlog);
        for (let writer = 0; writer < WRITERS; writer += 1) {
          // Prefetch 16 handles deliveries concurrently, so only the set (not the order) is fixed here.
          const ns = effects.filter((row) => row.aggregate === `outage${writer}`).map((row) => row.n);
          expect(ns.sort((a, b) => a - b)).toEqual(Array.from({ length: EVENTS_PER_WRITER }, (_, n) => n));
        }
        const [{ pending }] = await queryRows<{ pending: number }>(
          producer.db,
          'SELECT count(*)::int AS pending FROM outbox WHERE sent_at IS NULL',
        );
        expect(pending).toBe(0);

        expect(recovery.reconnectMs).toBeLessThan(RECONNECT_BOUND_MS);
        expect(recovery.drainMs).toBeLessThan(DRAIN_BOUND_MS);
      },
      TEST_TIMEOUT_MS,
    );
  });
}

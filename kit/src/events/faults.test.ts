import { fork } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { TcpProxy, TestDatabase, createTestDatabase, isolatedInfrastructure } from '../testing';
import { queryRows } from '../data/sql';
import { eventHandler } from './consumer';
import { EventNode, ProbeHappened, eventually, startEventNode } from './testing';

/**
 * Faults against the real broker. A TCP proxy between the services and RabbitMQ takes the
 * network away (the broker "goes down") or cuts connections mid-stream. RabbitMQ is only
 * here when AMQP_URL is set; CI always sets it.
 */
/** The fault injector itself, against a local echo server: it must forward, cut and refuse for real. */
describe('TcpProxy', () => {
  it('forwards bytes, cuts open connections and refuses new ones while stopped', async () => {
    const echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const proxy = new TcpProxy({ host: '127.0.0.1', port: (echo.address() as { port: number }).port });
    await proxy.start();
    try {
      const client = connect(proxy.port, '127.0.0.1');
      const reply = await new Promise<string>((resolve) => {
        client.once('data', (data) => resolve(data.toString()));
        client.write('ping');
      });
      expect(reply).toBe('ping');
      const closed = new Promise((resolve) => client.once('close', resolve));
      proxy.cut();
      await closed;
      await proxy.stop();
      await expect(
        new Promise((resolve, reject) => {
          const refused = connect(proxy.port, '127.0.0.1');
          refused.once('connect', () => resolve('connected'));
          refused.once('error', reject);
        }),
      ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await proxy.start();
      const again = connect(proxy.port, '127.0.0.1');
      await new Promise((resolve) => again.once('connect', resolve));
      again.destroy();
    } finally {
      await proxy.stop();
      echo.close();
    }
  });
});

const AMQP_URL = process.env.AMQP_URL;
if (AMQP_URL) {
  describe('event backbone faults (RabbitMQ)', () => {
    let database: TestDatabase;
    let proxy: TcpProxy;
    const nodes: EventNode[] = [];
    let suffix = 0;

    beforeAll(async () => {
      database = await createTestDatabase();
    });
    beforeEach(async () => {
      proxy = TcpProxy.forUrl(AMQP_URL);
      await proxy.start();
    });
    afterEach(async () => {
      await Promise.all(nodes.splice(0).map((node) => node.close()));
      await proxy.stop();
    });
    afterAll(() => database.drop());

    const recordEffect = eventHandler('record-effect', ProbeHappened, async (event, { manager }) => {
      await manager.query('INSERT INTO effects (event_id, aggregate, n) VALUES ($1, $2, $3)', [
        event.id,
        event.payload.aggregate,
        event.payload.n,
      ]);
    });

    function environment() {
      suffix += 1;
      return {
        ...isolatedInfrastructure(`${database.name}_f${suffix}`),
        AMQP_URL: proxy.urlFor(AMQP_URL!),
        OUTBOX_POLL_MS: '50',
        EVENTS_PREFETCH: '1',
      };
    }

    async function pair(env: Record<string, string>) {
      const consumer = await startEventNode({
        name: `fault_consumer_${suffix}`,
        databaseUrl: database.url,
        handlers: [recordEffect],
        env,
      });
      const producer = await startEventNode({ name: `fault_producer_${suffix}`, databaseUrl: database.url, env });
      nodes.push(consumer, producer);
      return { consumer, producer };
    }

    async function write(node: EventNode, count: number, aggregates = 4) {
      for (let n = 0; n < count; n += 1) {
        await node.db.transaction((manager) =>
          node.backbone.outbox.record(
            manager,
            ProbeHappened,
            { aggregate: `agg${n % aggregates}`, n },
            { aggregateId: `agg${n % aggregates}`, correlationId: 'fault' },
          ),
        );
      }
    }

    const effects = (node: EventNode) =>
      queryRows<{ aggregate: string; n: number; event_id: string }>(
        node.db,
        'SELECT aggregate, n, event_id FROM effects ORDER BY id',
      );
    const pending = async (node: EventNode) =>
      (await queryRows<{ n: number }>(node.db, 'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL'))[0].n;

    function expectOncePerEventInOrder(
      rows: { aggregate: string; n: number; event_id: string }[],
      total: number,
      aggregates = 4,
    ) {
      expect(rows).toHaveLength(total);
      expect(new Set(rows.map((row) => row.event_id)).size).toBe(total);
      for (let a = 0; a < aggregates; a += 1) {
        const ns = rows.filter((row) => row.aggregate === `agg${a}`).map((row) => row.n);
        expect(ns).toEqual([...ns].sort((x, y) => x - y));
      }
    }

    it('broker down while events are written: none lost, delivered in order once it returns', async () => {
      const env = environment();
      const { consumer, producer } = await pair(env);
      await proxy.stop();
      await write(producer, 20);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await pending(producer)).toBe(20);
      await expect(producer.backbone.transport.check()).rejects.toThrow(/broker unreachable/);
      const [{ attempts }] = await queryRows(producer.db, 'SELECT max(publish_attempts)::int AS attempts FROM outbox');
      expect(attempts).toBeGreaterThan(0);

      await proxy.start();
      await eventually(
        async () => (await effects(consumer)).length >= 20,
        30_000,
        () => '20 effects after the broker returned',
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expectOncePerEventInOrder(await effects(consumer), 20);
      await eventually(
        async () => (await pending(producer)) === 0,
        15_000,
        () => 'the relay to mark every event sent',
      );
      expect(await pending(producer)).toBe(0);
      await producer.backbone.transport.check();
    });

    it('connection cut mid-publish: nothing lost, duplicates harmless', async () => {
      const env = environment();
      const { consumer, producer } = await pair(env);
      await producer.backbone.relay.stop();
      await write(producer, 300);
      producer.backbone.relay.start();
      await eventually(async () => (await effects(consumer)).length >= 30, 20_000);
      proxy.cut();
      await eventually(async () => (await effects(consumer)).length >= 150, 30_000);
      proxy.cut();
      await eventually(
        async () => (await effects(consumer)).length >= 300 && (await pending(producer)) === 0,
        60_000,
        () => 'all 300 effects',
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expectOncePerEventInOrder(await effects(consumer), 300);
    });

    it('a consumer killed mid-handler: the event is redelivered and applied once', async () => {
      const env = environment();
      const name = `fault_consumer_${suffix}`;
      const child = fork(join(__dirname, 'testing-consumer-process.js'), [], {
        env: { ...process.env, ...env, NODE_NAME: name, DATABASE_URL: database.url, HANDLER_DELAY_MS: '60000' },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      const messages: Record<string, unknown>[] = [];
      child.on('message', (message) => messages.push(message as Record<string, unknown>));
      await eventually(
        async () => messages.some((m) => m.ready),
        20_000,
        () => 'the consumer process to start',
      );
      const producer = await startEventNode({ name: `fault_producer_${suffix}`, databaseUrl: database.url, env });
      nodes.push(producer);
      await write(producer, 1, 1);
      await eventually(
        async () => messages.some((m) => m.handling),
        20_000,
        () => 'the handler to start',
      );

      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      const survivor = await startEventNode({ name, databaseUrl: database.url, handlers: [recordEffect], env });
      nodes.push(survivor);
      await eventually(
        async () => (await effects(survivor)).length === 1,
        30_000,
        () => 'the redelivered event',
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      const rows = await effects(survivor);
      expect(rows).toHaveLength(1);
      expect(rows[0].event_id).toBe(messages.find((m) => m.handling)!.handling);
    });
  });
}

import { randomUUID } from 'node:crypto';
import { TestDatabase, createTestDatabase, isolatedInfrastructure, LogCapture } from '../testing';
import { queryRows } from '../data/sql';
import { EventHandler, eventHandler } from './consumer';
import { createEnvelope } from './envelope';
import { EventNode, ProbeFollowed, ProbeHappened, eventually, startEventNode } from './testing';

/**
 * The backbone contract, run against every transport configured here: always in-process,
 * and RabbitMQ whenever AMQP_URL is set (CI sets it).
 */
const transports: [string, Record<string, string>][] = [['in-process', { AMQP_URL: '' }]];
if (process.env.AMQP_URL) transports.push(['rabbitmq', { AMQP_URL: process.env.AMQP_URL }]);

const FAST_RETRIES = {
  EVENTS_MAX_ATTEMPTS: '3',
  EVENTS_RETRY_BASE_MS: '20',
  EVENTS_RETRY_MAX_MS: '50',
  OUTBOX_POLL_MS: '50',
};

describe.each(transports)('event backbone over %s', (_label, transportEnv) => {
  let database: TestDatabase;
  const nodes: EventNode[] = [];
  let suffix = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.close()));
  });
  afterAll(() => database.drop());

  /** A producer and a consumer subgraph with names of their own, so tests never share queues. */
  async function pair(handlers: EventHandler[], env: Record<string, string> = {}, logs?: LogCapture) {
    suffix += 1;
    const common = {
      ...isolatedInfrastructure(`${database.name}_${suffix}`),
      ...FAST_RETRIES,
      ...transportEnv,
      ...env,
    };
    const consumer = await startEventNode({
      name: `consumer_${suffix}`,
      databaseUrl: database.url,
      handlers,
      env: common,
      logDestination: logs,
    });
    const producer = await startEventNode({ name: `producer_${suffix}`, databaseUrl: database.url, env: common });
    nodes.push(consumer, producer);
    return { producer, consumer, common };
  }

  const recordEffect = (name = 'record-effect') =>
    eventHandler(name, ProbeHappened, async (event, { manager }) => {
      await manager.query('INSERT INTO effects (event_id, aggregate, n) VALUES ($1, $2, $3)', [
        event.id,
        event.payload.aggregate,
        event.payload.n,
      ]);
    });

  async function write(
    node: EventNode,
    events: { aggregate: string; n: number; failUntil?: number }[],
    correlationId = 'corr-test',
  ) {
    await node.db.transaction(async (manager) => {
      for (const payload of events)
        await node.backbone.outbox.record(manager, ProbeHappened, payload, {
          aggregateId: payload.aggregate,
          correlationId,
        });
    });
  }

  const effects = (node: EventNode) =>
    queryRows<{ event_id: string; aggregate: string; n: number }>(
      node.db,
      'SELECT event_id, aggregate, n FROM effects ORDER BY id',
    );
  const count = async (node: EventNode, sql: string) => (await queryRows<{ n: number }>(node.db, sql))[0].n;

  it('delivers every committed event once, in order per aggregate', async () => {
    const { producer, consumer } = await pair([recordEffect()], { EVENTS_PREFETCH: '1' });
    for (let n = 0; n < 10; n += 1)
      await write(
        producer,
        ['a', 'b', 'c'].map((aggregate) => ({ aggregate, n })),
      );
    await eventually(
      async () => (await effects(consumer)).length === 30,
      15_000,
      () => '30 effects',
    );
    const rows = await effects(consumer);
    for (const aggregate of ['a', 'b', 'c']) {
      expect(rows.filter((row) => row.aggregate === aggregate).map((row) => row.n)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ]);
    }
    // Consumers may see an event before the relay marks it sent (that happens after the confirm).
    const unsent = () => count(producer, 'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL');
    await eventually(
      async () => (await unsent()) === 0,
      15_000,
      () => 'the relay to mark every event sent',
    );
    expect(await unsent()).toBe(0);
  });

  it('publishes nothing for a rolled-back transaction, and refuses events outside a transaction', async () => {
    const { producer, consumer } = await pair([recordEffect()]);
    await expect(
      producer.db.transaction(async (manager) => {
        await producer.backbone.outbox.record(
          manager,
          ProbeHappened,
          { aggregate: 'x', n: 1 },
          { aggregateId: 'x', correlationId: 'c' },
        );
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    await expect(
      producer.backbone.outbox.record(
        producer.db.manager,
        ProbeHappened,
        { aggregate: 'x', n: 2 },
        { aggregateId: 'x', correlationId: 'c' },
      ),
    ).rejects.toThrow(/inside the transaction/);
    await write(producer, [{ aggregate: 'x', n: 3 }]);
    await eventually(async () => (await effects(consumer)).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await effects(consumer)).map((row) => row.n)).toEqual([3]);
  });

  it('validates payloads on publish', async () => {
    const { producer } = await pair([]);
    await expect(
      producer.db.transaction((manager) =>
        producer.backbone.outbox.record(
          manager,
          ProbeHappened,
          { aggregate: 'x', n: 'one' as never },
          { aggregateId: 'x', correlationId: 'c' },
        ),
      ),
    ).rejects.toThrow(/probe.happened v1 payload is invalid: n:/);
  });

  it('applies an event delivered twice only once', async () => {
    const { producer, consumer } = await pair([recordEffect()]);
    const envelope = createEnvelope(
      ProbeHappened,
      { aggregate: 'dup', n: 1 },
      { source: 'test', correlationId: 'c', aggregateId: 'dup' },
    );
    await Promise.all([
      producer.backbone.transport.publish(envelope),
      producer.backbone.transport.publish(envelope),
      producer.backbone.transport.publish(envelope),
    ]);
    await eventually(async () => (await count(consumer, `SELECT count(*)::int AS n FROM inbox`)) === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await effects(consumer)).toHaveLength(1);
  });

  it('two consumers racing on one queue apply each event once', async () => {
    const { producer, consumer, common } = await pair([recordEffect()]);
    const rival = await startEventNode({
      name: consumer.name,
      databaseUrl: database.url,
      handlers: [recordEffect()],
      env: common,
    });
    nodes.push(rival);
    const envelopes = Array.from({ length: 40 }, (_, n) =>
      createEnvelope(
        ProbeHappened,
        { aggregate: 'race', n },
        { source: 'test', correlationId: 'c', aggregateId: 'race' },
      ),
    );
    // Every event twice: the two consumers get copies at the same time.
    await Promise.all(
      envelopes.flatMap((envelope) => [
        producer.backbone.transport.publish(envelope),
        producer.backbone.transport.publish(envelope),
      ]),
    );
    await eventually(async () => (await count(consumer, 'SELECT count(*)::int AS n FROM inbox')) === 40);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rows = await effects(consumer);
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((row) => row.event_id)).size).toBe(40);
  });

  it('retries a failing handler with back-off, then dead-letters it while the others keep flowing', async () => {
    let calls = 0;
    const flaky = eventHandler('flaky', ProbeHappened, async (event, { manager }) => {
      if (event.payload.n === 13) {
        calls += 1;
        throw new Error('cannot handle thirteen');
      }
      if (event.payload.failUntil && calls < event.payload.failUntil) {
        calls += 1;
        throw new Error('transient');
      }
      await manager.query('INSERT INTO effects (event_id, aggregate, n) VALUES ($1, $2, $3)', [
        event.id,
        event.payload.aggregate,
        event.payload.n,
      ]);
    });
    const { producer, consumer } = await pair([flaky]);
    await write(producer, [
      { aggregate: 'p', n: 13 },
      ...Array.from({ length: 10 }, (_, i) => ({ aggregate: `q${i}`, n: i })),
    ]);
    await eventually(
      async () => (await count(consumer, 'SELECT count(*)::int AS n FROM dead_letters')) === 1,
      15_000,
      () => 'a dead letter',
    );
    await eventually(async () => (await effects(consumer)).length === 10);
    expect(calls).toBe(3);
    const [letter] = await queryRows<{ routing_key: string; error: string; attempts: number; body: string }>(
      consumer.db,
      'SELECT routing_key, error, attempts, body FROM dead_letters',
    );
    expect(letter).toMatchObject({
      routing_key: 'probe.happened',
      error: 'flaky: cannot handle thirteen',
      attempts: 3,
    });
    expect(JSON.parse(letter.body).payload.n).toBe(13);
    // The poison message left no half-written effect and no inbox row.
    expect(await count(consumer, `SELECT count(*)::int AS n FROM effects WHERE n = 13`)).toBe(0);
    expect(await count(consumer, `SELECT count(*)::int AS n FROM inbox`)).toBe(10);
    // The counter moves after the broker confirms the dead letter, a moment after the row commits.
    const deadLettered = async () =>
      (await consumer.backbone.metrics.deadLettered.get()).values.find((v) => v.labels.type === 'probe.happened')
        ?.value;
    await eventually(
      async () => (await deadLettered()) === 1,
      5_000,
      () => 'the dead-letter metric',
    );
    expect(await deadLettered()).toBe(1);
  });

  it('recovers from a transient failure on retry', async () => {
    let calls = 0;
    const transient = eventHandler('transient', ProbeHappened, async (event, { manager }) => {
      calls += 1;
      if (calls < 3) throw new Error('database hiccup');
      await manager.query('INSERT INTO effects (event_id, aggregate, n) VALUES ($1, $2, $3)', [
        event.id,
        event.payload.aggregate,
        event.payload.n,
      ]);
    });
    const { producer, consumer } = await pair([transient]);
    await write(producer, [{ aggregate: 't', n: 1 }]);
    await eventually(async () => (await effects(consumer)).length === 1);
    expect(calls).toBe(3);
    expect(await count(consumer, 'SELECT count(*)::int AS n FROM dead_letters')).toBe(0);
  });

  it('dead-letters a malformed payload at once, without retrying', async () => {
    let calls = 0;
    const counting = eventHandler('counting', ProbeHappened, async () => {
      calls += 1;
    });
    const { producer, consumer } = await pair([counting]);
    const bad = {
      ...createEnvelope(
        ProbeHappened,
        { aggregate: 'm', n: 1 },
        { source: 'test', correlationId: 'c', aggregateId: 'm' },
      ),
      payload: { aggregate: 'm', n: 'not a number' },
    };
    await producer.backbone.transport.publish(bad);
    await producer.backbone.transport.publish({
      ...bad,
      id: randomUUID(),
      version: 99,
      payload: { aggregate: 'm', n: 1 },
    });
    await eventually(async () => (await count(consumer, 'SELECT count(*)::int AS n FROM dead_letters')) === 2);
    // The two deliveries are handled concurrently: which one is dead-lettered first is not fixed.
    const errors = (
      await queryRows<{ error: string; attempts: number }>(
        consumer.db,
        'SELECT error, attempts FROM dead_letters ORDER BY error',
      )
    ).map((r) => [r.error, r.attempts]);
    expect(errors).toEqual([
      ['counting: probe.happened v1 payload is invalid: n: Expected number, received string', 1],
      ['counting: probe.happened v99 is not handled (this consumer knows v1)', 1],
    ]);
    expect(calls).toBe(0);
  });

  it('carries the correlation id into handler logs and follow-up events', async () => {
    const logs = new LogCapture();
    const followUps: string[] = [];
    const chain = eventHandler('chain', ProbeHappened, async (event, { emit }) => {
      await emit(ProbeFollowed, { n: event.payload.n }, event.aggregateId);
    });
    const { producer, consumer, common } = await pair([chain], {}, logs);
    const listener = await startEventNode({
      name: `listener_${suffix}`,
      databaseUrl: database.url,
      env: common,
      handlers: [eventHandler('listen', ProbeFollowed, async (event) => void followUps.push(event.correlationId))],
    });
    nodes.push(listener);
    await write(producer, [{ aggregate: 'k', n: 7 }], 'request-abc');
    await eventually(async () => followUps.length === 1);
    expect(followUps).toEqual(['request-abc']);
    const handled = logs.records().find((r) => r.msg === 'event handled');
    expect(handled).toMatchObject({
      correlationId: 'request-abc',
      eventType: 'probe.happened',
      handler: 'chain',
      service: consumer.name,
    });
  });

  it('reports outbox lag and counts in its metrics', async () => {
    const { producer, consumer } = await pair([recordEffect()]);
    await producer.backbone.relay.stop();
    await write(producer, [{ aggregate: 'lag', n: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const registry = await producer.metrics.registry.metrics();
    expect(registry).toMatch(/outbox_pending_events\{[^}]*\} 1/);
    expect(Number(/outbox_lag_seconds\{[^}]*\} ([\d.]+)/.exec(registry)![1])).toBeGreaterThanOrEqual(1);
    producer.backbone.relay.start();
    await eventually(async () => (await effects(consumer)).length === 1);
    // The relay marks the row sent (and counts it) after the broker's confirm, which may come after the delivery.
    await eventually(
      async () => /outbox_pending_events\{[^}]*\} 0/.test(await producer.metrics.registry.metrics()),
      15_000,
      () => 'the outbox to drain',
    );
    const after = await producer.metrics.registry.metrics();
    expect(after).toMatch(/outbox_pending_events\{[^}]*\} 0/);
    expect(after).toMatch(/events_published_total\{type="probe.happened"[^}]*\} 1/);
  });
});

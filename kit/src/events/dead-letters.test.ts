import { randomUUID } from 'node:crypto';
import type { MetricValueWithName } from 'prom-client';
import { Events } from '../contracts/event-catalog';
import { queryRows } from '../data/sql';
import { TestDatabase, createTestDatabase, isolatedInfrastructure } from '../testing';
import { createBacklogBoard } from './backlog';
import { EventHandler, eventHandler } from './consumer';
import { recordDeadLetter } from './dead-letters';
import { Envelope, PayloadOf } from './envelope';
import { EventNode, ProbeHappened, eventually, startEventNode } from './testing';

/** Dead letters as the operator sees them, over every transport the backbone contract runs on. */
const transports: [string, Record<string, string>][] = [['in-process', { AMQP_URL: '' }]];
if (process.env.AMQP_URL) transports.push(['rabbitmq', { AMQP_URL: process.env.AMQP_URL }]);

const FAST = {
  EVENTS_MAX_ATTEMPTS: '2',
  EVENTS_RETRY_BASE_MS: '20',
  EVENTS_RETRY_MAX_MS: '50',
  OUTBOX_POLL_MS: '50',
  EVENTS_BACKLOG_REPORT_MS: '100',
};

/** A sample of `node`'s registry as a scrape reads it (gauges are collected), 0 when it has none. */
async function sample(node: EventNode, name: string, labels: Record<string, string> = {}): Promise<number> {
  const family = name.replace(/_(count|sum|bucket)$/, '');
  const { values } = await node.metrics.registry.getSingleMetric(family)!.get();
  const found = (values as MetricValueWithName<string>[]).find(
    (value) =>
      (value.metricName ?? family) === name &&
      Object.entries(labels).every(([label, expected]) => value.labels[label] === expected),
  );
  return found?.value ?? 0;
}

type Replayed = PayloadOf<typeof Events.EventReplayed>;
type DeadLettered = PayloadOf<typeof Events.EventDeadLettered>;

describe.each(transports)('dead letters over %s', (_label, transportEnv) => {
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

  /**
   * A subgraph whose handler fails while `broken` holds, and an operator stand-in that
   * collects the reports and outcomes and sends the commands.
   */
  async function setup(extraHandlers: EventHandler[] = []) {
    suffix += 1;
    const env: Record<string, string> = {
      ...isolatedInfrastructure(`${database.name}_dl_${suffix}`),
      ...FAST,
      ...transportEnv,
    };
    const state = { broken: true, calls: 0 };
    const applying = eventHandler('apply-probe', ProbeHappened, async (event, { manager }) => {
      state.calls += 1;
      // Event 1 fails inside Postgres, aborting the transaction: a replay must survive that too (its savepoint).
      if (state.broken && event.payload.n === 1) await manager.query('SELECT 1 / 0');
      if (state.broken) throw new Error(`cannot apply ${event.payload.n}`);
      await manager.query('INSERT INTO effects (event_id, aggregate, n) VALUES ($1, $2, $3)', [
        event.id,
        event.payload.aggregate,
        event.payload.n,
      ]);
    });
    const reports: DeadLettered[] = [];
    const outcomes: Replayed[] = [];
    const subgraph = await startEventNode({
      name: `owner_${suffix}`,
      databaseUrl: database.url,
      handlers: [applying, ...extraHandlers],
      env,
    });
    const operator = await startEventNode({
      name: `operator_${suffix}`,
      databaseUrl: database.url,
      env,
      handlers: [
        eventHandler('collect-dead-letters', Events.EventDeadLettered, async (event) => {
          reports.push(event.payload);
        }),
        eventHandler('collect-replays', Events.EventReplayed, async (event) => {
          outcomes.push(event.payload);
        }),
      ],
    });
    nodes.push(subgraph, operator);
    const send = async <T>(definition: typeof Events.EventReplayRequested | typeof Events.EventDiscarded, payload: T) =>
      operator.db.transaction((manager) =>
        operator.backbone.outbox.record(manager, definition as never, payload as never, {
          aggregateId: (payload as { deadLetterId: string }).deadLetterId,
          correlationId: 'operator-request',
        }),
      );
    const write = (n: number) =>
      operator.db.transaction((manager) =>
        operator.backbone.outbox.record(
          manager,
          ProbeHappened,
          { aggregate: 'a', n },
          { aggregateId: 'a', correlationId: `corr-${n}` },
        ),
      );
    const letters = () =>
      queryRows<{ letter_id: string; status: string; replays: number; error: string; discard_reason: string | null }>(
        subgraph.db,
        'SELECT letter_id, status, replays, error, discard_reason FROM dead_letters ORDER BY id',
      );
    const effects = () => queryRows<{ n: number }>(subgraph.db, 'SELECT n FROM effects ORDER BY id');
    return { env, state, subgraph, operator, reports, outcomes, send, write, letters, effects };
  }

  it('records the dead letter and its event.dead_lettered report in one transaction', async () => {
    const { subgraph, reports, write, letters } = await setup();
    const sent: Envelope = await write(7);
    await eventually(
      async () => reports.length === 1,
      15_000,
      () => 'the dead-letter report',
    );
    const [letter] = await letters();
    expect(letter).toMatchObject({ status: 'DEAD', replays: 0, error: 'apply-probe: cannot apply 7' });
    expect(reports[0]).toMatchObject({
      deadLetterId: letter.letter_id,
      subgraph: subgraph.name,
      handler: 'apply-probe',
      eventType: 'probe.happened',
      eventId: sent.id,
      lastError: 'cannot apply 7',
      attempts: 2,
    });
    expect(JSON.parse(reports[0].envelope)).toMatchObject({ id: sent.id, payload: { n: 7 } });
    const [report] = await queryRows<{ envelope: Envelope }>(
      subgraph.db,
      `SELECT envelope FROM outbox WHERE type = 'event.dead_lettered'`,
    );
    expect(report.envelope).toMatchObject({ aggregateId: letter.letter_id, correlationId: 'corr-7' });

    // Both or neither: a rolled-back transaction leaves no row and no report.
    await expect(
      subgraph.db.transaction(async (manager) => {
        await recordDeadLetter(manager, subgraph.backbone.outbox, {
          queue: subgraph.name,
          handler: 'h',
          routingKey: 'probe.happened',
          body: 'not json',
          error: 'boom',
          attempts: 1,
        });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await letters()).toHaveLength(1);
    expect(await queryRows(subgraph.db, `SELECT 1 FROM outbox WHERE type = 'event.dead_lettered'`)).toHaveLength(1);
  });

  it('replays through the inbox: FAILED while broken, then APPLIED once, then ALREADY_APPLIED', async () => {
    const { state, subgraph, reports, outcomes, send, write, letters, effects } = await setup();
    await write(1);
    await eventually(
      async () => reports.length === 1,
      15_000,
      () => 'the dead-letter report',
    );
    const deadLetterId = reports[0].deadLetterId;
    const callsBefore = state.calls;
    // Both attempts were timed as failed; the letter waits for someone.
    const failed = { type: 'probe.happened', outcome: 'failed' };
    expect(await sample(subgraph, 'events_handling_duration_seconds_count', failed)).toBe(2);
    expect(await sample(subgraph, 'events_dead_letters_open')).toBe(1);

    await send(Events.EventReplayRequested, { subgraph: subgraph.name, deadLetterId });
    await eventually(
      async () => outcomes.length === 1,
      15_000,
      () => 'the first replay outcome',
    );
    expect(outcomes[0]).toMatchObject({ deadLetterId, outcome: 'FAILED', error: 'apply-probe: division by zero' });
    expect(state.calls).toBe(callsBefore + 1);
    expect(await sample(subgraph, 'events_dead_letters_open')).toBe(1);
    // A failed replay is an outcome, not a new dead letter: still one row, still DEAD.
    expect(await letters()).toMatchObject([{ letter_id: deadLetterId, status: 'DEAD', replays: 1 }]);
    expect(await effects()).toEqual([]);

    state.broken = false;
    await send(Events.EventReplayRequested, { subgraph: subgraph.name, deadLetterId });
    await eventually(
      async () => outcomes.length === 2,
      15_000,
      () => 'the second replay outcome',
    );
    expect(outcomes[1]).toMatchObject({ deadLetterId, outcome: 'APPLIED', error: null });
    expect(await effects()).toEqual([{ n: 1 }]);
    expect(await letters()).toMatchObject([{ status: 'REPLAYED', replays: 2 }]);
    expect(await sample(subgraph, 'events_dead_letters_open')).toBe(0);
    // The operator's own handlers were timed too (the replay commands, handled).
    expect(
      await sample(subgraph, 'events_handling_duration_seconds_count', {
        type: 'event.replay_requested',
        outcome: 'handled',
      }),
    ).toBeGreaterThanOrEqual(2);

    await send(Events.EventReplayRequested, { subgraph: subgraph.name, deadLetterId });
    await eventually(
      async () => outcomes.length === 3,
      15_000,
      () => 'the third replay outcome',
    );
    expect(outcomes[2]).toMatchObject({ deadLetterId, outcome: 'ALREADY_APPLIED', error: null });
    expect(await effects()).toEqual([{ n: 1 }]);
    expect(reports).toHaveLength(1);
  });

  it('a letter whose event took effect meanwhile (redelivered after the fix) replays as ALREADY_APPLIED, once', async () => {
    const { state, subgraph, operator, reports, outcomes, send, write, letters, effects } = await setup();
    const sent = await write(4);
    await eventually(
      async () => reports.length === 1,
      15_000,
      () => 'the dead-letter report',
    );
    state.broken = false;
    // The producer publishes the same event again (a relay retry): the inbox applies it now.
    await operator.backbone.transport.publish(sent);
    await eventually(
      async () => (await effects()).length === 1,
      15_000,
      () => 'the redelivered event applied',
    );
    const callsBefore = state.calls;
    await send(Events.EventReplayRequested, { subgraph: subgraph.name, deadLetterId: reports[0].deadLetterId });
    await eventually(
      async () => outcomes.length === 1,
      15_000,
      () => 'the replay outcome',
    );
    expect(outcomes[0]).toMatchObject({ outcome: 'ALREADY_APPLIED', error: null });
    expect(state.calls).toBe(callsBefore);
    expect(await effects()).toEqual([{ n: 4 }]);
    expect(await letters()).toMatchObject([{ status: 'REPLAYED', replays: 1 }]);
  });

  it('acts only on commands for its own subgraph, and a discarded letter is not replayed', async () => {
    const { state, subgraph, operator, reports, outcomes, send, write, letters, effects } = await setup();
    await write(2);
    await eventually(
      async () => reports.length === 1,
      15_000,
      () => 'the dead-letter report',
    );
    const deadLetterId = reports[0].deadLetterId;
    state.broken = false;

    await send(Events.EventReplayRequested, { subgraph: 'somebody_else', deadLetterId });
    await send(Events.EventDiscarded, { subgraph: subgraph.name, deadLetterId, reason: 'test data' });
    await eventually(
      async () => (await letters())[0].status === 'DISCARDED',
      15_000,
      () => 'the discard',
    );
    expect(await letters()).toMatchObject([{ status: 'DISCARDED', discard_reason: 'test data', replays: 0 }]);
    // The other subgraph's command reaches the operator stand-in too (on its own queue, so
    // perhaps after the discard took effect here) and does nothing there either.
    const replaysHandled = async () =>
      (
        await queryRows<{ n: number }>(
          operator.db,
          `SELECT count(*)::int AS n FROM inbox WHERE handler = 'dead-letter-replay'`,
        )
      )[0].n;
    await eventually(
      async () => (await replaysHandled()) === 1,
      15_000,
      () => "the other subgraph's replay command at the operator stand-in",
    );
    expect(outcomes).toEqual([]);

    await send(Events.EventReplayRequested, { subgraph: subgraph.name, deadLetterId });
    await eventually(
      async () => outcomes.length === 1,
      15_000,
      () => 'the replay outcome',
    );
    expect(outcomes[0]).toMatchObject({ outcome: 'FAILED', error: 'the dead letter was discarded' });
    expect(await effects()).toEqual([]);

    await send(Events.EventReplayRequested, { subgraph: subgraph.name, deadLetterId: randomUUID() });
    await eventually(
      async () => outcomes.length === 2,
      15_000,
      () => 'the unknown letter outcome',
    );
    expect(outcomes[1].error).toMatch(/holds no dead letter/);
  });

  it('never reports a failed event.dead_lettered again (no storm)', async () => {
    let failures = 0;
    const brokenRegistry = eventHandler('broken-registry', Events.EventDeadLettered, async () => {
      failures += 1;
      throw new Error('registry is down');
    });
    const { subgraph, write, letters } = await setup([brokenRegistry]);
    await write(3);
    // The owner's own report reaches its own broken registry handler: dead-lettered, not reported.
    await eventually(
      async () => (await letters()).length === 2,
      15_000,
      () => 'two dead letters',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await letters()).toHaveLength(2);
    expect(failures).toBe(2);
    const reportsWritten = await queryRows<{ n: number }>(
      subgraph.db,
      `SELECT count(*)::int AS n FROM outbox WHERE type = 'event.dead_lettered'`,
    );
    expect(reportsWritten[0].n).toBe(1);
  });

  it('reports the outbox backlog on the shared board, also while the relay is stopped', async () => {
    const { env, operator, write } = await setup();
    const board = createBacklogBoard({ redisUrl: process.env.REDIS_URL, redisKeyPrefix: env.REDIS_KEY_PREFIX });
    try {
      await operator.backbone.relay.stop();
      await write(10);
      await write(11);
      const started = Date.now();
      await eventually(
        async () => (await board.read([operator.name]))[0]?.unsent === 2,
        5_000,
        () => 'a report of two unsent events',
      );
      const [report] = await board.read([operator.name]);
      expect(Date.parse(report!.reportedAt)).toBeGreaterThanOrEqual(started - 1_000);
      expect(Date.parse(report!.oldestUnsentAt!)).toBeLessThanOrEqual(Date.now());
      expect(await board.read(['never_reported'])).toEqual([null]);
      operator.backbone.relay.start();
      await eventually(
        async () => (await board.read([operator.name]))[0]?.unsent === 0,
        10_000,
        () => 'drained',
      );
      expect((await board.read([operator.name]))[0]?.oldestUnsentAt).toBeNull();
    } finally {
      await board.close();
    }
  });
});

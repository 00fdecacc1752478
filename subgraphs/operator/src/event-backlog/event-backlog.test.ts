import { BacklogBoard, Events, Role, createBacklogBoard } from '@marketplace/kit';
import { TestSubgraph, eventually, isolatedInfrastructure, person } from '@marketplace/kit/testing';
import { startOperator } from '../testing';
import { DEFAULT_SUBGRAPHS } from './event-backlog.service';

/** eventBacklog: every expected subgraph's outbox as it reports it on the shared store. */
let operator: TestSubgraph;
let board: BacklogBoard;
const admin = person(Role.ADMIN);
const REPORT_INTERVAL_MS = 200;
beforeAll(async () => {
  operator = await startOperator({ EVENTS_BACKLOG_REPORT_MS: String(REPORT_INTERVAL_MS) });
  board = createBacklogBoard({
    redisUrl: process.env.REDIS_URL,
    redisKeyPrefix: isolatedInfrastructure(operator.database.name).REDIS_KEY_PREFIX,
  });
});
afterAll(async () => {
  await board.close();
  await operator.close();
});

const EVENT_BACKLOG = `{ eventBacklog { subgraph unsentEventCount oldestUnsentAt oldestUnsentAgeSeconds reportedAt stale } }`;
interface BacklogView {
  subgraph: string;
  unsentEventCount: number | null;
  oldestUnsentAt: string | null;
  oldestUnsentAgeSeconds: number | null;
  reportedAt: string | null;
  stale: boolean;
}
const backlog = async () =>
  (await operator.client.data<{ eventBacklog: BacklogView[] }>(EVENT_BACKLOG, { token: admin.token })).eventBacklog;
const of = async (subgraph: string) => (await backlog()).find((entry) => entry.subgraph === subgraph)!;

it('lists every expected subgraph: reported, stale, or never heard from', async () => {
  const now = Date.now();
  await board.write({
    subgraph: 'payments',
    unsent: 3,
    oldestUnsentAt: new Date(now - 30_000).toISOString(),
    reportedAt: new Date(now).toISOString(),
  });
  await board.write({
    subgraph: 'orders',
    unsent: 0,
    oldestUnsentAt: null,
    reportedAt: new Date(now - 60_000).toISOString(),
  });
  const entries = await backlog();
  expect(entries.map((entry) => entry.subgraph)).toEqual(DEFAULT_SUBGRAPHS);
  const payments = entries.find((entry) => entry.subgraph === 'payments')!;
  expect(payments).toMatchObject({ unsentEventCount: 3, stale: false });
  expect(payments.oldestUnsentAgeSeconds).toBeGreaterThanOrEqual(30);
  expect(payments.oldestUnsentAgeSeconds).toBeLessThan(40);
  expect(entries.find((entry) => entry.subgraph === 'orders')).toMatchObject({
    unsentEventCount: 0,
    oldestUnsentAt: null,
    oldestUnsentAgeSeconds: null,
    stale: true,
  });
  expect(entries.find((entry) => entry.subgraph === 'users')).toEqual({
    subgraph: 'users',
    unsentEventCount: null,
    oldestUnsentAt: null,
    oldestUnsentAgeSeconds: null,
    reportedAt: null,
    stale: true,
  });
});

it("shows the operator's own backlog growing while its relay is stopped, and draining once it runs", async () => {
  await eventually(
    async () => (await of('operator')).stale === false,
    5_000,
    () => 'a fresh operator report',
  );
  const events = operator.subgraph.events;
  await events.relay.stop();
  try {
    for (let n = 0; n < 3; n += 1)
      await operator.subgraph.deps.db.transaction((manager) =>
        events.outbox.record(
          manager,
          Events.EventReplayRequested,
          { subgraph: 'nobody', deadLetterId: '00000000-0000-4000-8000-000000000000' },
          { aggregateId: 'backlog-test', correlationId: 'backlog-test' },
        ),
      );
    await eventually(
      async () => (await of('operator')).unsentEventCount === 3,
      5_000,
      () => '3 unsent reported',
    );
    const stuck = await of('operator');
    expect(stuck.stale).toBe(false);
    expect(Date.parse(stuck.oldestUnsentAt!)).toBeLessThanOrEqual(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await of('operator')).oldestUnsentAgeSeconds).toBeGreaterThanOrEqual(1);
  } finally {
    events.relay.start();
  }
  await eventually(
    async () => (await of('operator')).unsentEventCount === 0,
    10_000,
    () => 'the outbox drained',
  );
  expect((await of('operator')).oldestUnsentAt).toBeNull();
});

it('admins only: anonymous UNAUTHENTICATED, customers and vendors FORBIDDEN, and no data', async () => {
  const anonymous = await operator.client.request<{ eventBacklog: unknown }>(EVENT_BACKLOG);
  expect(anonymous.data?.eventBacklog ?? null).toBeNull();
  expect(anonymous.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  for (const someone of [person(Role.CUSTOMER), person(Role.VENDOR), person(Role.VENDOR)]) {
    const refused = await operator.client.request<{ eventBacklog: unknown }>(EVENT_BACKLOG, { token: someone.token });
    expect(refused.data?.eventBacklog ?? null).toBeNull();
    expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  }
});

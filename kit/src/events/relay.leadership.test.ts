import { Registry } from 'prom-client';
import { queryRows } from '../data/sql';
import { createLogger } from '../logger';
import type { Envelope } from './envelope';
import { EventMetrics } from './event-metrics';
import { Outbox } from './outbox';
import { OutboxRelay, STANDBY_RETRY_MS } from './relay';
import { ProbeHappened, eventually, useEventTablesDatabase } from './testing';
import type { EventTransport } from './transport';

/**
 * Two replicas' relays on one outbox: one leads (publishes, `outbox_relay_leader` 1), the
 * other stands by (0); when the leader stops, the standby takes over within its retry
 * interval and publishes what is left, each row once.
 */
const SCHEMA = 'relay_leadership';

class RecordingTransport implements EventTransport {
  readonly kind = 'in-process' as const;
  readonly published: string[] = [];
  async publish(envelope: Envelope): Promise<void> {
    this.published.push(envelope.id);
  }
  async consume() {
    return { cancel: async () => undefined };
  }
  async deadLetter(): Promise<void> {}
  async check(): Promise<void> {}
  async close(): Promise<void> {}
}

const tables = useEventTablesDatabase(SCHEMA);

interface Replica {
  relay: OutboxRelay;
  metrics: EventMetrics;
  transport: RecordingTransport;
}

function replica(): Replica {
  const transport = new RecordingTransport();
  const metrics = new EventMetrics(new Registry(), async () => ({ pending: 0, oldestAgeSeconds: 0 }));
  const relay = new OutboxRelay({
    schema: SCHEMA,
    db: tables.db,
    databaseUrl: tables.database.url,
    transport,
    log: createLogger({ name: 'test', level: 'silent' }),
    metrics,
    batchSize: 100,
    pollIntervalMs: 50,
  });
  return { relay, metrics, transport };
}

const leading = async (candidate: Replica) => (await candidate.metrics.relayLeader.get()).values[0]?.value ?? 0;

const outbox = new Outbox(SCHEMA);
const write = (n: number) =>
  tables.db.transaction((manager) =>
    outbox.record(manager, ProbeHappened, { aggregate: 'a', n }, { aggregateId: 'a', correlationId: 'test' }),
  );
/** One after another, so the outbox's order is theirs. */
async function writeAll(numbers: number[]) {
  const written = [];
  for (const n of numbers) written.push(await write(n));
  return written;
}

it('leads from one replica at a time, and a standby takes over within STANDBY_RETRY_MS of the leader stopping', async () => {
  const replicas = [replica(), replica()];
  replicas.forEach((candidate) => candidate.relay.start());
  try {
    await eventually(
      async () => (await Promise.all(replicas.map(leading))).sort().join() === '0,1',
      5_000,
      () => 'one leader and one standby',
    );
    const leader = (await leading(replicas[0])) === 1 ? replicas[0] : replicas[1];
    const standby = replicas.find((candidate) => candidate !== leader)!;
    const before = await writeAll([1, 2, 3]);
    await eventually(
      async () => leader.transport.published.length === 3,
      5_000,
      () => 'the leader to publish',
    );

    await leader.relay.stop();
    const stoppedAt = Date.now();
    expect(await leading(leader)).toBe(0);
    await eventually(
      async () => (await leading(standby)) === 1,
      STANDBY_RETRY_MS + 3_000,
      () => 'the standby to take over',
    );
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(STANDBY_RETRY_MS + 1_000);
    const after = await writeAll([4, 5]);
    await eventually(
      async () => standby.transport.published.length === 2,
      5_000,
      () => 'the new leader to publish',
    );

    expect(leader.transport.published).toEqual(before.map((event) => event.id));
    expect(standby.transport.published).toEqual(after.map((event) => event.id));
    // A row is marked sent just after its publish returns: wait for the marks, not only the publishes.
    const unsentRows = async () =>
      (
        await queryRows<{ unsent: number }>(
          tables.db,
          `SELECT count(*)::int AS unsent FROM outbox WHERE sent_at IS NULL`,
        )
      )[0].unsent;
    await eventually(
      async () => (await unsentRows()) === 0,
      5_000,
      () => 'every row marked sent',
    );
  } finally {
    await Promise.all(replicas.map((candidate) => candidate.relay.stop()));
  }
});

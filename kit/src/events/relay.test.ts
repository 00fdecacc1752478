import { Registry } from 'prom-client';
import { queryRows } from '../data/sql';
import { createLogger } from '../logger';
import type { Envelope } from './envelope';
import { EventMetrics } from './event-metrics';
import { Outbox } from './outbox';
import { OutboxRelay } from './relay';
import { ProbeHappened, eventually, useEventTablesDatabase } from './testing';
import type { EventTransport } from './transport';

const SCHEMA = 'relay_wakeup';
/** Long enough that only a commit notification can explain a prompt publish. */
const POLL_MS = 60_000;

/** A transport whose first publish waits until the test lets it finish: the relay is then "busy". */
class GatedTransport implements EventTransport {
  readonly kind = 'in-process' as const;
  readonly published: string[] = [];
  private release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  private gated = true;
  busy = false;

  async publish(envelope: Envelope): Promise<void> {
    if (this.gated) {
      this.busy = true;
      await this.gate;
      this.gated = false;
    }
    this.published.push(envelope.id);
  }
  open(): void {
    this.release();
  }
  async consume() {
    return { cancel: async () => undefined };
  }
  async deadLetter(): Promise<void> {}
  async check(): Promise<void> {}
  async close(): Promise<void> {}
}

const tables = useEventTablesDatabase(SCHEMA);

/** A relay on the gated transport that would sleep a whole minute between polls. */
function gatedRelay(transport: GatedTransport): OutboxRelay {
  return new OutboxRelay({
    schema: SCHEMA,
    db: tables.db,
    databaseUrl: tables.database.url,
    transport,
    log: createLogger({ name: 'test', level: 'silent' }),
    metrics: new EventMetrics(new Registry(), async () => ({ pending: 0, oldestAgeSeconds: 0 })),
    batchSize: 100,
    pollIntervalMs: POLL_MS,
  });
}

const outbox = new Outbox(SCHEMA);
const write = (n: number) =>
  tables.db.transaction((manager) =>
    outbox.record(manager, ProbeHappened, { aggregate: 'a', n }, { aggregateId: 'a', correlationId: 'test' }),
  );

it('publishes an event committed while the relay was busy publishing, without waiting for the poll', async () => {
  const transport = new GatedTransport();
  const relay = gatedRelay(transport);
  relay.start();
  try {
    const first = await write(1);
    await eventually(
      async () => transport.busy,
      5_000,
      () => 'the relay to start publishing the first event',
    );
    const second = await write(2); // its NOTIFY arrives while the first publish is still open
    const [{ listeners }] = await queryRows<{ listeners: number }>(
      tables.db,
      `SELECT count(*)::int AS listeners FROM pg_stat_activity WHERE application_name = $1`,
      [`outbox-relay-${SCHEMA}`],
    );
    expect(listeners).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the notification reach the relay's session
    transport.open();
    await eventually(
      async () => transport.published.length === 2,
      10_000,
      () => `both events published (got ${transport.published.length}); the poll is ${POLL_MS} ms`,
    );
    expect(transport.published).toEqual([first.id, second.id]);
  } finally {
    transport.open(); // after a failed check, the first publish would otherwise wait forever, and stop() with it
    await relay.stop();
  }
});

it('stops when asked mid-batch, after finishing the batch, instead of sleeping out the poll first', async () => {
  const transport = new GatedTransport();
  const relay = gatedRelay(transport);
  relay.start();
  try {
    const event = await write(3);
    await eventually(
      async () => transport.busy,
      5_000,
      () => 'the relay to start publishing',
    );
    // stop() finds the loop publishing, not asleep: there is no sleep to cut short yet.
    const stopped = relay.stop().then(() => 'stopped' as const);
    transport.open();
    let timer: NodeJS.Timeout | undefined;
    const stillWaiting = new Promise<'still waiting'>(
      (resolve) => (timer = setTimeout(() => resolve('still waiting'), POLL_MS / 6)),
    );
    try {
      expect(await Promise.race([stopped, stillWaiting])).toBe('stopped');
    } finally {
      clearTimeout(timer);
    }
    expect(transport.published).toEqual([event.id]);
    const [{ sent }] = await queryRows<{ sent: number }>(
      tables.db,
      `SELECT count(*)::int AS sent FROM outbox WHERE envelope->>'id' = $1 AND sent_at IS NOT NULL`,
      [event.id],
    );
    expect(sent).toBe(1);
  } finally {
    transport.open();
    await relay.stop();
  }
});

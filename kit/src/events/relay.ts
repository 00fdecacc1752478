import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';
import { queryRows } from '../data/sql';
import type { Envelope } from './envelope';
import type { EventMetrics } from './event-metrics';
import { outboxChannel } from './outbox';
import type { EventTransport } from './transport';
import { backoffDelay } from './backoff';

export interface RelayOptions {
  schema: string;
  db: DataSource;
  /** For the relay's own session: it holds the leadership lock and LISTENs. */
  databaseUrl: string;
  transport: EventTransport;
  log: Logger;
  metrics: EventMetrics;
  batchSize: number;
  pollIntervalMs: number;
}

/**
 * How often a standby tries the leadership lock. A leader that dies (even SIGKILL) loses its
 * session and lock at once, so this bounds the takeover time (see docs/operations.md).
 */
export const STANDBY_RETRY_MS = 2_000;
const PUBLISH_BACKOFF_BASE_MS = 250;
/**
 * Only a safety net: the transport announces its reconnection (`poke`), which ends any
 * back-off at once. A lost announcement used to cost up to 30 s.
 */
const MAX_PUBLISH_BACKOFF_MS = 5_000;
const SENT_RETENTION_DAYS = 7;
const CLEANUP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Publishes outbox rows in the order they were written. One relay per subgraph is active
 * at a time (a Postgres advisory lock), so events of one aggregate can never overtake each
 * other; others stand by. Rows are marked sent only up to the first failed publish, so a
 * broker outage means "later", never "lost" or "reordered" (duplicates are possible and
 * harmless: consumers deduplicate through their inbox).
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A commit was announced since the last read of the outbox: the next pause must not sleep. */
  private notified = false;
  /** Waiting out a publish failure: new commits must not cut the back-off short (poke and stop do). */
  private backingOff = false;
  /**
   * The broker came back since the last read of the outbox: the next back-off must not
   * sleep. A flag, not only a wake-up, because the announcement may arrive while the loop
   * is between its failed publish and its back-off, when there is no sleep to cut short.
   */
  private brokerBack = false;
  private session: Client | undefined;
  private failures = 0;
  private lastCleanup = 0;

  constructor(private readonly options: RelayOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** The broker is back: retry now rather than at the end of the back-off. */
  poke(): void {
    this.failures = 0;
    this.brokerBack = true;
    this.wake?.();
  }

  /**
   * Wakes the loop, or, when it is busy publishing, makes its next pause return at once: a
   * commit announced mid-batch may have missed that batch's SELECT and must not wait for
   * the poll interval (a lost wake-up cost a second per event at low traffic).
   */
  private committed(): void {
    this.notified = true;
    if (!this.backingOff) this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!(await this.lead())) {
          await this.pause(STANDBY_RETRY_MS);
          continue;
        }
        this.notified = false;
        this.brokerBack = false;
        const result = await this.publishBatch();
        await this.cleanupNow();
        if (result === 'failed')
          await this.backOff(backoffDelay(this.failures, PUBLISH_BACKOFF_BASE_MS, MAX_PUBLISH_BACKOFF_MS));
        else if (result === 'idle') await this.pause(this.options.pollIntervalMs);
      } catch (error) {
        this.options.log.warn({ err: error }, 'outbox relay error; retrying');
        await this.dropSession();
        await this.backOff(backoffDelay(++this.failures, PUBLISH_BACKOFF_BASE_MS, MAX_PUBLISH_BACKOFF_MS));
      }
    }
    await this.dropSession();
  }

  /** Takes (or keeps) the leadership lock on a session of its own, listening for new rows. */
  private async lead(): Promise<boolean> {
    if (this.session) return true;
    const session = new Client({
      connectionString: this.options.databaseUrl,
      application_name: `outbox-relay-${this.options.schema}`,
    });
    session.on('error', () => undefined);
    await session.connect();
    const [{ locked }] = (
      await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        `outbox-relay:${this.options.schema}`,
      ])
    ).rows;
    if (!locked) {
      await session.end();
      this.options.metrics.relayLeader.set(0);
      return false;
    }
    session.on('notification', () => this.committed());
    session.on('end', () => {
      if (this.session !== session) return;
      this.session = undefined;
      this.options.metrics.relayLeader.set(0);
    });
    await session.query(`LISTEN ${outboxChannel(this.options.schema)}`);
    this.session = session;
    this.options.metrics.relayLeader.set(1);
    this.options.log.info('outbox relay is the active publisher');
    return true;
  }

  private async publishBatch(): Promise<'more' | 'idle' | 'failed'> {
    const rows = await queryRows<{ position: string; envelope: Envelope }>(
      this.options.db,
      `SELECT position, envelope FROM outbox WHERE sent_at IS NULL ORDER BY position LIMIT $1`,
      [this.options.batchSize],
    );
    if (rows.length === 0) return 'idle';
    // Issued back to back on one channel (order kept on the wire), confirmed together.
    const outcomes = await Promise.allSettled(rows.map((row) => this.options.transport.publish(row.envelope)));
    const firstFailure = outcomes.findIndex((outcome) => outcome.status === 'rejected');
    const published = firstFailure === -1 ? rows : rows.slice(0, firstFailure);
    if (published.length > 0) {
      await this.options.db.query(`UPDATE outbox SET sent_at = now() WHERE position = ANY($1::bigint[])`, [
        published.map((row) => row.position),
      ]);
      for (const row of published) this.options.metrics.published.inc({ type: row.envelope.type });
    }
    if (firstFailure !== -1) {
      const failure: unknown = (outcomes[firstFailure] as PromiseRejectedResult).reason;
      const reason = failure instanceof Error ? failure.message : 'publish failed';
      await this.options.db.query(
        `UPDATE outbox SET publish_attempts = publish_attempts + 1, last_error = $2 WHERE position = $1`,
        [rows[firstFailure].position, reason],
      );
      this.failures += 1;
      if (this.failures === 1 || this.failures % 10 === 0)
        this.options.log.warn({ reason, pending: rows.length - published.length }, 'outbox publish failed; will retry');
      return 'failed';
    }
    this.failures = 0;
    return rows.length === this.options.batchSize ? 'more' : 'idle';
  }

  private async cleanupNow(): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_INTERVAL_MS) return;
    this.lastCleanup = Date.now();
    await this.options.db.query(`DELETE FROM outbox WHERE sent_at < now() - make_interval(days => $1)`, [
      SENT_RETENTION_DAYS,
    ]);
  }

  private async backOff(ms: number): Promise<void> {
    if (this.brokerBack) return;
    this.backingOff = true;
    try {
      await this.sleep(ms);
    } finally {
      this.backingOff = false;
    }
  }

  private pause(ms: number): Promise<void> {
    return this.notified ? Promise.resolve() : this.sleep(ms);
  }

  private sleep(ms: number): Promise<void> {
    // stop() wakes a sleep in progress; one the loop starts after that (stop came mid-batch) must not wait out the poll.
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async dropSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.options.metrics.relayLeader.set(0);
    await session?.end().catch(() => undefined);
  }
}

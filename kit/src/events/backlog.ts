import type { CommonConfig } from '../config';
import type { Logger } from '../logger';
import { KeyValueStore, MemoryStore, RedisStore } from '../store';

/** How often each subgraph reports its outbox backlog (`EVENTS_BACKLOG_REPORT_MS`). */
export const BACKLOG_REPORT_INTERVAL_MS = 5_000;
/**
 * A report outlives staleness by far, so a subgraph that stopped reporting shows as stale
 * (with its last figures) for a day rather than vanishing after a few seconds.
 */
export const BACKLOG_REPORT_TTL_MS = 24 * 60 * 60 * 1000;

/** One subgraph's outbox as it last reported it. */
export interface BacklogReport {
  subgraph: string;
  /** Outbox rows not yet published. */
  unsent: number;
  /** When the oldest unsent row was written (ISO); null when nothing waits. */
  oldestUnsentAt: string | null;
  /** When the subgraph measured this (ISO). */
  reportedAt: string;
}

const key = (subgraph: string) => `backlog:${subgraph}`;

/** Every subgraph of an embedded run shares this, as separate processes share Redis. */
const inProcessBacklogStore = new MemoryStore();

/**
 * The deployment-wide board the subgraphs write their backlog on and the operator reads.
 * It is the shared key-value store, not the event backbone: a stuck relay is exactly what it
 * must show, and it must not take a subgraph reading another's tables.
 */
export class BacklogBoard {
  constructor(private readonly store: KeyValueStore) {}

  async write(report: BacklogReport): Promise<void> {
    await this.store.set(key(report.subgraph), JSON.stringify(report), BACKLOG_REPORT_TTL_MS);
  }

  /** The last report of each subgraph, in the order asked; null for one never heard from (or a day silent). */
  async read(subgraphs: readonly string[]): Promise<(BacklogReport | null)[]> {
    const values = await this.store.getMany(subgraphs.map(key));
    return values.map((value) => {
      if (value === null) return null;
      try {
        return JSON.parse(value) as BacklogReport;
      } catch {
        return null;
      }
    });
  }

  close(): Promise<void> {
    return this.store === inProcessBacklogStore ? Promise.resolve() : this.store.close();
  }
}

/** Redis under `<REDIS_KEY_PREFIX>:events` when `REDIS_URL` is set, else the process-wide in-memory board. */
export function createBacklogBoard(config: Pick<CommonConfig, 'redisUrl' | 'redisKeyPrefix'>): BacklogBoard {
  return new BacklogBoard(
    config.redisUrl ? new RedisStore(config.redisUrl, `${config.redisKeyPrefix}:events`) : inProcessBacklogStore,
  );
}

/**
 * Measures the subgraph's outbox every `intervalMs` and writes it on the board. Runs apart
 * from the relay, so a relay that stopped or hangs still has its backlog reported.
 */
export class BacklogReporter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly options: {
      subgraph: string;
      board: BacklogBoard;
      measure: () => Promise<{ pending: number; oldestCreatedAt: Date | null }>;
      intervalMs: number;
      log: Logger;
    },
  ) {}

  start(): void {
    if (this.timer) return;
    void this.reportNow();
    this.timer = setInterval(() => void this.reportNow(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One report; a failure is logged and the next tick tries again (the operator sees the report age). */
  reportNow(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        const { pending, oldestCreatedAt } = await this.options.measure();
        await this.options.board.write({
          subgraph: this.options.subgraph,
          unsent: pending,
          oldestUnsentAt: oldestCreatedAt ? oldestCreatedAt.toISOString() : null,
          reportedAt: new Date().toISOString(),
        });
      } catch (error) {
        this.options.log.warn({ err: error }, 'outbox backlog report failed');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}

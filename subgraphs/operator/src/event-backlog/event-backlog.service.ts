import { BacklogBoard, EnvReader } from '@marketplace/kit';
import { SubgraphEventBacklog } from './event-backlog.type';

/** The subgraphs a deployment runs (`OPERATOR_SUBGRAPHS`, comma-separated): each is expected to report. */
export const DEFAULT_SUBGRAPHS = [
  'users',
  'vendor',
  'catalog',
  'orders',
  'payments',
  'licensing',
  'operator',
  'notifications',
  'billing',
];
/** Missing this many reports in a row makes a subgraph's figures stale. */
export const STALE_AFTER_MISSED_REPORTS = 4;

export interface EventBacklogSettings {
  subgraphs: string[];
  /** A report older than this is stale (`EVENT_BACKLOG_STALE_MS`; default 4 report intervals). */
  staleAfterMs: number;
}

export function readEventBacklogSettings(env: EnvReader, reportIntervalMs: number): EventBacklogSettings {
  return {
    subgraphs: env.list('OPERATOR_SUBGRAPHS', DEFAULT_SUBGRAPHS),
    staleAfterMs: env.int('EVENT_BACKLOG_STALE_MS', STALE_AFTER_MISSED_REPORTS * reportIntervalMs, {
      min: 1_000,
      max: 24 * 60 * 60 * 1000,
    }),
  };
}

/**
 * Every expected subgraph's outbox backlog, read from the board the subgraphs write on (the
 * shared key-value store, never another subgraph's tables nor the event backbone a stuck
 * relay would hold up). One round trip for all of them.
 */
export class EventBacklogService {
  constructor(
    private readonly board: BacklogBoard,
    private readonly settings: EventBacklogSettings,
  ) {}

  async list(now = Date.now()): Promise<SubgraphEventBacklog[]> {
    const reports = await this.board.read(this.settings.subgraphs);
    return this.settings.subgraphs.map((subgraph, index) => {
      const report = reports[index];
      const reportedAt = report ? new Date(report.reportedAt) : null;
      const oldestUnsentAt = report?.oldestUnsentAt ? new Date(report.oldestUnsentAt) : null;
      return Object.assign(new SubgraphEventBacklog(), {
        subgraph,
        unsentEventCount: report?.unsent ?? null,
        oldestUnsentAt,
        oldestUnsentAgeSeconds: oldestUnsentAt ? Math.max(0, (now - oldestUnsentAt.getTime()) / 1000) : null,
        reportedAt,
        stale: !reportedAt || now - reportedAt.getTime() > this.settings.staleAfterMs,
      });
    });
  }

  close(): Promise<void> {
    return this.board.close();
  }
}

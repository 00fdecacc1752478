import type { Client } from 'pg';
import { metricSum, scrapeMetrics, until } from '@marketplace/kit/testing';
import type { ServiceProcess } from './service-process';

/** How long the inboxes must stay unchanged, every outbox empty, for the event flow to count as settled. */
const QUIET_MS = 1_500;
const SETTLE_TIMEOUT_MS = 60_000;

/** One (event, handler) a subgraph should have applied and has no inbox row for. */
export interface MissingDelivery {
  consumer: string;
  type: string;
  handler: string;
  eventId: string;
}

/** Every subgraph's schema in the run's database, read together. */
export class EventAccounting {
  constructor(
    private readonly sql: Client,
    private readonly schemas: string[],
  ) {}

  /** Waits until every outbox row is published and no inbox has grown for QUIET_MS. */
  async settled(): Promise<void> {
    let last = '';
    let quietSince = Date.now();
    await until(
      async () => {
        const [unsent, inboxes] = await Promise.all([this.unsent(), this.inboxSizes()]);
        if (unsent > 0 || inboxes !== last) {
          last = inboxes;
          quietSince = Date.now();
          return undefined;
        }
        return Date.now() - quietSince >= QUIET_MS ? true : undefined;
      },
      'every outbox published and every inbox quiet',
      SETTLE_TIMEOUT_MS,
    );
  }

  /** Outbox rows not yet published, in every schema. */
  async unsent(): Promise<number> {
    return this.sum((schema) => `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE sent_at IS NULL`);
  }

  async deadLetters(): Promise<number> {
    return this.sum((schema) => `SELECT count(*)::int AS n FROM ${schema}.dead_letters`);
  }

  /**
   * Events written since `since` that a subgraph handles (a handler of it has an inbox row
   * for that type) but has not applied with every such handler: lost on the way.
   */
  async missingDeliveries(since: Date): Promise<MissingDelivery[]> {
    const published = this.schemas.map((schema) => `SELECT id, type FROM ${schema}.outbox WHERE created_at >= $1`);
    const missing: MissingDelivery[] = [];
    for (const consumer of this.schemas) {
      const { rows } = await this.sql.query<{ type: string; handler: string; event_id: string }>(
        `WITH published AS (${published.join(' UNION ALL ')}),
              handlers AS (SELECT DISTINCT type, handler FROM ${consumer}.inbox)
         SELECT p.type, h.handler, p.id AS event_id FROM published p JOIN handlers h USING (type)
          WHERE NOT EXISTS (SELECT 1 FROM ${consumer}.inbox i WHERE i.event_id = p.id AND i.handler = h.handler)`,
        [since],
      );
      missing.push(...rows.map((row) => ({ consumer, type: row.type, handler: row.handler, eventId: row.event_id })));
    }
    return missing;
  }

  /** Per type: events written since `since` in any schema. */
  async publishedSince(since: Date): Promise<Map<string, number>> {
    const { rows } = await this.sql.query<{ type: string; n: number }>(
      `SELECT type, count(*)::int AS n FROM (${this.schemas
        .map((schema) => `SELECT type FROM ${schema}.outbox WHERE created_at >= $1`)
        .join(' UNION ALL ')}) published GROUP BY type`,
      [since],
    );
    return new Map(rows.map((row) => [row.type, row.n]));
  }

  /** Per type: the consumer's inbox rows since `since`, the distinct events among them and its handlers of the type. */
  async inboxSince(
    consumer: string,
    since: Date,
  ): Promise<Map<string, { rows: number; events: number; handlers: number }>> {
    const { rows } = await this.sql.query<{ type: string; rows: number; events: number; handlers: number }>(
      `SELECT type, count(*)::int AS rows, count(DISTINCT event_id)::int AS events,
              count(DISTINCT handler)::int AS handlers
         FROM ${consumer}.inbox WHERE handled_at >= $1 GROUP BY type`,
      [since],
    );
    return new Map(rows.map((row) => [row.type, { rows: row.rows, events: row.events, handlers: row.handlers }]));
  }

  private async inboxSizes(): Promise<string> {
    const counts = await Promise.all(
      this.schemas.map(async (schema) => (await this.sql.query(`SELECT count(*) AS n FROM ${schema}.inbox`)).rows[0].n),
    );
    return counts.join(',');
  }

  private async sum(statement: (schema: string) => string): Promise<number> {
    const { rows } = await this.sql.query<{ n: number }>(
      `SELECT sum(n)::int AS n FROM (${this.schemas.map(statement).join(' UNION ALL ')}) counts`,
    );
    return rows[0].n;
  }
}

/** One replica's event counters, by type: `events_published_total` and `events_consumed_total` per outcome. */
export interface EventCounters {
  published: (type: string) => number;
  handled: (type: string) => number;
  duplicates: (type: string) => number;
}

export async function eventCountersOf(replica: ServiceProcess): Promise<EventCounters> {
  const text = await scrapeMetrics(`${replica.origin}/graphql`);
  return {
    published: (type) => metricSum(text, 'events_published_total', { type }),
    handled: (type) => metricSum(text, 'events_consumed_total', { type, outcome: 'handled' }),
    duplicates: (type) => metricSum(text, 'events_consumed_total', { type, outcome: 'duplicate' }),
  };
}

/** `outbox_relay_leader` of a replica: 1 while its relay holds the lock; undefined when it does not answer. */
export async function relayLeaderGauge(replica: ServiceProcess): Promise<number | undefined> {
  try {
    const text = await scrapeMetrics(`${replica.origin}/graphql`);
    return /^outbox_relay_leader(?:\{[^}]*\})? (\S+)$/m.test(text) ? metricSum(text, 'outbox_relay_leader') : undefined;
  } catch {
    return undefined;
  }
}

/** What the checkout saga left of one order in each subgraph. */
export interface OrderEffects {
  id: string;
  status: string;
  lines: number;
  /** Licenses issued for it (licensing): one per line. */
  licenses: number;
  /** Vendor ledger SALE credits for it (vendor): one per line. */
  sales: number;
}

export async function effectsOf(sql: Client, orderIds: string[]): Promise<OrderEffects[]> {
  const { rows } = await sql.query<OrderEffects>(
    `SELECT o.id, o.status,
            (SELECT count(*)::int FROM orders.order_items i WHERE i.order_id = o.id) AS lines,
            (SELECT count(*)::int FROM licensing.licenses l WHERE l.order_id = o.id) AS licenses,
            (SELECT count(*)::int FROM vendor.ledger_entries e WHERE e.order_id = o.id AND e.kind = 'SALE') AS sales
       FROM orders.orders o WHERE o.id = ANY($1::uuid[]) ORDER BY o.id`,
    [orderIds],
  );
  return rows;
}

/** Waits until every one of the orders is FULFILLED. */
export async function untilFulfilled(sql: Client, orderIds: string[], timeoutMs = 60_000): Promise<void> {
  await until(
    async () => {
      const { rows } = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM orders.orders WHERE id = ANY($1::uuid[]) AND status = 'FULFILLED'`,
        [orderIds],
      );
      return rows[0].n === orderIds.length ? true : undefined;
    },
    `${orderIds.length} orders to be FULFILLED`,
    timeoutMs,
  );
}

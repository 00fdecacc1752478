import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { RunningSubgraph, queryRows } from '@marketplace/kit';
import type { TestSupergraph } from './supergraph';

/**
 * Statements of the event backbone (relay, consumer bookkeeping, dead letters) that share a
 * subgraph's DataSource in the background; the same filter as the kit's `sqlDuring`.
 */
export const BACKGROUND_STATEMENT = /\b(outbox|inbox|dead_letters)\b/;

/**
 * Marks the async context of every event delivery a subgraph's consumer handles: a handler's
 * statements (its own tables, its transaction) carry no tell-tale table name, and a mutation's
 * event may well be handled by another subgraph while the gateway request is still running.
 */
const backgroundWork = new AsyncLocalStorage<string>();
const marked = new WeakSet<object>();

type DeliveryHandler = (delivery: unknown) => Promise<void>;

function markConsumerAsBackground(subgraph: RunningSubgraph): void {
  // The consumer calls `this.onDelivery(delivery)` for each delivery, so an own property wraps every later one.
  const consumer = subgraph.events.consumer as unknown as { onDelivery: DeliveryHandler };
  if (marked.has(consumer)) return;
  const original = consumer.onDelivery;
  if (typeof original !== 'function')
    throw new Error(`${subgraph.name}: the event consumer has no onDelivery to mark as background work`);
  consumer.onDelivery = (delivery) =>
    backgroundWork.run(`${subgraph.name} consumer`, () => original.call(consumer, delivery));
  marked.add(consumer);
}

/** What one gateway request cost, per subgraph. */
export interface OperationCost {
  /** The `x-request-id` the request carried (the gateway forwards it to every subgraph fetch). */
  requestId: string;
  /** Subgraph → the SQL statements its DataSource sent while the request ran. */
  statements: Record<string, string[]>;
  /** Subgraph → the operation names of the gateway's fetches to it (`Op__catalog__2`), in log order. */
  fetches: Record<string, string[]>;
  /** Subgraph → statements left out meanwhile: the relay's, and every statement of an event handler. */
  background: Record<string, string[]>;
}

export const statementCounts = (cost: OperationCost): Record<string, number> => countsOf(cost.statements);
export const fetchCounts = (cost: OperationCost): Record<string, number> => countsOf(cost.fetches);
export const backgroundCounts = (cost: OperationCost): Record<string, number> => countsOf(cost.background);
export const total = (counts: Record<string, number>): number => Object.values(counts).reduce((sum, n) => sum + n, 0);

function countsOf(bySubgraph: Record<string, string[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(bySubgraph).map(([name, items]) => [name, items.length]));
}

/**
 * Runs `work` (one gateway request, given the request id to send as `x-request-id`) and
 * counts, for every subgraph of the supergraph at once, the SQL statements its DataSource
 * sent meanwhile and the GraphQL fetches the gateway made to it for this request.
 *
 * Statements: every subgraph's TypeORM logger is hooked for the duration of `work` (TypeORM
 * reports each statement to it, logging on or not). Background work shares the DataSources
 * and is left out: the relay's statements by text (as `sqlDuring` does), event handlers'
 * by the async context of their delivery (a mutation's event is often handled by another
 * subgraph before the gateway answers). Callers should still `quiesce()` first and keep
 * periodic jobs off (the orders expiry check: `ORDER_EXPIRY_CHECK_SECONDS=3600`).
 *
 * Fetches: every subgraph logs one `graphql operation` line per request it serves, with the
 * request id the gateway forwarded; the lines of this request id are the fetches.
 */
export async function costOf<T>(
  supergraph: TestSupergraph,
  work: (requestId: string) => Promise<T>,
): Promise<{ result: T; cost: OperationCost }> {
  const requestId = `n1-${randomUUID()}`;
  const statements: Record<string, string[]> = {};
  const background: Record<string, string[]> = {};
  const restore: (() => void)[] = [];
  for (const [name, subgraph] of supergraph.subgraphs) {
    markConsumerAsBackground(subgraph);
    statements[name] = [];
    background[name] = [];
    const logger = subgraph.deps.db.logger;
    const original = logger.logQuery.bind(logger);
    logger.logQuery = (query, ...rest) => {
      (backgroundWork.getStore() !== undefined || BACKGROUND_STATEMENT.test(query) ? background : statements)[
        name
      ].push(query);
      return original(query, ...rest);
    };
    restore.push(() => (logger.logQuery = original));
  }
  const firstLine = supergraph.logs.lines.length;
  let result: T;
  try {
    result = await work(requestId);
  } finally {
    for (const undo of restore) undo();
  }
  const fetches: Record<string, string[]> = Object.fromEntries(
    [...supergraph.subgraphs.keys()].map((name) => [name, [] as string[]]),
  );
  for (const line of supergraph.logs.lines.slice(firstLine)) {
    const record = JSON.parse(line) as {
      service?: string;
      name?: string;
      requestId?: string;
      msg?: string;
      operationName?: string;
    };
    const service = record.service ?? record.name;
    if (record.requestId !== requestId || record.msg !== 'graphql operation' || !service || !(service in fetches))
      continue;
    fetches[service].push(record.operationName ?? 'anonymous');
  }
  return { result, cost: { requestId, statements, fetches, background } };
}

/**
 * Waits until the background is quiet: every subgraph's outbox is published and no
 * subgraph's inbox or dead letters grew for `settleMs`. Measure only after this.
 */
export async function quiesce(supergraph: TestSupergraph, { timeoutMs = 30_000, settleMs = 400 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let previous = '';
  let stableSince = 0;
  for (;;) {
    const snapshot: string[] = [];
    let unsent = 0;
    for (const [name, subgraph] of supergraph.subgraphs) {
      const [row] = await queryRows<{ unsent: number; handled: number; dead: number }>(
        subgraph.deps.db,
        `SELECT (SELECT count(*)::int FROM outbox WHERE sent_at IS NULL) AS unsent,
                (SELECT count(*)::int FROM inbox) AS handled,
                (SELECT count(*)::int FROM dead_letters) AS dead`,
      );
      unsent += row.unsent;
      snapshot.push(`${name}:${row.handled}:${row.dead}`);
    }
    const key = snapshot.join(',');
    if (unsent === 0 && key === previous) {
      if (Date.now() - stableSince >= settleMs) return;
    } else {
      previous = key;
      stableSince = Date.now();
    }
    if (Date.now() > deadline)
      throw new Error(`the supergraph did not quiesce within ${timeoutMs} ms (${unsent} unsent events; ${key})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

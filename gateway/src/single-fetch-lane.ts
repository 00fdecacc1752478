import { Metrics, logOperation } from '@marketplace/kit';
import type { GatewayContext } from './context';
import type { ResponseCache } from './response-cache';
import { DirectRoute, IncomingRequest, SingleFetchShortcut, sendDirect } from './single-fetch';

/** What Apollo Server answers a client that accepts plain JSON (or anything). */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** Apollo's cache-control plugin's header for an answer no cache may keep. */
const UNCACHEABLE = 'no-store';

/** The fields of a posted body Apollo Server reads, when each has the type it requires. */
interface PlainRequest {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

/** An answer the lane sent itself: HTTP 200, data and no errors. */
export interface LaneAnswer {
  headers: Record<string, string>;
  body: string;
  /** Counts and logs the operation: called once the answer is written, so that neither holds it up. */
  recordSent(): void;
}

export interface SingleFetchLaneOptions {
  shortcut: SingleFetchShortcut;
  responseCache: ResponseCache;
  metrics: Metrics;
  /** Called for each operation the lane answered alone. */
  onAnswer?: () => void;
}

/**
 * Answers operations the single-fetch shortcut has already learned without Apollo Server's
 * request pipeline, for the lean `POST /graphql` path (graphql-post.ts).
 *
 * Once a query text has been parsed, validated and planned, Apollo Server still hashes it,
 * negotiates the content type, runs every plugin hook and builds a request context on
 * each request; skipping that takes 37 % off the gateway's CPU per uncached product card
 * at one client and 28 % at ten (README, Benchmarks, Levers). The lane finds the route by the posted text instead,
 * checks the variables as the executor does, sends the one fetch and, when the subgraph
 * answered without errors, writes what Apollo would have written: the same body, content
 * type and `Cache-Control`, then the same operation metrics and log line, once the answer
 * is on its way.
 *
 * Everything else goes on to Apollo with the context already built: any request it could
 * not judge (an `Accept` other than JSON, extensions such as APQ, an odd body), one the
 * response cache answers, and every result with errors, bad variables (nothing sent) or the
 * subgraph's, which the executor then returns as is (`handOver`) so that Apollo formats,
 * counts and logs the errors as always. `scripts/src/single-fetch.test.ts` sends every case to a
 * gateway without the shortcut too and compares the answers.
 */
export class SingleFetchLane {
  constructor(private readonly options: SingleFetchLaneOptions) {}

  /** The lane's answer, undefined when Apollo must answer, or no promise at all when the lane does not know the operation. */
  answer(
    body: unknown,
    accept: string | undefined,
    context: () => Promise<GatewayContext>,
  ): Promise<LaneAnswer | undefined> | undefined {
    const request = plainRequest(body, accept);
    const route = request && this.options.shortcut.routeFor(request.query, request.operationName);
    if (!request || !route) return undefined;
    return this.serve(route, request, context);
  }

  private async serve(
    route: DirectRoute,
    request: PlainRequest,
    contextOf: () => Promise<GatewayContext>,
  ): Promise<LaneAnswer | undefined> {
    let context: GatewayContext;
    try {
      context = await contextOf();
    } catch {
      // A bad token or the rate limit: Apollo answers the same rejected context as it always does.
      return undefined;
    }
    const startedAt = performance.now();
    if (this.options.responseCache.consults(route.operation, context)) return undefined;
    const policy = new OperationCachePolicy();
    const incoming: IncomingRequest = { context, overallCachePolicy: policy };
    const result = await sendDirect(route, request.variables, incoming);
    // Bad variables (nothing was sent) or the subgraph's errors.
    if (result.errors) {
      this.options.shortcut.handOver(context, result);
      return undefined;
    }
    const recordSent = () => {
      this.options.onAnswer?.();
      const operationName = route.operation.name?.value ?? null;
      const operationType = route.operation.operation;
      this.options.metrics.recordOperation(operationName, operationType, 'ok', (performance.now() - startedAt) / 1000);
      logOperation(context.log, { operationName, operationType, startedAt, errors: undefined });
    };
    // Apollo Server's own serialization of a result without errors or extensions.
    return {
      headers: { 'content-type': JSON_CONTENT_TYPE, 'cache-control': policy.header() },
      body: `${JSON.stringify({ data: result.data })}\n`,
      recordSent,
    };
  }
}

/** The body as Apollo Server would read it, or undefined when the lane leaves it to Apollo. */
function plainRequest(body: unknown, accept: string | undefined): PlainRequest | undefined {
  // Apollo negotiates any other Accept, and may answer `application/graphql-response+json` or 406.
  if (accept !== undefined && accept !== '*/*' && accept !== 'application/json') return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { query, operationName, variables, extensions } = body as Record<string, unknown>;
  if (typeof query !== 'string' || extensions !== undefined) return undefined;
  // An empty name is an error in Apollo, not "no name".
  if (
    operationName !== undefined &&
    operationName !== null &&
    (typeof operationName !== 'string' || operationName === '')
  )
    return undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables)))
    return undefined;
  return { query, operationName: operationName ?? undefined, variables: (variables ?? {}) as Record<string, unknown> };
}

type CacheHint = { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' };

/**
 * The operation's cache policy, restricted by its one subgraph answer, and the header Apollo's
 * cache-control plugin makes of it. (Subgraphs here mark only entity answers shareable, so a
 * root fetch's answer comes back `no-store`; the policy still follows whatever they send.)
 */
export class OperationCachePolicy {
  maxAge: number | undefined;
  scope: CacheHint['scope'];

  /** As Apollo Server's policy: the shortest max-age wins, and PRIVATE once set stays. */
  restrict(hint: CacheHint): void {
    if (hint.maxAge !== undefined && (this.maxAge === undefined || hint.maxAge < this.maxAge))
      this.maxAge = hint.maxAge;
    if (hint.scope !== undefined && this.scope !== 'PRIVATE') this.scope = hint.scope;
  }

  header(): string {
    if (!this.maxAge) return UNCACHEABLE;
    return `max-age=${this.maxAge}, ${(this.scope ?? 'PUBLIC').toLowerCase()}`;
  }
}

import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import type { Metrics } from '@marketplace/kit';
import type { GatewayCaches } from '../caching/caches';
import type { PublicDataCache } from '../caching/public-cache';
import type { GatewayConfig } from '../config';

/** Idle connections kept open per subgraph; enough for bursts without hoarding sockets. */
const MAX_FREE_SOCKETS_PER_HOST = 64;
/** Close idle pooled sockets before a subgraph's own keep-alive timeout (kit: 65 s) can race us. */
const IDLE_SOCKET_TIMEOUT_MS = 30_000;
/**
 * Times a fetch is sent again when the subgraph provably never read it (`resendable`): a
 * replica that closes reached more than one stale pooled connection only rarely.
 */
const RESENDS_OF_UNREAD_REQUESTS = 2;

export interface SubgraphFetcher {
  /** A function, not a method: each data source holds it on its own. */
  send: (url: string, request: SubgraphRequest) => Promise<SubgraphAnswer>;
  close(): void;
}

/** One HTTP request to a subgraph; header names in lower case. */
export interface SubgraphRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface SubgraphFetcherOptions {
  timeoutMs: number;
  /**
   * Identical read fetches in flight at once (same subgraph URL, same caller's
   * authorization, same operation and variables) share one round trip. Writes never do.
   */
  singleFlight?: boolean;
  /** Called for each fetch answered by joining one in flight. */
  onJoin?: () => void;
  /**
   * Answers the subgraph declared public (`Cache-Control: max-age=N, public`, from its
   * `@cacheControl` hints) are kept here and served to every caller of the same read,
   * whoever asks, for at most N seconds; change notices empty it sooner.
   */
  sharedCache?: PublicDataCache<SubgraphAnswer>;
  /** Called for each read looked up in `sharedCache`. */
  onCacheLookup?: (result: 'hit' | 'miss') => void;
}

/** A subgraph's answer, read in full. Joined and cached reads share it, so it is never changed: each caller parses its own copy of the body. */
export interface SubgraphAnswer {
  status: number;
  statusText?: string;
  headers: http.IncomingHttpHeaders;
  body: ReturnType<typeof Buffer.concat> | null;
}

/**
 * Subgraph calls over Node's own keep-alive agents: every operation reuses
 * pooled connections instead of a TCP handshake per fetch, and proxy settings in the
 * environment (HTTP_PROXY) never reroute traffic between the gateway and its subgraphs.
 *
 * With `singleFlight`, a burst of the same read (a storefront page many shoppers open at
 * once, the same vendor entity for every row of a page across concurrent requests) costs
 * the subgraph one request: later callers wait for the first one's answer. Only bodies the
 * gateway marks as queries join (it writes `{"query":"query …` or `{"query":"{…`), never
 * mutations, and only while the first is in flight, so nobody gets an older answer than
 * one they could have raced to themselves.
 */
export function createSubgraphFetcher(options: SubgraphFetcherOptions): SubgraphFetcher {
  const agentOptions = { keepAlive: true, maxFreeSockets: MAX_FREE_SOCKETS_PER_HOST, timeout: IDLE_SOCKET_TIMEOUT_MS };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  const inFlight = new Map<string, Promise<SubgraphAnswer>>();
  const cache = options.sharedCache?.enabled ? options.sharedCache : undefined;
  // The supergraph's few subgraph URLs, each parsed once rather than on every call.
  const targets = new Map<string, Target>();
  const targetOf = (url: string): Target => {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      const secure = parsed.protocol === 'https:';
      target = { secure, options: { ...urlToHttpOptions(parsed), agent: secure ? agents.https : agents.http } };
      targets.set(url, target);
    }
    return target;
  };

  const roundTrip = (
    url: string,
    init: SubgraphRequest,
    resends = RESENDS_OF_UNREAD_REQUESTS,
  ): Promise<SubgraphAnswer> =>
    new Promise((resolve, reject) => {
      const { secure, options: target } = targetOf(url);
      let answered = false;
      const request = (secure ? https : http).request(
        { ...target, method: init.method, headers: init.headers },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            clearTimeout(timer);
            const status = response.statusCode ?? 502;
            resolve({
              status,
              statusText: response.statusMessage,
              headers: response.headers,
              body: status === 204 || status === 304 ? null : Buffer.concat(chunks),
            });
          });
        },
      );
      const timer = setTimeout(
        () => request.destroy(new Error(`no response within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
      request.on('error', (error) => {
        clearTimeout(timer);
        if (resends > 0 && !answered && resendable(error, request.reusedSocket, init))
          resolve(roundTrip(url, init, resends - 1));
        else reject(error);
      });
      request.end(init.body);
    });

  /** A read through the shared cache: a public answer kept earlier, or a round trip whose public answer is kept. */
  const cachedRead = (url: string, init: SubgraphRequest, body: string): Promise<SubgraphAnswer> => {
    if (!cache) return roundTrip(url, init);
    // Public answers are the same for everyone: the caller's authorization is not part of the key.
    const key = `${url}\n${body}`;
    const kept = cache.get(key);
    options.onCacheLookup?.(kept ? 'hit' : 'miss');
    if (kept) return Promise.resolve(kept);
    const generation = cache.generation;
    return roundTrip(url, init).then((answer) => {
      const maxAge = publicMaxAgeSeconds(answer);
      if (maxAge > 0) cache.put(key, answer, answer.body?.length ?? 0, generation, maxAge);
      return answer;
    });
  };

  const answer = (url: string, init: SubgraphRequest): Promise<SubgraphAnswer> => {
    const body = readBody(init);
    if (body === undefined) return roundTrip(url, init);
    if (!options.singleFlight) return cachedRead(url, init, body);
    const key = `${url}\n${authorizationOf(init)}\n${body}`;
    const pending = inFlight.get(key);
    if (pending) {
      options.onJoin?.();
      return pending;
    }
    const started = cachedRead(url, init, body).finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };

  return {
    send: answer,
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** The gateway's fetcher, as configured, counting joined reads and lookups in the shared subgraph cache. */
export function buildSubgraphFetcher(
  config: GatewayConfig,
  metrics: Metrics,
  caches: Pick<GatewayCaches, 'subgraphCache' | 'onSubgraphCacheLookup'>,
): SubgraphFetcher {
  const joinedFetches = metrics.counter(
    'gateway_subgraph_fetches_joined_total',
    'Subgraph reads answered by joining an identical one in flight (single flight)',
  );
  return createSubgraphFetcher({
    timeoutMs: config.subgraphTimeoutMs,
    singleFlight: config.subgraphSingleFlight,
    onJoin: () => joinedFetches.inc(),
    sharedCache: caches.subgraphCache,
    onCacheLookup: caches.onSubgraphCacheLookup,
  });
}

/** Where a subgraph URL points, as `http.request` takes it, with the agent for its protocol. */
interface Target {
  secure: boolean;
  options: http.RequestOptions;
}

/** The body of a read (a query the gateway planned), or undefined for anything that must go out on its own. */
function readBody(init: SubgraphRequest): string | undefined {
  const body = init.body;
  if (init.method !== 'POST' || body === undefined) return undefined;
  return body.startsWith('{"query":"query') || body.startsWith('{"query":"{') ? body : undefined;
}

/**
 * Whether a fetch that failed before any answer may go out again, to the same address (a
 * Kubernetes Service, a load balancer: likely another replica). Refused connections carried
 * nothing. A pooled connection reset under a read is the replica closing it as idle (kit's
 * `closeServer`: a connection with a request in flight is answered, with `Connection: close`)
 * just as the read went out: unread. Writes are not sent again on a reset: a replica that
 * crashed after committing one would apply it twice.
 */
function resendable(error: NodeJS.ErrnoException, reusedSocket: boolean, init: SubgraphRequest): boolean {
  if (error.code === 'ECONNREFUSED') return true;
  return reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE') && readBody(init) !== undefined;
}

function authorizationOf(init: SubgraphRequest): string {
  return init.headers.authorization ?? '';
}

/**
 * How long a shared cache may keep this answer: its `s-maxage` or `max-age` when it is a
 * successful answer marked `public` (RFC 9111: only that lets a shared cache keep an answer
 * to a request with Authorization), else 0. Apollo Server sends `max-age=N, public` or `no-store`.
 */
export function publicMaxAgeSeconds(answer: SubgraphAnswer): number {
  if (answer.status !== 200 || !answer.body) return 0;
  const directives = cacheControlDirectives(answer.headers['cache-control']);
  if (
    !directives.has('public') ||
    directives.has('no-store') ||
    directives.has('private') ||
    directives.has('no-cache')
  )
    return 0;
  const seconds = Number(directives.get('s-maxage') ?? directives.get('max-age'));
  return Number.isInteger(seconds) && seconds > 0 ? seconds : 0;
}

/** A `Cache-Control` header's directives by lower-case name, each with its value if it has one. */
export function cacheControlDirectives(header: string | undefined): Map<string, string | undefined> {
  if (!header) return new Map();
  return new Map(
    header.split(',').map((part) => {
      const [name, value] = part.trim().toLowerCase().split('=');
      return [name, value] as const;
    }),
  );
}

import http from 'node:http';
import https from 'node:https';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { PublicDataCache } from './public-cache';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/** Idle connections kept open per subgraph; enough for bursts without hoarding sockets. */
const MAX_FREE_SOCKETS_PER_HOST = 64;
/** Close idle pooled sockets before a subgraph's own keep-alive timeout (kit: 65 s) can race us. */
const IDLE_SOCKET_TIMEOUT_MS = 30_000;

export interface SubgraphFetcher {
  fetch: Fetcher;
  close(): void;
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

/** A subgraph's answer, read in full: each caller gets its own response over the same bytes. */
export interface SubgraphAnswer {
  status: number;
  statusText?: string;
  headers: [string, string][];
  body: ReturnType<typeof Buffer.concat> | null;
}

/**
 * A fetch for subgraph calls over Node's own keep-alive agents: every operation reuses
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

  const roundTrip = (url: string, init: FetcherRequestInit): Promise<SubgraphAnswer> =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const request = (secure ? https : http).request(
        target,
        { method: init.method ?? 'GET', headers: init.headers as http.OutgoingHttpHeaders, agent: secure ? agents.https : agents.http },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            clearTimeout(timer);
            const status = response.statusCode ?? 502;
            resolve({ status, statusText: response.statusMessage, headers: flattenHeaders(response.headers), body: status === 204 || status === 304 ? null : Buffer.concat(chunks) });
          });
        },
      );
      const timer = setTimeout(() => request.destroy(new Error(`no response within ${options.timeoutMs} ms`)), options.timeoutMs);
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end(init.body);
    });

  /** A read through the shared cache: a public answer kept earlier, or a round trip whose public answer is kept. */
  const cachedRead = (url: string, init: FetcherRequestInit, body: string): Promise<SubgraphAnswer> => {
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

  const answer = (url: string, init: FetcherRequestInit): Promise<SubgraphAnswer> => {
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
    fetch: async (url, init = {}) => new BufferedResponse(url, await answer(url, init)),
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** The body of a read (a query the gateway planned), or undefined for anything that must go out on its own. */
function readBody(init: FetcherRequestInit): string | undefined {
  const body = init.body;
  if ((init.method ?? 'GET') !== 'POST' || typeof body !== 'string') return undefined;
  return body.startsWith('{"query":"query') || body.startsWith('{"query":"{') ? body : undefined;
}

function authorizationOf(init: FetcherRequestInit): string {
  const headers = (init.headers ?? {}) as Record<string, string | undefined>;
  return headers.authorization ?? headers.Authorization ?? '';
}

/**
 * How long a shared cache may keep this answer: its `s-maxage` or `max-age` when it is a
 * successful answer marked `public` (RFC 9111: only that lets a shared cache keep an answer
 * to a request with Authorization), else 0. Apollo Server sends `max-age=N, public` or `no-store`.
 */
export function publicMaxAgeSeconds(answer: SubgraphAnswer): number {
  if (answer.status !== 200 || !answer.body) return 0;
  const header = answer.headers.find(([name]) => name === 'cache-control')?.[1];
  if (!header) return 0;
  const directives = new Map(
    header.split(',').map((part) => {
      const [name, value] = part.trim().toLowerCase().split('=');
      return [name, value] as const;
    }),
  );
  if (!directives.has('public') || directives.has('no-store') || directives.has('private') || directives.has('no-cache')) return 0;
  const seconds = Number(directives.get('s-maxage') ?? directives.get('max-age'));
  return Number.isInteger(seconds) && seconds > 0 ? seconds : 0;
}

/**
 * The Fetch API response @apollo/gateway reads, over bytes already in memory. Node's own
 * `Response` would wrap them in a web stream per fetch only for the gateway to read them back.
 */
class BufferedResponse implements FetcherResponse {
  readonly bodyUsed = false;
  readonly redirected = false;
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: FetcherResponse['headers'];

  constructor(
    readonly url: string,
    private readonly answer: SubgraphAnswer,
  ) {
    this.status = answer.status;
    this.ok = answer.status >= 200 && answer.status < 300;
    this.statusText = answer.statusText ?? '';
    this.headers = new Headers(answer.headers) as unknown as FetcherResponse['headers'];
  }

  async text(): Promise<string> {
    return this.answer.body?.toString('utf8') ?? '';
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const body = this.answer.body ?? Buffer.alloc(0);
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  }

  clone(): FetcherResponse {
    return new BufferedResponse(this.url, this.answer);
  }
}

function flattenHeaders(headers: http.IncomingHttpHeaders): [string, string][] {
  return Object.entries(headers).flatMap(([name, value]) =>
    value === undefined ? [] : Array.isArray(value) ? value.map((item) => [name, item] as [string, string]) : [[name, value] as [string, string]],
  );
}

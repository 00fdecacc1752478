import http from 'node:http';
import https from 'node:https';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';

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
}

/** A subgraph's answer, read in full: each caller gets its own Response over the same bytes. */
interface Answer {
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
  const inFlight = new Map<string, Promise<Answer>>();

  const roundTrip = (url: string, init: FetcherRequestInit): Promise<Answer> =>
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

  const answer = (url: string, init: FetcherRequestInit): Promise<Answer> => {
    const key = options.singleFlight ? readKey(url, init) : undefined;
    if (key === undefined) return roundTrip(url, init);
    const pending = inFlight.get(key);
    if (pending) {
      options.onJoin?.();
      return pending;
    }
    const started = roundTrip(url, init).finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };

  return {
    fetch: async (url, init = {}) => {
      const { status, statusText, headers, body } = await answer(url, init);
      return new Response(body, { status, statusText, headers }) as unknown as FetcherResponse;
    },
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** The single-flight key of a read, or undefined for anything that must go out on its own. */
function readKey(url: string, init: FetcherRequestInit): string | undefined {
  const body = init.body;
  if ((init.method ?? 'GET') !== 'POST' || typeof body !== 'string') return undefined;
  if (!body.startsWith('{"query":"query') && !body.startsWith('{"query":"{')) return undefined;
  const headers = (init.headers ?? {}) as Record<string, string | undefined>;
  return `${url}\n${headers.authorization ?? headers.Authorization ?? ''}\n${body}`;
}

function flattenHeaders(headers: http.IncomingHttpHeaders): [string, string][] {
  return Object.entries(headers).flatMap(([name, value]) =>
    value === undefined ? [] : Array.isArray(value) ? value.map((item) => [name, item] as [string, string]) : [[name, value] as [string, string]],
  );
}

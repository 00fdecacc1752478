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

/**
 * A fetch for subgraph calls over Node's own keep-alive agents: every operation reuses
 * pooled connections instead of a TCP handshake per fetch, and proxy settings in the
 * environment (HTTP_PROXY) never reroute traffic between the gateway and its subgraphs.
 */
export function createSubgraphFetcher(options: { timeoutMs: number }): SubgraphFetcher {
  const agentOptions = { keepAlive: true, maxFreeSockets: MAX_FREE_SOCKETS_PER_HOST, timeout: IDLE_SOCKET_TIMEOUT_MS };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };

  const fetch = (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> =>
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
            const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(body, { status, statusText: response.statusMessage, headers: flattenHeaders(response.headers) }) as unknown as FetcherResponse);
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

  return {
    fetch,
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function flattenHeaders(headers: http.IncomingHttpHeaders): [string, string][] {
  return Object.entries(headers).flatMap(([name, value]) =>
    value === undefined ? [] : Array.isArray(value) ? value.map((item) => [name, item] as [string, string]) : [[name, value] as [string, string]],
  );
}

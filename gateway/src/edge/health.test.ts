import { Server, Socket, createServer } from 'node:net';
import { ProbeStack, startProbeStack, startTestGateway } from '../testing/stack';
import { readyUrlOf } from './health';

let stack: ProbeStack;

beforeAll(async () => {
  stack = await startProbeStack();
});

afterAll(async () => {
  await stack?.close();
});

const healthUrl = (graphqlUrl: string) => new URL('/health', graphqlUrl).href;

/** A TCP server that accepts connections and never answers: a hung subgraph. */
async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('readyUrlOf', () => {
  it.each([
    ['http://users:4001/graphql', 'http://users:4001/ready'],
    ['http://users:4001/graphql/', 'http://users:4001/ready'],
    ['https://api.internal/users/graphql?x=1', 'https://api.internal/users/ready'],
    ['http://users:4001/', 'http://users:4001/ready'],
  ])('%s → %s', (graphqlUrl, readyUrl) => {
    expect(readyUrlOf(graphqlUrl)).toBe(readyUrl);
  });
});

describe('/metrics', () => {
  it('serves Prometheus text with the gateway’s operation counters', async () => {
    await stack.client.data('query MetricsProbe { whoami { requestId } }');
    const response = await fetch(new URL('/metrics', stack.gateway.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain('# TYPE graphql_operations_total counter');
    expect(text).toMatch(
      /graphql_operations_total\{[^}]*operation="MetricsProbe"[^}]*outcome="ok"[^}]*service="gateway"[^}]*\} 1/,
    );
    expect(text).toContain('http_request_duration_seconds_bucket');
  });
});

describe('/ready and /live', () => {
  it('answer 200 while the gateway serves; /ready turns 503 once the drain starts, and /live stays 200', async () => {
    const own = await startTestGateway(stack.supergraphSdl, stack.dataDir);
    try {
      const ready = new URL('/ready', own.gateway.url);
      const live = new URL('/live', own.gateway.url);
      const before = await fetch(ready);
      expect(before.status).toBe(200);
      expect(before.headers.get('cache-control')).toBe('no-store');
      expect(await before.json()).toEqual({ status: 'ready', service: 'gateway' });

      own.gateway.drain();
      const during = await fetch(ready);
      expect(during.status).toBe(503);
      expect(await during.json()).toEqual({ status: 'draining', service: 'gateway' });
      const alive = await fetch(live);
      expect(alive.status).toBe(200);
      expect(await alive.json()).toEqual({ status: 'ok', service: 'gateway' });
      // Draining still serves GraphQL: only new traffic is steered away.
      expect((await own.client.request('{ whoami { requestId } }')).errors).toBeUndefined();
    } finally {
      await own.close();
    }
  });
});

describe('/health', () => {
  it('is 200 with every subgraph ready', async () => {
    const response = await fetch(healthUrl(stack.gateway.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      subgraphs: { probe: { ready: true, status: 200 } },
      checks: { store: { ok: true } },
    });
  });

  it('is 503 within its timeout when a subgraph hangs, and <NAME>_URL reroutes a subgraph', async () => {
    const silent = await startSilentServer();
    const rerouted = await startTestGateway(stack.supergraphSdl, stack.dataDir, {
      PROBE_URL: silent.url,
      HEALTH_TIMEOUT_MS: '300',
      SUBGRAPH_TIMEOUT_MS: '300',
    });
    try {
      expect(rerouted.gateway.subgraphs.get('probe')).toBe(silent.url);
      const startedAt = Date.now();
      const response = await fetch(healthUrl(rerouted.gateway.url));
      expect(Date.now() - startedAt).toBeLessThan(2_000);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        status: 'unavailable',
        subgraphs: { probe: { ready: false, error: 'no answer within 300 ms' } },
      });

      const result = await rerouted.client.request('{ whoami { requestId } }');
      expect(result.errors?.[0].extensions).toEqual({ code: 'DOWNSTREAM_SERVICE_ERROR' });
      expect(JSON.stringify(result.errors)).not.toContain('127.0.0.1');
    } finally {
      await rerouted.close();
      await silent.close();
    }
  });

  it('is 503 naming the subgraph that is down, and operations fail cleanly', async () => {
    await stack.stopSubgraph();
    // The gateway itself still takes requests: /ready and /live do not follow the subgraphs.
    expect((await fetch(new URL('/ready', stack.gateway.url))).status).toBe(200);
    expect((await fetch(new URL('/live', stack.gateway.url))).status).toBe(200);
    const response = await fetch(healthUrl(stack.gateway.url));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: 'unavailable',
      subgraphs: { probe: { ready: false, error: 'ECONNREFUSED' } },
    });

    const result = await stack.client.request('{ whoami { requestId } }');
    expect(result.status).toBe(200);
    expect(result.data).toBeNull();
    expect(result.errors?.[0]).toMatchObject({
      message: 'A backing service is unavailable; try again shortly',
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' },
    });
    expect(JSON.stringify(result.errors)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|stacktrace/);
  });
});

import http from 'node:http';
import { Arg, Int, Query, Resolver } from 'type-graphql';
import { drainThenClose } from './process';
import type { SubgraphModule } from './subgraph';
import { TestSubgraph, startTestSubgraph } from './testing';

/**
 * SIGTERM's graceful stop of a subgraph (`drainThenClose`): not ready at once while still
 * serving; then no new connections, requests in flight answered (each closing its
 * connection, so a client does not reuse one about to close), and the process free to exit
 * without waiting out the 65 s keep-alive of its clients' connections.
 */
@Resolver()
class SlowResolver {
  @Query(() => Int, { description: 'Answers `ms` after it was asked.' })
  async slow(@Arg('ms', () => Int, { description: 'How long to take.' }) ms: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return ms;
  }
}

const drainModule: SubgraphModule = {
  name: 'kit_drain',
  defaultPort: 0,
  entities: [],
  migrations: [],
  resolvers: [SlowResolver],
  wire: () => ({ resolvers: [new SlowResolver()] }),
};

const DRAIN_MS = 400;

let probe: TestSubgraph;
beforeAll(async () => {
  probe = await startTestSubgraph(drainModule);
});
afterAll(async () => {
  await probe.database.drop();
});

/** One request on a kept-alive connection of `agent`: status, `Connection` header and body. */
function request(agent: http.Agent, path: string, body?: object) {
  return new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    const req = http.request(
      `${probe.subgraph.url.replace(/\/graphql$/, '')}${path}`,
      {
        agent,
        method: body ? 'POST' : 'GET',
        headers: body ? { 'content-type': 'application/json', 'apollo-require-preflight': 'true' } : {},
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

it('reports not ready and keeps serving while draining, then finishes what is in flight and closes', async () => {
  const agent = new http.Agent({ keepAlive: true });
  try {
    expect((await request(agent, '/ready')).status).toBe(200);
    // In flight when closing starts (after the drain), on a connection that would otherwise be kept alive.
    const inFlight = request(agent, '/graphql', { query: `{ slow(ms: ${DRAIN_MS + 600}) }` });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const startedAt = Date.now();
    const stopped = drainThenClose(probe.subgraph, DRAIN_MS).then(() => Date.now() - startedAt);
    const ready = await request(agent, '/ready');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body).checks.shutdown).toEqual({ ok: false, error: 'draining before shutdown' });
    expect((await request(agent, '/health')).status).toBe(200);
    // Still served while draining, each answer telling the client not to reuse its connection.
    const served = await request(agent, '/graphql', { query: '{ slow(ms: 1) }' });
    expect(served).toEqual({ status: 200, connection: 'close', body: expect.stringContaining('"slow":1') });

    expect(await inFlight).toEqual({
      status: 200,
      connection: 'close',
      body: expect.stringContaining(`"slow":${DRAIN_MS + 600}`),
    });
    const stoppedAfterMs = await stopped;
    expect(stoppedAfterMs).toBeGreaterThanOrEqual(DRAIN_MS);
    // Not the clients' 65 s keep-alive: closing ends each connection once its answer is out.
    expect(stoppedAfterMs).toBeLessThan(5_000);
    await expect(request(new http.Agent(), '/health')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  } finally {
    agent.destroy();
  }
});

import { Server, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { createSubgraphFetcher } from './subgraph-fetcher';

/**
 * A subgraph replica closing (SIGTERM, kit's `closeServer`) closes its idle kept-alive
 * connections; a fetch the gateway sent on one of them at that moment was never read. A read
 * is sent again (through the Service address: another replica); a write is not, since the
 * same reset also comes from a replica that crashed after committing it.
 */
let server: Server;
let url: string;
const bodies: string[] = [];

beforeAll(async () => {
  const requestsOn = new WeakMap<Socket, number>();
  server = createServer((req, res) => {
    const nth = (requestsOn.get(req.socket) ?? 0) + 1;
    requestsOn.set(req.socket, nth);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(body);
      // The second request on a connection meets it closing: as if never read.
      if (nth === 2) return req.socket.destroy();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { nth } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (query: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query }),
});

it('sends a read again, on a new connection, when its kept-alive connection was closed under it', async () => {
  const fetcher = createSubgraphFetcher({ timeoutMs: 5_000 });
  bodies.length = 0;
  try {
    expect((await fetcher.send(url, post('query First { a }'))).status).toBe(200);
    const answer = await fetcher.send(url, post('query Second { a }'));
    expect(answer.status).toBe(200);
    expect(JSON.parse(String(answer.body))).toEqual({ data: { nth: 1 } });
    expect(bodies.map((body) => JSON.parse(body).query)).toEqual([
      'query First { a }',
      'query Second { a }',
      'query Second { a }',
    ]);
  } finally {
    fetcher.close();
  }
});

it('does not send a write again: the failure reaches the caller, the subgraph saw it once', async () => {
  const fetcher = createSubgraphFetcher({ timeoutMs: 5_000 });
  bodies.length = 0;
  try {
    expect((await fetcher.send(url, post('query First { a }'))).status).toBe(200);
    await expect(fetcher.send(url, post('mutation Pay { pay }'))).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(bodies.filter((body) => body.includes('mutation'))).toHaveLength(1);
  } finally {
    fetcher.close();
  }
});

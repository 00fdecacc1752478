import { Server, createServer } from 'node:http';
import { createSubgraphFetcher } from './subgraph-fetcher';

let server: Server;
let url: string;
let connections = 0;
let hang = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (hang) return;
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { echo: body, authorization: req.headers.authorization ?? null } }));
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createSubgraphFetcher', () => {
  it('sends method, headers and body, and reuses one kept-alive connection', async () => {
    const fetcher = createSubgraphFetcher({ timeoutMs: 5_000 });
    const before = connections;
    try {
      for (let i = 0; i < 5; i++) {
        const response = await fetcher.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer t' }, body: `{"n":${i}}` });
        expect(response.ok).toBe(true);
        expect(response.headers.get('content-type')).toBe('application/json');
        expect(await response.json()).toEqual({ data: { echo: `{"n":${i}}`, authorization: 'Bearer t' } });
      }
      expect(connections - before).toBe(1);
    } finally {
      fetcher.close();
    }
  });

  it('gives up on a subgraph that does not answer in time', async () => {
    const fetcher = createSubgraphFetcher({ timeoutMs: 200 });
    hang = true;
    try {
      await expect(fetcher.fetch(url, { method: 'POST', body: '{}' })).rejects.toThrow('no response within 200 ms');
    } finally {
      hang = false;
      fetcher.close();
    }
  });

  it('rejects when nothing listens', async () => {
    const fetcher = createSubgraphFetcher({ timeoutMs: 1_000 });
    try {
      await expect(fetcher.fetch('http://127.0.0.1:1/graphql', { method: 'POST', body: '{}' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      fetcher.close();
    }
  });
});

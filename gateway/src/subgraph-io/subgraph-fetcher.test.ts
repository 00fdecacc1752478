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
        const answer = await fetcher.send(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
          body: `{"n":${i}}`,
        });
        expect(answer.status).toBe(200);
        expect(answer.headers['content-type']).toBe('application/json');
        expect(JSON.parse(String(answer.body))).toEqual({ data: { echo: `{"n":${i}}`, authorization: 'Bearer t' } });
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
      await expect(fetcher.send(url, { method: 'POST', headers: {}, body: '{}' })).rejects.toThrow(
        'no response within 200 ms',
      );
    } finally {
      hang = false;
      fetcher.close();
    }
  });

  it('rejects when nothing listens', async () => {
    const fetcher = createSubgraphFetcher({ timeoutMs: 1_000 });
    try {
      await expect(
        fetcher.send('http://127.0.0.1:1/graphql', { method: 'POST', headers: {}, body: '{}' }),
      ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      fetcher.close();
    }
  });
});

describe('single flight', () => {
  const query = (text: string) => JSON.stringify({ query: text, variables: { id: '1' } });
  const headers = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });
  let requests = 0;
  let release: () => void = () => undefined;
  let slow: Server;
  let slowUrl: string;

  beforeAll(async () => {
    // Answers only when released, so every fetch of a test is in flight at once.
    slow = createServer((req, res) => {
      const n = (requests += 1);
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const answer = () =>
          res
            .setHeader('content-type', 'application/json')
            .end(JSON.stringify({ data: { n, body, authorization: req.headers.authorization } }));
        const previous = release;
        release = () => {
          previous();
          answer();
        };
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    slowUrl = `http://127.0.0.1:${(slow.address() as { port: number }).port}/graphql`;
  });
  afterAll(async () => {
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  });
  beforeEach(() => {
    requests = 0;
    release = () => undefined;
  });

  async function inFlight(
    fetcher: ReturnType<typeof createSubgraphFetcher>,
    inits: { body: string; headers: Record<string, string> }[],
    expectedRequests: number,
  ) {
    const pending = inits.map((init) => fetcher.send(slowUrl, { method: 'POST', ...init }));
    for (let waited = 0; requests < expectedRequests && waited < 2_000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    // Give a wrongly sent extra request the chance to arrive before releasing.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const answerAll = release;
    release = () => undefined;
    answerAll();
    return Promise.all(pending.map(async (answer) => JSON.parse(String((await answer).body))));
  }

  const product = query('query Op__catalog__0($id:ID!){product(id:$id){name}}');
  /** A single-flight fetcher and how many fetches joined one in flight so far. */
  function joiningFetcher() {
    const joins = { count: 0 };
    return {
      fetcher: createSubgraphFetcher({ timeoutMs: 5_000, singleFlight: true, onJoin: () => (joins.count += 1) }),
      joins,
    };
  }

  it('sends identical reads in flight once, every caller gets the whole answer, and nothing outlives the flight', async () => {
    const { fetcher, joins } = joiningFetcher();
    try {
      const answers = await inFlight(
        fetcher,
        Array.from({ length: 5 }, () => ({ body: product, headers: headers('a') })),
        1,
      );
      expect(requests).toBe(1);
      expect(joins.count).toBe(4);
      for (const answer of answers)
        expect(answer).toEqual({ data: { n: 1, body: product, authorization: 'Bearer a' } });
      // Answered: the same read again is a new round trip, not a cached answer.
      const [again] = await inFlight(fetcher, [{ body: product, headers: headers('a') }], 2);
      expect(again.data.n).toBe(2);
    } finally {
      fetcher.close();
    }
  });

  it('never joins other callers, other variables or writes', async () => {
    const { fetcher, joins } = joiningFetcher();
    const write = query('mutation Op__orders__0($input:CheckoutInput!){checkout(input:$input){order{id}}}');
    try {
      const answers = await inFlight(
        fetcher,
        [
          { body: product, headers: headers('a') },
          { body: product, headers: headers('b') },
          {
            body: JSON.stringify({
              query: 'query Op__catalog__0($id:ID!){product(id:$id){name}}',
              variables: { id: '2' },
            }),
            headers: headers('a'),
          },
          { body: write, headers: headers('a') },
          { body: write, headers: headers('a') },
        ],
        5,
      );
      expect(requests).toBe(5);
      expect(joins.count).toBe(0);
      expect(new Set(answers.map((answer) => answer.data.n)).size).toBe(5);
    } finally {
      fetcher.close();
    }
  });

  it('is off unless asked for', async () => {
    const fetcher = createSubgraphFetcher({ timeoutMs: 5_000 });
    try {
      await inFlight(
        fetcher,
        Array.from({ length: 3 }, () => ({ body: product, headers: headers('a') })),
        3,
      );
      expect(requests).toBe(3);
    } finally {
      fetcher.close();
    }
  });

  it('shares a failure with everyone waiting, then lets the next read try again', async () => {
    const { fetcher, joins } = joiningFetcher();
    try {
      const failing = Array.from({ length: 3 }, () =>
        fetcher.send('http://127.0.0.1:1/graphql', { method: 'POST', body: product, headers: headers('a') }),
      );
      for (const attempt of failing) await expect(attempt).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(joins.count).toBe(2);
      await expect(
        fetcher.send('http://127.0.0.1:1/graphql', { method: 'POST', body: product, headers: headers('a') }),
      ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(joins.count).toBe(2);
    } finally {
      fetcher.close();
    }
  });
});

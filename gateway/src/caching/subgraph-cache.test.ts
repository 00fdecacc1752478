import { Server, createServer } from 'node:http';
import { PublicCacheSettings, PublicDataCache } from './public-cache';
import { SubgraphAnswer, createSubgraphFetcher, publicMaxAgeSeconds } from '../subgraph-io/subgraph-fetcher';

/** The test subgraph answers with the Cache-Control its request names in `variables.cacheControl`, and `status` likewise. */
let server: Server;
let url: string;
let requests = 0;
/** Set to hold answers back until released (a read in flight while a change is announced). */
let gate: Promise<void> | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    const n = (requests += 1);
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => void Promise.resolve(gate).then(() => answer()));
    const answer = () => {
      const { variables } = JSON.parse(body) as {
        variables: { cacheControl?: string; status?: number; padding?: number };
      };
      if (variables.cacheControl) res.setHeader('cache-control', variables.cacheControl);
      res.statusCode = variables.status ?? 200;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          data: { n, authorization: req.headers.authorization ?? null, padding: 'x'.repeat(variables.padding ?? 0) },
        }),
      );
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = 0;
  gate = undefined;
});

const SETTINGS: PublicCacheSettings = { ttlSeconds: 60, maxEntries: 100, maxBytes: 100_000, maxEntryBytes: 10_000 };

/** A fetcher over a listening shared cache, and its lookups by result. */
function sharingFetcher(settings: Partial<PublicCacheSettings> = {}, singleFlight = true) {
  const cache = new PublicDataCache<SubgraphAnswer>({ ...SETTINGS, ...settings });
  cache.listen();
  const lookups = { hit: 0, miss: 0 };
  const fetcher = createSubgraphFetcher({
    timeoutMs: 5_000,
    singleFlight,
    sharedCache: cache,
    onCacheLookup: (result) => (lookups[result] += 1),
  });
  return { cache, lookups, fetcher };
}

const ENTITIES =
  'query Op__catalog__1($representations:[_Any!]!){_entities(representations:$representations){...on Product{name}}}';

function read(
  fetcher: ReturnType<typeof createSubgraphFetcher>,
  variables: Record<string, unknown>,
  token = 'a',
  query = ENTITIES,
) {
  return fetcher
    .send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    })
    .then((answer) => ({
      status: answer.status,
      cacheControl: answer.headers['cache-control'] ?? null,
      body: JSON.parse(String(answer.body)) as { data: { n: number; authorization: string } },
    }));
}

describe('shared cache of public subgraph answers', () => {
  it('serves an answer marked public to every viewer from one round trip', async () => {
    const { fetcher, lookups, cache } = sharingFetcher();
    try {
      const variables = { representations: [{ __typename: 'Product', id: 'p1' }], cacheControl: 'max-age=60, public' };
      const first = await read(fetcher, variables, 'alice');
      const second = await read(fetcher, variables, 'bob');
      const anonymous = await read(fetcher, variables, '');
      expect(requests).toBe(1);
      expect(second).toEqual(first);
      expect(anonymous).toEqual(first);
      expect(first.cacheControl).toBe('max-age=60, public');
      expect(lookups).toEqual({ hit: 2, miss: 1 });
      expect(cache.size).toBe(1);
      // Other variables are another read.
      await read(fetcher, { ...variables, representations: [{ __typename: 'Product', id: 'p2' }] }, 'alice');
      expect(requests).toBe(2);
    } finally {
      fetcher.close();
    }
  });

  it.each([
    ['no-store', 'no-store'],
    ['private', 'max-age=60, private'],
    ['no max-age', 'public'],
    ['max-age=0', 'max-age=0, public'],
    ['no Cache-Control', undefined],
  ])('never shares an answer with %s', async (_case, cacheControl) => {
    const { fetcher, cache } = sharingFetcher();
    try {
      const first = await read(fetcher, { cacheControl }, 'alice');
      const second = await read(fetcher, { cacheControl }, 'bob');
      expect(requests).toBe(2);
      expect(second.body.data).toEqual({ n: 2, authorization: 'Bearer bob', padding: '' });
      expect(first.body.data.authorization).toBe('Bearer alice');
      expect(cache.size).toBe(0);
    } finally {
      fetcher.close();
    }
  });

  it('never keeps a failed answer, a write or an answer over the size limit', async () => {
    const { fetcher, lookups, cache } = sharingFetcher({ maxEntryBytes: 500 });
    const publicAnswer = 'max-age=60, public';
    try {
      await read(fetcher, { cacheControl: publicAnswer, status: 503 });
      await read(fetcher, { cacheControl: publicAnswer, status: 503 });
      const write = 'mutation Op__orders__0($input:CheckoutInput!){checkout(input:$input){order{id}}}';
      await read(fetcher, { cacheControl: publicAnswer }, 'a', write);
      await read(fetcher, { cacheControl: publicAnswer }, 'a', write);
      await read(fetcher, { cacheControl: publicAnswer, padding: 1_000 });
      await read(fetcher, { cacheControl: publicAnswer, padding: 1_000 });
      expect(requests).toBe(6);
      expect(cache.size).toBe(0);
      // Writes are not even looked up.
      expect(lookups).toEqual({ hit: 0, miss: 4 });
    } finally {
      fetcher.close();
    }
  });

  it('keeps an answer no longer than its max-age, nor than the configured TTL', async () => {
    const now = jest.spyOn(Date, 'now');
    const start = Date.now();
    now.mockReturnValue(start);
    const { fetcher } = sharingFetcher({ ttlSeconds: 30 });
    try {
      await read(fetcher, { cacheControl: 'max-age=5, public' });
      await read(fetcher, { cacheControl: 'max-age=600, public' });
      now.mockReturnValue(start + 4_000);
      await read(fetcher, { cacheControl: 'max-age=5, public' });
      await read(fetcher, { cacheControl: 'max-age=600, public' });
      expect(requests).toBe(2);
      now.mockReturnValue(start + 6_000);
      await read(fetcher, { cacheControl: 'max-age=5, public' });
      expect(requests).toBe(3);
      now.mockReturnValue(start + 31_000);
      await read(fetcher, { cacheControl: 'max-age=600, public' });
      expect(requests).toBe(4);
    } finally {
      now.mockRestore();
      fetcher.close();
    }
  });

  it('drops everything on a change notice, and keeps nothing read while one arrived', async () => {
    const { fetcher, cache } = sharingFetcher();
    const variables = { cacheControl: 'max-age=60, public' };
    try {
      await read(fetcher, variables);
      cache.invalidate();
      expect(cache.size).toBe(0);
      await read(fetcher, variables);
      expect(requests).toBe(2);

      // A read answered after a notice that came while it was in flight may hold the old data.
      let open: () => void = () => undefined;
      gate = new Promise((resolve) => (open = resolve));
      const racing = read(fetcher, { ...variables, racing: true });
      for (let waited = 0; requests < 3 && waited < 2_000; waited += 10)
        await new Promise((resolve) => setTimeout(resolve, 10));
      cache.invalidate();
      open();
      await racing;
      await read(fetcher, { ...variables, racing: true });
      expect(requests).toBe(4);
    } finally {
      fetcher.close();
    }
  });

  it('keeps nothing until the change feed is listened to, and nothing when off', async () => {
    const waiting = new PublicDataCache<SubgraphAnswer>(SETTINGS);
    const off = new PublicDataCache<SubgraphAnswer>({ ...SETTINGS, ttlSeconds: 0 });
    for (const cache of [waiting, off]) {
      const fetcher = createSubgraphFetcher({ timeoutMs: 5_000, sharedCache: cache });
      try {
        await read(fetcher, { cacheControl: 'max-age=60, public' });
        await read(fetcher, { cacheControl: 'max-age=60, public' });
      } finally {
        fetcher.close();
      }
    }
    expect(requests).toBe(4);
  });

  it('works without single flight too', async () => {
    const { fetcher, lookups } = sharingFetcher({}, false);
    try {
      await read(fetcher, { cacheControl: 'max-age=60, public' }, 'a');
      await read(fetcher, { cacheControl: 'max-age=60, public' }, 'b');
      expect(requests).toBe(1);
      expect(lookups).toEqual({ hit: 1, miss: 1 });
    } finally {
      fetcher.close();
    }
  });
});

describe('publicMaxAgeSeconds', () => {
  const answer = (cacheControl: string | undefined, status = 200): SubgraphAnswer => ({
    status,
    headers: cacheControl === undefined ? {} : { 'cache-control': cacheControl },
    body: Buffer.from('{}'),
  });

  it.each([
    ['max-age=60, public', 60],
    ['public, max-age=30', 30],
    ['Public, Max-Age=45', 45],
    ['public, max-age=600, s-maxage=20', 20],
    ['max-age=60, private', 0],
    ['max-age=60', 0],
    ['public, max-age=60, no-cache', 0],
    ['no-store', 0],
    ['public, max-age=abc', 0],
    ['public, max-age=-5', 0],
  ])('%s → %d s', (header, seconds) => {
    expect(publicMaxAgeSeconds(answer(header))).toBe(seconds);
  });

  it('is 0 for a failed or empty answer', () => {
    expect(publicMaxAgeSeconds(answer('max-age=60, public', 500))).toBe(0);
    expect(publicMaxAgeSeconds({ ...answer('max-age=60, public'), body: null })).toBe(0);
    expect(publicMaxAgeSeconds(answer(undefined))).toBe(0);
  });
});

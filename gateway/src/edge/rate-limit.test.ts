import { RedisStore, Role } from '@marketplace/kit';
import { ProbeStack, TestGateway, startProbeStack, startTestGateway } from '../testing/stack';
import { sessionsRecorded } from '@marketplace/kit/testing';

/**
 * Every gateway here gets its own REDIS_KEY_PREFIX from the harness, so these run the same
 * with the in-memory store and with REDIS_URL set (counters never leak between tests or runs).
 * TRUST_PROXY lets a test choose its client IP with X-Forwarded-For.
 */

const WHOAMI = 'query Whoami { whoami { viewerId clientIp } }';
const REDIS_URL = process.env.REDIS_URL;

let stack: ProbeStack;

beforeAll(async () => {
  stack = await startProbeStack();
});

afterAll(async () => {
  await stack?.close();
});

async function withGateway(env: Record<string, string>, work: (gateway: TestGateway) => Promise<void>): Promise<void> {
  // Subgraph calls count the requests the limiter let through: identical reads must not share one.
  const gateway = await startTestGateway(stack.supergraphSdl, stack.dataDir, {
    TRUST_PROXY: 'true',
    SUBGRAPH_SINGLE_FLIGHT: 'false',
    ...env,
  });
  try {
    await work(gateway);
  } finally {
    await gateway.close();
  }
}

interface Sent {
  status: number;
  headers: Headers;
  body: {
    data?: { whoami: { viewerId: string | null; clientIp: string } } | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

async function send(
  gateway: TestGateway,
  options: { ip?: string; token?: string; authorization?: string; query?: string } = {},
): Promise<Sent> {
  const authorization = options.authorization ?? (options.token ? `Bearer ${options.token}` : undefined);
  await sessionsRecorded();
  const response = await fetch(gateway.gateway.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.ip ? { 'x-forwarded-for': options.ip } : {}),
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify({ query: options.query ?? WHOAMI }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Sent['body'] };
}

/** Subgraph requests made while `work` runs. */
async function subgraphCallsDuring<T>(work: () => Promise<T>): Promise<{ calls: number; result: T }> {
  const before = stack.stats.graphqlRequests;
  const result = await work();
  return { calls: stack.stats.graphqlRequests - before, result };
}

const rateLimitHeaders = (sent: Sent) => ({
  limit: sent.headers.get('ratelimit-limit'),
  remaining: sent.headers.get('ratelimit-remaining'),
  reset: sent.headers.get('ratelimit-reset'),
});

function expectServed(sent: Sent) {
  expect(sent.status).toBe(200);
  expect(sent.body.errors).toBeUndefined();
  expect(sent.body.data?.whoami).toBeDefined();
}

function expectRateLimited(sent: Sent) {
  expect(sent.status).toBe(429);
  expect(sent.body.data ?? null).toBeNull();
  expect(sent.body.errors).toHaveLength(1);
  const [error] = sent.body.errors!;
  expect(error.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
  const retryAfter = error.extensions!.retryAfterSeconds as number;
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(error.message).toBe(`Too many requests; try again in ${retryAfter} s`);
  expect(sent.headers.get('retry-after')).toBe(String(retryAfter));
  expect(sent.headers.get('ratelimit-remaining')).toBe('0');
  expect(sent.headers.get('ratelimit-reset')).toBe(String(retryAfter));
  expect(sent.headers.get('content-type')).toMatch(/^application\/json/);
}

describe('per-IP limit for anonymous clients', () => {
  it('sends RateLimit headers on every response, Remaining counting down', async () => {
    await withGateway({ RATE_LIMIT_PER_IP_PER_MINUTE: '5' }, async (gateway) => {
      const sent = [];
      for (let i = 0; i < 3; i += 1) sent.push(await send(gateway, { ip: '198.51.100.1' }));
      sent.forEach(expectServed);
      expect(sent.map((s) => rateLimitHeaders(s).limit)).toEqual(['5', '5', '5']);
      expect(sent.map((s) => rateLimitHeaders(s).remaining)).toEqual(['4', '3', '2']);
      for (const s of sent) {
        const reset = Number(rateLimitHeaders(s).reset);
        expect(reset).toBeGreaterThanOrEqual(1);
        expect(reset).toBeLessThanOrEqual(60);
        expect(s.headers.get('retry-after')).toBeNull();
      }
    });
  });

  it('refuses the request past the limit with 429 RATE_LIMITED and Retry-After, calling no subgraph', async () => {
    await withGateway({ RATE_LIMIT_PER_IP_PER_MINUTE: '3' }, async (gateway) => {
      for (let i = 0; i < 3; i += 1) expectServed(await send(gateway, { ip: '198.51.100.2' }));
      const { calls, result } = await subgraphCallsDuring(async () => [
        await send(gateway, { ip: '198.51.100.2' }),
        await send(gateway, { ip: '198.51.100.2' }),
      ]);
      expect(calls).toBe(0);
      result.forEach(expectRateLimited);
      expect(rateLimitHeaders(result[0]).limit).toBe('3');
      // One log line per subject and window, however many refusals follow.
      const refusals = gateway.logs.records().filter((record) => record.msg === 'graphql requests rate limited');
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatchObject({ rateLimitSubject: 'ip:198.51.100.2', limit: 3, level: 'info' });
    });
  });

  it('counts two IPs independently', async () => {
    await withGateway({ RATE_LIMIT_PER_IP_PER_MINUTE: '2' }, async (gateway) => {
      expectServed(await send(gateway, { ip: '203.0.113.10' }));
      expectServed(await send(gateway, { ip: '203.0.113.10' }));
      expectRateLimited(await send(gateway, { ip: '203.0.113.10' }));

      const other = [await send(gateway, { ip: '203.0.113.11' }), await send(gateway, { ip: '203.0.113.11' })];
      other.forEach(expectServed);
      expect(other.map((s) => rateLimitHeaders(s).remaining)).toEqual(['1', '0']);
      expect(other[0].body.data?.whoami.clientIp).toBe('203.0.113.11');
      expectRateLimited(await send(gateway, { ip: '203.0.113.11' }));
    });
  });

  it('uses the socket address without TRUST_PROXY, ignoring X-Forwarded-For', async () => {
    await withGateway({ TRUST_PROXY: 'false', RATE_LIMIT_PER_IP_PER_MINUTE: '2' }, async (gateway) => {
      expectServed(await send(gateway, { ip: '192.0.2.1' }));
      expectServed(await send(gateway, { ip: '192.0.2.2' }));
      expectRateLimited(await send(gateway, { ip: '192.0.2.3' }));
    });
  });

  it('counts a request with a bad token against its IP before refusing the token', async () => {
    await withGateway({ RATE_LIMIT_PER_IP_PER_MINUTE: '2' }, async (gateway) => {
      const bad = await send(gateway, { ip: '198.51.100.3', authorization: 'Bearer not-a-jwt' });
      expect(bad.status).toBe(401);
      expect(bad.body.errors?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
      expect(rateLimitHeaders(bad)).toMatchObject({ limit: '2', remaining: '1' });
      expectServed(await send(gateway, { ip: '198.51.100.3' }));
      const { calls, result } = await subgraphCallsDuring(() =>
        send(gateway, { ip: '198.51.100.3', authorization: 'Bearer not-a-jwt' }),
      );
      expect(calls).toBe(0);
      expectRateLimited(result);
    });
  });
});

describe('per-user limit for signed-in clients', () => {
  it('counts by user id whatever the IP, apart from the IP’s anonymous budget and from other users', async () => {
    await withGateway({ RATE_LIMIT_PER_USER_PER_MINUTE: '4', RATE_LIMIT_PER_IP_PER_MINUTE: '2' }, async (gateway) => {
      const alice = stack.signer.sign({ id: 'user-alice', role: Role.CUSTOMER });
      // Three from one IP: past that IP's limit of 2, so the user's own limit is what applies.
      const sent = [
        await send(gateway, { token: alice, ip: '198.51.100.20' }),
        await send(gateway, { token: alice, ip: '198.51.100.20' }),
        await send(gateway, { token: alice, ip: '198.51.100.20' }),
        await send(gateway, { token: alice, ip: '198.51.100.21' }),
      ];
      sent.forEach(expectServed);
      expect(sent[0].body.data?.whoami.viewerId).toBe('user-alice');
      expect(sent.map((s) => rateLimitHeaders(s))).toEqual(
        ['3', '2', '1', '0'].map((remaining) => ({ limit: '4', remaining, reset: expect.stringMatching(/^\d+$/) })),
      );

      // A fresh IP does not help: the user is out of requests.
      const { calls, result } = await subgraphCallsDuring(() => send(gateway, { token: alice, ip: '198.51.100.99' }));
      expect(calls).toBe(0);
      expectRateLimited(result);
      expect(rateLimitHeaders(result).limit).toBe('4');

      // Anonymous requests from the IP alice used are counted on their own, and so is another user.
      const anonymous = await send(gateway, { ip: '198.51.100.20' });
      expectServed(anonymous);
      expect(rateLimitHeaders(anonymous)).toMatchObject({ limit: '2', remaining: '1' });
      const bob = await send(gateway, {
        token: stack.signer.sign({ id: 'user-bob', role: Role.CUSTOMER }),
        ip: '198.51.100.20',
      });
      expectServed(bob);
      expect(rateLimitHeaders(bob)).toMatchObject({ limit: '4', remaining: '3' });
    });
  });
});

describe('concurrency', () => {
  it('lets exactly the limit through when 40 requests arrive at once', async () => {
    await withGateway({ RATE_LIMIT_PER_IP_PER_MINUTE: '10' }, async (gateway) => {
      const { calls, result } = await subgraphCallsDuring(() =>
        Promise.all(Array.from({ length: 40 }, () => send(gateway, { ip: '198.51.100.40' }))),
      );
      const served = result.filter((s) => s.status === 200);
      const refused = result.filter((s) => s.status === 429);
      expect(served).toHaveLength(10);
      expect(refused).toHaveLength(30);
      expect(calls).toBe(10);
      served.forEach(expectServed);
      refused.forEach(expectRateLimited);
      // Each served request got its own count.
      expect(served.map((s) => Number(rateLimitHeaders(s).remaining)).sort((a, b) => a - b)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ]);
    });
  });
});

describe('configuration', () => {
  it('applies no limit and sends no RateLimit headers with RATE_LIMIT_ENABLED=false', async () => {
    await withGateway({ RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_PER_IP_PER_MINUTE: '1' }, async (gateway) => {
      const { calls, result } = await subgraphCallsDuring(() =>
        Promise.all(Array.from({ length: 5 }, () => send(gateway, { ip: '198.51.100.50' }))),
      );
      expect(calls).toBe(5);
      for (const sent of result) {
        expectServed(sent);
        expect(rateLimitHeaders(sent)).toEqual({ limit: null, remaining: null, reset: null });
      }
      const health = (await (await fetch(new URL('/health', gateway.gateway.url))).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'ok', checks: {} });
    });
  });

  it('lets browsers read the RateLimit headers and Retry-After (CORS)', async () => {
    await withGateway({}, async (gateway) => {
      const response = await fetch(gateway.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://localhost:5173' },
        body: JSON.stringify({ query: WHOAMI }),
      });
      const exposed = (response.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/);
      expect(exposed).toEqual(
        expect.arrayContaining(['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']),
      );
      expect(response.headers.get('ratelimit-limit')).toBe('300');
    });
  });

  it('reports the store in /health', async () => {
    await withGateway({}, async (gateway) => {
      const response = await fetch(new URL('/health', gateway.gateway.url));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        status: 'ok',
        checks: { store: { ok: true } },
        subgraphs: { probe: { ready: true } },
      });
    });
  });
});

// Where the counters live is a Redis-only question; CI always sets REDIS_URL, so this always runs there.
if (REDIS_URL) {
  describe('with Redis', () => {
    it('keeps its Redis counters under REDIS_KEY_PREFIX', async () => {
      const prefix = `test:gateway:prefix-check:${process.pid}:${Date.now()}`;
      await withGateway({ REDIS_KEY_PREFIX: prefix }, async (gateway) => {
        expectServed(await send(gateway, { ip: '198.51.100.60' }));
        expectServed(await send(gateway, { ip: '198.51.100.60' }));
      });
      const store = new RedisStore(REDIS_URL, `${prefix}:gateway`);
      try {
        const { count, resetInMs } = await store.count('ratelimit:requests:ip:198.51.100.60');
        expect(count).toBe(2);
        expect(resetInMs).toBeGreaterThan(50_000);
        await store.delete('ratelimit:requests:ip:198.51.100.60');
      } finally {
        await store.close();
      }
    });
  });
}

describe('when the store is down', () => {
  it('fails open: requests are served, without RateLimit headers, with one warning and a degraded /health', async () => {
    await withGateway(
      { REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_PER_IP_PER_MINUTE: '1', HEALTH_TIMEOUT_MS: '500' },
      async (gateway) => {
        const startedAt = Date.now();
        const sent = [];
        for (let i = 0; i < 4; i += 1) sent.push(await send(gateway, { ip: '198.51.100.70' }));
        sent.push(...(await Promise.all(Array.from({ length: 4 }, () => send(gateway, { ip: '198.51.100.70' })))));
        expect(Date.now() - startedAt).toBeLessThan(5_000);
        for (const s of sent) {
          expectServed(s);
          expect(rateLimitHeaders(s)).toEqual({ limit: null, remaining: null, reset: null });
        }

        const warnings = gateway.logs
          .records()
          .filter(
            (record) =>
              record.msg === 'rate limit store unavailable: allowing requests without rate limits (fail open)',
          );
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatchObject({ level: 'warn', component: 'rate-limit' });

        const health = await fetch(new URL('/health', gateway.gateway.url));
        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({
          status: 'degraded',
          checks: { store: { ok: false, error: expect.any(String) } },
          subgraphs: { probe: { ready: true } },
        });
      },
    );
  });
});

import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { AppError } from './errors';
import { KeyValueStore, MemoryStore, RateLimiter, RedisStore } from './store';
import { readinessChecks } from './subgraph';

/**
 * Every store behaviour runs against MemoryStore, and against RedisStore when REDIS_URL is
 * set (CI always sets it, so the real Redis path is proven there).
 */
const REDIS_URL = process.env.REDIS_URL;
const runId = `test:kit:${process.pid}:${randomBytes(4).toString('hex')}`;
let namespaces = 0;
const opened: KeyValueStore[] = [];

function open(kind: 'memory' | 'redis'): KeyValueStore {
  namespaces += 1;
  const store = kind === 'memory' ? new MemoryStore() : new RedisStore(REDIS_URL!, `${runId}:${namespaces}`);
  opened.push(store);
  return store;
}

afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  if (!REDIS_URL) return;
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${runId}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rateLimitError(attempt: Promise<unknown>): Promise<AppError> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected RATE_LIMITED, got ${String(error)}`);
  return error;
}

const kinds: ('memory' | 'redis')[] = REDIS_URL ? ['memory', 'redis'] : ['memory'];

describe.each(kinds)('%s store', (kind) => {
  let store: KeyValueStore;
  beforeEach(() => {
    store = open(kind);
  });

  it('counts increments inside the window and reports when it resets', async () => {
    expect(await store.count('k')).toEqual({ count: 0, resetInMs: 0 });
    expect((await store.increment('k', 60_000)).count).toBe(1);
    const second = await store.increment('k', 60_000);
    expect(second.count).toBe(2);
    expect(second.resetInMs).toBeGreaterThan(59_000);
    expect(second.resetInMs).toBeLessThanOrEqual(60_000);
    expect((await store.count('k')).count).toBe(2);
  });

  it('keeps the window fixed from the first increment, then starts over when it expires', async () => {
    await store.increment('w', 300);
    await sleep(150);
    const later = await store.increment('w', 300);
    expect(later.count).toBe(2);
    expect(later.resetInMs).toBeLessThanOrEqual(160);
    await sleep(250);
    expect(await store.count('w')).toEqual({ count: 0, resetInMs: 0 });
    const fresh = await store.increment('w', 300);
    expect(fresh.count).toBe(1);
    expect(fresh.resetInMs).toBeGreaterThan(200);
  });

  it('deletes a counter', async () => {
    await store.increment('d', 60_000);
    await store.delete('d');
    expect((await store.count('d')).count).toBe(0);
    expect((await store.increment('d', 60_000)).count).toBe(1);
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('hands out every count exactly once when 50 increments race', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => store.increment('race', 60_000)));
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('keeps keys apart, and stores apart when their namespaces differ', async () => {
    const other = open(kind);
    await store.increment('shared', 60_000);
    await store.increment('shared', 60_000);
    await store.increment('other-key', 60_000);
    await other.increment('shared', 60_000);
    expect((await store.count('shared')).count).toBe(2);
    expect((await store.count('other-key')).count).toBe(1);
    expect((await other.count('shared')).count).toBe(1);
  });

  describe('values', () => {
    it('sets, reads and replaces a value', async () => {
      expect(await store.get('v')).toBeNull();
      await store.set('v', 'one', 60_000);
      expect(await store.get('v')).toBe('one');
      await store.set('v', '{"json":true}', 60_000);
      expect(await store.get('v')).toBe('{"json":true}');
    });

    it('forgets a value after its TTL', async () => {
      await store.set('short', 'x', 150);
      expect(await store.get('short')).toBe('x');
      await sleep(250);
      expect(await store.get('short')).toBeNull();
      expect(await store.getMany(['short'])).toEqual([null]);
    });

    it('reads many values in key order, missing ones as null', async () => {
      await store.set('a', '1', 60_000);
      await store.set('c', '3', 60_000);
      expect(await store.getMany(['c', 'missing', 'a', 'c'])).toEqual(['3', null, '1', '3']);
      expect(await store.getMany([])).toEqual([]);
    });

    it('reads a counter as its decimal string (version counters)', async () => {
      await store.increment('version', 60_000);
      await store.increment('version', 60_000);
      expect(await store.get('version')).toBe('2');
      expect(await store.getMany(['version', 'unbumped'])).toEqual(['2', null]);
    });

    it('deletes a value', async () => {
      await store.set('gone', 'x', 60_000);
      await store.delete('gone');
      expect(await store.get('gone')).toBeNull();
    });

    it('keeps values of stores with different namespaces apart', async () => {
      const other = open(kind);
      await store.set('same', 'mine', 60_000);
      await other.set('same', 'theirs', 60_000);
      expect(await store.get('same')).toBe('mine');
      expect(await other.getMany(['same'])).toEqual(['theirs']);
    });

    it('keeps unicode and large values intact', async () => {
      const value = `Ünïcødé ✓ ${'x'.repeat(100_000)}`;
      await store.set('big', value, 60_000);
      expect(await store.get('big')).toBe(value);
    });
  });

  describe('RateLimiter', () => {
    it('consume lets `limit` attempts through, then refuses with retryAfterSeconds', async () => {
      const limiter = new RateLimiter(store, { name: 'login', limit: 3, windowMs: 90_000 });
      for (let i = 0; i < 3; i += 1) await limiter.consume('alice');
      const error = await rateLimitError(limiter.consume('alice'));
      expect(error.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 90 });
      expect(error.message).toBe('Too many attempts; try again in 90 s');
      // Refused attempts count too: hammering does not shorten the wait.
      expect((await rateLimitError(limiter.consume('alice'))).extensions.code).toBe('RATE_LIMITED');
    });

    it('lets exactly `limit` of 50 concurrent attempts through', async () => {
      const limiter = new RateLimiter(store, { name: 'burst', limit: 10, windowMs: 60_000 });
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => limiter.consume('bob')));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(refused).toHaveLength(40);
      for (const { reason } of refused)
        expect(reason).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 60 } });
    });

    it('allows attempts again once the window expires', async () => {
      const limiter = new RateLimiter(store, { name: 'short', limit: 1, windowMs: 200 });
      await limiter.consume('carol');
      const error = await rateLimitError(limiter.consume('carol'));
      expect(error.extensions.retryAfterSeconds).toBe(1);
      await sleep(300);
      await expect(limiter.consume('carol')).resolves.toBeUndefined();
    });

    it('check refuses once `limit` hits were recorded; reset clears them', async () => {
      const limiter = new RateLimiter(store, { name: 'failures', limit: 2, windowMs: 60_000 });
      await limiter.check('10.0.0.1');
      await limiter.hit('10.0.0.1');
      await limiter.check('10.0.0.1');
      await limiter.hit('10.0.0.1');
      expect((await rateLimitError(limiter.check('10.0.0.1'))).extensions.code).toBe('RATE_LIMITED');
      await limiter.reset('10.0.0.1');
      await expect(limiter.check('10.0.0.1')).resolves.toBeUndefined();
    });

    it('keeps subjects, rules and namespaces apart', async () => {
      const login = new RateLimiter(store, { name: 'login', limit: 1, windowMs: 60_000 });
      const reset = new RateLimiter(store, { name: 'reset', limit: 1, windowMs: 60_000 });
      const elsewhere = new RateLimiter(open(kind), { name: 'login', limit: 1, windowMs: 60_000 });
      await login.consume('dave');
      await expect(login.consume('erin')).resolves.toBeUndefined();
      await expect(reset.consume('dave')).resolves.toBeUndefined();
      await expect(elsewhere.consume('dave')).resolves.toBeUndefined();
      expect((await rateLimitError(login.consume('dave'))).extensions.code).toBe('RATE_LIMITED');
    });
  });
});

if (REDIS_URL) {
  describe('RedisStore keys', () => {
    it('live under the namespace prefix and carry the window as TTL', async () => {
      const namespace = `${runId}:prefix`;
      const store = new RedisStore(REDIS_URL, namespace);
      opened.push(store);
      await new RateLimiter(store, { name: 'login', limit: 5, windowMs: 60_000 }).consume('frank');
      const redis = new Redis(REDIS_URL);
      try {
        expect(await redis.keys(`${namespace}:*`)).toEqual([`${namespace}:ratelimit:login:frank`]);
        const ttl = await redis.pttl(`${namespace}:ratelimit:login:frank`);
        expect(ttl).toBeGreaterThan(59_000);
        expect(ttl).toBeLessThanOrEqual(60_000);
      } finally {
        await redis.quit();
      }
    });
  });
}

describe('RedisStore without a reachable server', () => {
  it('fails its commands (no crash) and is reported not ready', async () => {
    const store = new RedisStore('redis://127.0.0.1:1', `${runId}:down`);
    try {
      await expect(store.increment('k', 1000)).rejects.toThrow();
      const readiness = await readinessChecks({ store: () => store.ping() }, 2_000);
      expect(readiness.ready).toBe(false);
      expect(readiness.checks.store).toEqual({ ok: false, error: expect.any(String) });
    } finally {
      await store.close();
    }
  });
});

describe('MemoryStore housekeeping', () => {
  it('drops expired entries it is never asked about again', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 999; i += 1) await store.set(`old:${i}`, 'x', 1);
    await sleep(5);
    await store.set('fresh', 'y', 60_000); // the 1,000th write sweeps
    const entries = (store as unknown as { entries: Map<string, unknown> }).entries;
    expect([...entries.keys()]).toEqual(['fresh']);
  });
});

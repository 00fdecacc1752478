import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { KeyValueStore, MemoryStore, RedisStore, createLogger } from '@marketplace/kit';
import { LogCapture } from '@marketplace/kit/testing';
import type { EntityManager } from 'typeorm';
import type { AfterCommit } from '@marketplace/kit';
import { CacheCodec, STOREFRONT_VERSION_KEY, StorefrontCache, productVersionKey } from './storefront-cache';

/** The cache's own rules, on the memory store and (when REDIS_URL is set) on Redis. */
const REDIS_URL = process.env.REDIS_URL;
const namespace = `test:catalog-cache:${process.pid}:${randomBytes(4).toString('hex')}`;
const opened: KeyValueStore[] = [];
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  if (!REDIS_URL) return;
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

/** Runs after-commit work at once: these tests have no transactions. */
const immediately = {
  run: (_manager: EntityManager, work: () => Promise<void>) => void work(),
} as unknown as AfterCommit;
const noManager = {} as EntityManager;
const codec: CacheCodec<{ name: string }> = { encode: (v) => v, decode: (raw: { name: string }) => raw };
const PRODUCT = '00000000-0000-4000-8000-000000000001';

describe.each(REDIS_URL ? ['memory', 'redis'] : ['memory'])('%s store', (kind) => {
  let store: KeyValueStore;
  let cache: StorefrontCache;
  let loads: string[];
  beforeEach(() => {
    store = kind === 'memory' ? new MemoryStore() : new RedisStore(REDIS_URL!, `${namespace}:${opened.length}`);
    opened.push(store);
    cache = new StorefrontCache(store, 60, immediately, createLogger({ name: 'test', level: 'silent' }));
    loads = [];
  });

  const read = (name: string, value: string, productId?: string) =>
    cache.read({ name, productId }, codec, async () => {
      loads.push(name);
      return { name: value };
    });

  it('loads a miss once, then answers from the store', async () => {
    expect(await read('a', 'first')).toEqual({ name: 'first' });
    expect(await read('a', 'second')).toEqual({ name: 'first' });
    expect(loads).toEqual(['a']);
  });

  it('loads only the misses of a batch, in one call, in key order', async () => {
    await read('b', 'cached');
    const calls: number[][] = [];
    const values = await cache.readMany([{ name: 'x' }, { name: 'b' }, { name: 'y' }], codec, async (missing) => {
      calls.push(missing);
      return missing.map((i) => ({ name: `loaded-${i}` }));
    });
    expect(values).toEqual([{ name: 'loaded-0' }, { name: 'cached' }, { name: 'loaded-2' }]);
    expect(calls).toEqual([[0, 2]]);
  });

  it('stores neither nulls nor what `keep` refuses', async () => {
    const nothing = () => cache.read({ name: 'n' }, codec, async () => (loads.push('n'), null));
    await nothing();
    await nothing();
    const refused = () =>
      cache.read(
        { name: 'r' },
        codec,
        async () => (loads.push('r'), { name: 'draft' }),
        (v) => v.name !== 'draft',
      );
    await refused();
    await refused();
    expect(loads).toEqual(['n', 'n', 'r', 'r']);
  });

  it("a product change supersedes that product's entries only; a storefront change supersedes all", async () => {
    await read('p', 'old', PRODUCT);
    await read('other', 'old', '00000000-0000-4000-8000-000000000002');
    await read('global', 'old');
    cache.productChanged(noManager, PRODUCT);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await read('p', 'new', PRODUCT)).toEqual({ name: 'new' });
    expect(await read('other', 'new', '00000000-0000-4000-8000-000000000002')).toEqual({ name: 'old' });
    expect(await read('global', 'new')).toEqual({ name: 'old' });
    await cache.bump(STOREFRONT_VERSION_KEY);
    expect(await read('other', 'newest', '00000000-0000-4000-8000-000000000002')).toEqual({ name: 'newest' });
    expect(await read('global', 'newest')).toEqual({ name: 'newest' });
  });

  it('never serves a value read before a change that committed while it was being read', async () => {
    // The reader takes the versions, then the database answers the old state, then the writer
    // commits and bumps, then the reader stores what it read: under a version nobody reads any more.
    const stale = await cache.read({ name: 'race', productId: PRODUCT }, codec, async () => {
      await cache.bump(productVersionKey(PRODUCT));
      return { name: 'before the change' };
    });
    expect(stale).toEqual({ name: 'before the change' }); // that one request saw the old state…
    expect(await read('race', 'after the change', PRODUCT)).toEqual({ name: 'after the change' }); // …the next does not
  });

  it('is off with a TTL of 0: every read loads', async () => {
    const off = new StorefrontCache(store, 0, immediately, createLogger({ name: 'test', level: 'silent' }));
    for (let i = 0; i < 2; i += 1)
      await off.read({ name: 'off' }, codec, async () => (loads.push('off'), { name: 'x' }));
    expect(loads).toEqual(['off', 'off']);
  });
});

it('falls back to the database while the store is down, warning once per 10 s', async () => {
  const logs = new LogCapture();
  const down = new RedisStore('redis://127.0.0.1:1', `${namespace}:down`);
  opened.push(down);
  const cache = new StorefrontCache(
    down,
    60,
    immediately,
    createLogger({ name: 'test', level: 'info', destination: logs }),
  );
  let loads = 0;
  for (let i = 0; i < 3; i += 1)
    expect(await cache.read({ name: 'x' }, codec, async () => ((loads += 1), { name: 'from db' }))).toEqual({
      name: 'from db',
    });
  await cache.bump(STOREFRONT_VERSION_KEY); // a failed bump is logged, not thrown
  expect(loads).toBe(3);
  expect(
    logs.records().filter((r) => r.msg === 'storefront cache unavailable; reading from the database'),
  ).toHaveLength(1);
});

import { KeyValueStore, MemoryStore, createLogger } from '@marketplace/kit';
import { LogCapture } from '@marketplace/kit/testing';
import { OUTAGE_WARNING_INTERVAL_MS, RequestRateLimiter, STORE_RETRY_AFTER_FAILURE_MS } from './rate-limit';

/** The limiter alone, on a clock the test moves: how it fails open while its store is down, and recovers. */
describe('RequestRateLimiter against a failing store', () => {
  const settings = { enabled: true, perUserPerMinute: 2, perIpPerMinute: 1 };

  function limiterWith(store: KeyValueStore, clock: { now: number }) {
    const logs = new LogCapture();
    const limiter = new RequestRateLimiter(store, settings, {
      log: createLogger({ name: 'gateway', level: 'info', destination: logs }),
      now: () => clock.now,
      storeTimeoutMs: 50,
    });
    return { limiter, warnings: () => logs.records().filter((record) => record.level === 'warn') };
  }

  class BrokenStore extends MemoryStore {
    calls = 0;
    constructor(private readonly behaviour: 'reject' | 'hang') {
      super();
    }
    override increment(): Promise<{ count: number; resetInMs: number }> {
      this.calls += 1;
      return this.behaviour === 'reject' ? Promise.reject(new Error('ECONNREFUSED')) : new Promise(() => undefined);
    }
  }

  it('allows requests and warns at most once per 10 s', async () => {
    const clock = { now: 1_000_000 };
    const store = new BrokenStore('reject');
    const { limiter, warnings } = limiterWith(store, clock);
    expect(await limiter.consume({ kind: 'ip', address: '10.0.0.1' })).toBeNull();
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ reason: 'ECONNREFUSED', requestsAllowedUnlimited: 1 });

    // Within the retry pause the store is not even asked.
    expect(await limiter.consume({ kind: 'ip', address: '10.0.0.1' })).toBeNull();
    expect(store.calls).toBe(1);

    for (
      let elapsed = STORE_RETRY_AFTER_FAILURE_MS;
      elapsed < OUTAGE_WARNING_INTERVAL_MS;
      elapsed += STORE_RETRY_AFTER_FAILURE_MS
    ) {
      clock.now = 1_000_000 + elapsed;
      expect(await limiter.consume({ kind: 'user', id: 'u1' })).toBeNull();
    }
    expect(store.calls).toBe(10);
    expect(warnings()).toHaveLength(1);

    clock.now = 1_000_000 + OUTAGE_WARNING_INTERVAL_MS;
    expect(await limiter.consume({ kind: 'ip', address: '10.0.0.1' })).toBeNull();
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]).toMatchObject({ requestsAllowedUnlimited: 11 });
  });

  it('does not wait for a store that hangs longer than its timeout', async () => {
    const { limiter, warnings } = limiterWith(new BrokenStore('hang'), { now: 0 });
    const startedAt = Date.now();
    expect(await limiter.consume({ kind: 'ip', address: '10.0.0.2' })).toBeNull();
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(warnings()[0]).toMatchObject({ reason: 'no answer within 50 ms' });
  });

  it('counts again once the store is back', async () => {
    const clock = { now: 0 };
    let down = true;
    const memory = new MemoryStore();
    const flaky: KeyValueStore = Object.assign(Object.create(memory), {
      increment: (key: string, windowMs: number) =>
        down ? Promise.reject(new Error('down')) : memory.increment(key, windowMs),
    });
    const { limiter } = limiterWith(flaky, clock);
    expect(await limiter.consume({ kind: 'user', id: 'u2' })).toBeNull();
    down = false;
    expect(await limiter.consume({ kind: 'user', id: 'u2' })).toBeNull();
    clock.now = STORE_RETRY_AFTER_FAILURE_MS;
    expect(await limiter.consume({ kind: 'user', id: 'u2' })).toMatchObject({
      allowed: true,
      limit: 2,
      remaining: 1,
      count: 1,
    });
    expect(await limiter.consume({ kind: 'user', id: 'u2' })).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume({ kind: 'user', id: 'u2' })).toMatchObject({ allowed: false, remaining: 0, count: 3 });
  });
});

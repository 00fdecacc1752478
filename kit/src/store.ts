import Redis from 'ioredis';
import { rateLimited } from './errors';

/**
 * The small slice of Redis the supergraph needs. Redis when `REDIS_URL` is set; an
 * in-memory stand-in for the single-process embedded mode.
 */
export interface KeyValueStore {
  /** Adds one to a counter that expires `windowMs` after its first increment. */
  increment(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  count(key: string): Promise<{ count: number; resetInMs: number }>;
  /** A value (a counter reads as its decimal string), or null when there is none or it expired. */
  get(key: string): Promise<string | null>;
  /** Many values in one round trip, in the order of `keys`. */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  /** Stores a value that expires after `ttlMs`, replacing whatever the key held. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /**
   * Stores `value` unless the key holds a larger number (atomically), renews its expiry to
   * `ttlMs` either way and returns the number it holds: writers racing never move it back.
   */
  raise(key: string, value: number, ttlMs: number): Promise<number>;
  delete(key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createStore(redisUrl: string | undefined, namespace: string): KeyValueStore {
  return redisUrl ? new RedisStore(redisUrl, namespace) : new MemoryStore();
}

const REDIS_DISCONNECT_TIMEOUT_MS = 200;

/** KEYS[1] becomes max(its number, ARGV[1]) with expiry ARGV[2] ms, in one step. */
const RAISE_SCRIPT = `
local held = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local wanted = tonumber(ARGV[1])
if wanted > held then held = wanted end
redis.call('SET', KEYS[1], held, 'PX', ARGV[2])
return held`;

export class RedisStore implements KeyValueStore {
  private readonly redis: Redis;

  constructor(url: string, namespace: string) {
    this.redis = new Redis(url, {
      keyPrefix: `${namespace}:`,
      maxRetriesPerRequest: 2,
      // ioredis otherwise keeps the process alive 2 s after close() to destroy a dead socket.
      disconnectTimeout: REDIS_DISCONNECT_TIMEOUT_MS,
    });
    // Errors surface on the commands that fail and on /ready; an unhandled 'error' event would crash the process.
    this.redis.on('error', () => undefined);
  }

  async increment(key: string, windowMs: number) {
    const result = await this.redis.multi().incr(key).pexpire(key, windowMs, 'NX').pttl(key).exec();
    if (!result) throw new Error('redis transaction aborted');
    const [[incrError, count], , [ttlError, ttl]] = result;
    if (incrError) throw incrError;
    if (ttlError) throw ttlError;
    return { count: Number(count), resetInMs: Math.max(0, Number(ttl)) };
  }

  async count(key: string) {
    const [count, ttl] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    return { count: Number(count ?? 0), resetInMs: Math.max(0, ttl) };
  }

  async get(key: string) {
    return this.redis.get(key);
  }

  async getMany(keys: readonly string[]) {
    return keys.length === 0 ? [] : this.redis.mget(...keys);
  }

  async set(key: string, value: string, ttlMs: number) {
    await this.redis.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async raise(key: string, value: number, ttlMs: number) {
    return Number(await this.redis.eval(RAISE_SCRIPT, 1, key, value, Math.max(1, Math.ceil(ttlMs))));
  }

  async delete(key: string) {
    await this.redis.del(key);
  }

  async ping() {
    await this.redis.ping();
  }

  async close() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Expired entries are dropped when read, and all of them every this many writes. */
const MEMORY_SWEEP_EVERY_WRITES = 1_000;

export class MemoryStore implements KeyValueStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private writes = 0;

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private wrote() {
    this.writes += 1;
    if (this.writes % MEMORY_SWEEP_EVERY_WRITES !== 0) return;
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  async increment(key: string, windowMs: number) {
    const entry = this.live(key) ?? { value: '0', expiresAt: Date.now() + windowMs };
    const count = (Number.parseInt(entry.value, 10) || 0) + 1;
    entry.value = String(count);
    this.entries.set(key, entry);
    this.wrote();
    return { count, resetInMs: entry.expiresAt - Date.now() };
  }

  async count(key: string) {
    const entry = this.live(key);
    return { count: entry ? Number(entry.value) || 0 : 0, resetInMs: entry ? entry.expiresAt - Date.now() : 0 };
  }

  async get(key: string) {
    return this.live(key)?.value ?? null;
  }

  async getMany(keys: readonly string[]) {
    return keys.map((key) => this.live(key)?.value ?? null);
  }

  async set(key: string, value: string, ttlMs: number) {
    this.entries.set(key, { value, expiresAt: Date.now() + Math.max(1, ttlMs) });
    this.wrote();
  }

  async raise(key: string, value: number, ttlMs: number) {
    const held = Math.max(Number(this.live(key)?.value ?? 0) || 0, value);
    await this.set(key, String(held), ttlMs);
    return held;
  }

  async delete(key: string) {
    this.entries.delete(key);
  }

  async ping() {}

  async close() {
    this.entries.clear();
  }
}

export interface RateLimitRule {
  /** Counter family, e.g. `login-ip`. */
  name: string;
  limit: number;
  windowMs: number;
}

/** Fixed-window limiter: `check` refuses once `limit` hits happened in the window. */
export class RateLimiter {
  constructor(
    private readonly store: KeyValueStore,
    private readonly rule: RateLimitRule,
  ) {}

  /** Hits allowed per window. */
  get limit(): number {
    return this.rule.limit;
  }

  private key(subject: string) {
    return `ratelimit:${this.rule.name}:${subject}`;
  }

  async check(subject: string): Promise<void> {
    const { count, resetInMs } = await this.store.count(this.key(subject));
    if (count >= this.rule.limit) throw rateLimited(Math.max(1, Math.ceil(resetInMs / 1000)));
  }

  /** Counts one attempt without refusing it; returns the count in the window (this one included). */
  async hit(subject: string): Promise<number> {
    return (await this.store.increment(this.key(subject), this.rule.windowMs)).count;
  }

  /** Counts this attempt and refuses it when it goes over the limit. */
  async consume(subject: string): Promise<void> {
    const { count, resetInMs } = await this.store.increment(this.key(subject), this.rule.windowMs);
    if (count > this.rule.limit) throw rateLimited(Math.max(1, Math.ceil(resetInMs / 1000)));
  }

  async reset(subject: string): Promise<void> {
    await this.store.delete(this.key(subject));
  }
}

import { randomUUID } from 'node:crypto';
import { AppError } from '../errors';
import { createLogger } from '../logger';
import { KeyValueStore, MemoryStore, RedisStore } from '../store';
import { LogCapture, until } from '../testing';
import Redis from 'ioredis';
import { ACCESS_TOKEN_TTL_SECONDS } from './access-token';
import { SessionVersions } from './session-versions';

const redisUrl = process.env.REDIS_URL;
const prefix = `test:session-versions:${randomUUID()}`;

async function refusal(check: Promise<void>): Promise<string | undefined> {
  try {
    await check;
    return undefined;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    expect(error.extensions.code).toBe('UNAUTHENTICATED');
    return error.message;
  }
}

const stores: [string, () => KeyValueStore][] = [
  ['in-process', () => new MemoryStore()],
  ...(redisUrl ? [['Redis', () => new RedisStore(redisUrl, prefix)] as [string, () => KeyValueStore]] : []),
];

describe.each(stores)('SessionVersions on the %s store', (_name, makeStore) => {
  const store = makeStore();
  const sessions = new SessionVersions(store);
  afterAll(() => store.close());

  it('refuses a subject with no record: an unknown user', async () => {
    expect(await refusal(sessions.check(randomUUID(), 1))).toBe('Unknown session: sign in again');
  });

  it('accepts the current version and a newer one, refuses an older one', async () => {
    const userId = randomUUID();
    await sessions.raise(userId, 3);
    expect(await refusal(sessions.check(userId, 3))).toBeUndefined();
    expect(await refusal(sessions.check(userId, 4))).toBeUndefined();
    expect(await refusal(sessions.check(userId, 2))).toBe('Session ended: sign in again');
  });

  it('sees a raise made by another process within seconds, though it remembered the old version', async () => {
    const userId = randomUUID();
    await sessions.raise(userId, 1);
    expect(await refusal(sessions.check(userId, 1))).toBeUndefined();
    // Another process (the users subgraph) ends the session.
    await new SessionVersions(store).raise(userId, 2);
    await until(async () => ((await refusal(sessions.check(userId, 1))) ? true : undefined), 'the raise', 5_000);
    expect(await refusal(sessions.check(userId, 2))).toBeUndefined();
  });

  it('never moves a version back when raises race', async () => {
    const userId = randomUUID();
    const versions = Array.from({ length: 30 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    await Promise.all(versions.map((version) => new SessionVersions(store).raise(userId, version)));
    expect(await store.get(`session:${userId}`)).toBe('30');
    expect(await refusal(sessions.check(userId, 29))).toBe('Session ended: sign in again');
  });

  it('says a session ended only for a known higher version (a long-lived socket is not cut for a lost record)', async () => {
    const userId = randomUUID();
    expect(await sessions.ended(userId, 1)).toBe(false);
    await sessions.raise(userId, 2);
    expect(await sessions.ended(userId, 2)).toBe(false);
    expect(await sessions.ended(userId, 1)).toBe(true);
    // Seen at once after a raise by another process, though version 2 was just remembered as current.
    await new SessionVersions(store).raise(userId, 3);
    await until(async () => ((await sessions.ended(userId, 2)) ? true : undefined), 'the raise', 5_000);
  });

  it('refuses the tokens of a session ended alone, within seconds in another process, and only those', async () => {
    const userId = randomUUID();
    const [ending, staying] = [randomUUID(), randomUUID()];
    await sessions.raise(userId, 1);
    expect(await refusal(sessions.check(userId, 1, ending))).toBeUndefined();
    // The users subgraph, another process, ends one session; this one remembered it live.
    await new SessionVersions(store).endSessions([ending]);
    await until(async () => ((await refusal(sessions.check(userId, 1, ending))) ? true : undefined), 'the end', 5_000);
    expect(await refusal(sessions.check(userId, 1, ending))).toBe('Session ended: sign in again');
    expect(await refusal(sessions.check(userId, 1, staying))).toBeUndefined();
    // A token naming no session is checked by version alone.
    expect(await refusal(sessions.check(userId, 1))).toBeUndefined();
    expect(await sessions.ended(userId, 1, ending)).toBe(true);
    expect(await sessions.ended(userId, 1, staying)).toBe(false);
  });

  it('keeps the record of an ended session as long as the access tokens it was issued', async () => {
    const sessionId = randomUUID();
    await sessions.endSessions([sessionId]);
    const ttlMs =
      store instanceof RedisStore ? await new Redis(redisUrl!).pttl(`${prefix}:session-ended:${sessionId}`) : undefined;
    if (ttlMs !== undefined) expect(ttlMs).toBeGreaterThan(ACCESS_TOKEN_TTL_SECONDS * 1000);
    expect(await store.get(`session-ended:${sessionId}`)).toBe('1');
  });
});

describe('a session store that does not answer', () => {
  it('fails open: the token stands on its signature and expiry, and the outage is logged', async () => {
    const logs = new LogCapture();
    // Nothing listens on port 1: every command fails or hangs past the timeout.
    const store = new RedisStore('redis://127.0.0.1:1', prefix);
    const sessions = new SessionVersions(store, createLogger({ name: 'test', level: 'info', destination: logs }));
    try {
      expect(await refusal(sessions.check(randomUUID(), 1))).toBeUndefined();
      expect(await refusal(sessions.check(randomUUID(), 1))).toBeUndefined();
      expect(logs.text()).toContain('session store unavailable');
      expect(await sessions.ended(randomUUID(), 1)).toBe(false);
      expect(await refusal(sessions.check(randomUUID(), 1, randomUUID()))).toBeUndefined();
      expect(await sessions.ended(randomUUID(), 1, randomUUID())).toBe(false);
    } finally {
      await store.close();
    }
  });
});

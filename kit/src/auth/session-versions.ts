import type { CommonConfig } from '../config';
import { unauthenticated } from '../errors';
import type { Logger } from '../logger';
import { KeyValueStore, MemoryStore, RedisStore } from '../store';

/**
 * How long a process trusts a version it read and accepted a token with: a revocation
 * (logout, password or role change, suspension) reaches every process within this.
 * A refusal is never served from memory: the store is asked again first.
 */
export const SESSION_VERSION_CACHE_MS = 1_000;
/** Versions remembered per process, oldest dropped first. */
export const SESSION_VERSION_CACHE_SIZE = 10_000;
/** A record is renewed at every token issue and must outlive the tokens issued at its version (15 min). */
export const SESSION_RECORD_TTL_MS = 16 * 60 * 1000;
/** A store that has not answered by then is treated as down for this request. */
export const SESSION_STORE_TIMEOUT_MS = 250;
/** After a store failure, requests skip the store this long instead of each waiting for it. */
export const SESSION_STORE_RETRY_AFTER_FAILURE_MS = 1_000;
/** A store outage is logged at most once per this interval. */
const OUTAGE_WARNING_INTERVAL_MS = 10_000;

/**
 * Each user's session version, the `sv` claim every access token carries. The users
 * subgraph raises it (password change or reset, role change, suspension) and every
 * process verifying tokens refuses a token whose `sv` is below it, or whose subject has no
 * record at all (an unknown user, or a record lost with a Redis flush: the client's
 * refresh, which it does on any UNAUTHENTICATED, writes it again). One session ended alone
 * (`logout`, `revokeSession`, `revokeOtherSessions`) gets a record of its own, and a token whose `sid`
 * names it is refused too.
 *
 * A store outage fails open, like the rate limits: tokens are then checked by signature
 * and expiry alone (at most 15 minutes of a revoked token), and it is logged.
 */
export class SessionVersions {
  /** userId → the version last read and when. */
  private readonly recent = new Map<string, { version: number; readAtMs: number }>();
  /** sessionId → when it was last read as not ended alone. */
  private readonly recentLive = new Map<string, number>();
  private skipStoreUntilMs = 0;
  private lastWarningAtMs = 0;

  constructor(
    private readonly store: KeyValueStore,
    private readonly log?: Logger,
  ) {}

  /** Records `version` for the user (never lowering it); throws when the store fails, so the caller can log it. */
  async raise(userId: string, version: number): Promise<number> {
    this.recent.delete(userId);
    return this.store.raise(key(userId), version, SESSION_RECORD_TTL_MS);
  }

  /**
   * Records that one session (`sid`, a refresh token family) was ended alone: its access
   * tokens are refused while the rest of the user's stay good. The record outlives every
   * access token the session was issued (none is issued once it ended); throws when the store fails.
   */
  async endSessions(sessionIds: readonly string[]): Promise<void> {
    for (const sessionId of sessionIds) this.recentLive.delete(sessionId);
    await Promise.all(sessionIds.map((sessionId) => this.store.set(endedKey(sessionId), '1', SESSION_RECORD_TTL_MS)));
  }

  /** Refuses the token's session when it was ended (all of the user's, or this one) or its subject has none. */
  async check(userId: string, tokenVersion: number, sessionId?: string): Promise<void> {
    if (this.acceptedRecently(userId, tokenVersion, sessionId)) return;
    if (Date.now() < this.skipStoreUntilMs) return this.failedOpen(undefined);
    let read: { version: number | null; sessionEnded: boolean };
    try {
      read = await withTimeout(this.read(userId, sessionId), SESSION_STORE_TIMEOUT_MS);
    } catch (error) {
      this.skipStoreUntilMs = Date.now() + SESSION_STORE_RETRY_AFTER_FAILURE_MS;
      return this.failedOpen(error);
    }
    if (read.version === null) throw unauthenticated('Unknown session: sign in again');
    this.remember(userId, read.version);
    if (tokenVersion < read.version || read.sessionEnded) throw unauthenticated('Session ended: sign in again');
    if (sessionId !== undefined) this.rememberLive(sessionId);
  }

  /**
   * Whether the session the user's token was issued at (`tokenVersion`, `sessionId`) was ended: a higher
   * version is recorded, or the session's own end. For connections verified once at their start (graphql-ws sockets),
   * which are cut only for a known revocation: unlike `check`, a missing record (expired
   * with an idle session, or flushed) and a store outage both answer false.
   */
  async ended(userId: string, tokenVersion: number, sessionId?: string): Promise<boolean> {
    if (this.acceptedRecently(userId, tokenVersion, sessionId)) return false;
    if (Date.now() < this.skipStoreUntilMs) return false;
    let read: { version: number | null; sessionEnded: boolean };
    try {
      read = await withTimeout(this.read(userId, sessionId), SESSION_STORE_TIMEOUT_MS);
    } catch (error) {
      this.skipStoreUntilMs = Date.now() + SESSION_STORE_RETRY_AFTER_FAILURE_MS;
      this.failedOpen(error);
      return false;
    }
    if (read.sessionEnded) return true;
    if (read.version === null) return false;
    this.remember(userId, read.version);
    if (sessionId !== undefined) this.rememberLive(sessionId);
    return tokenVersion < read.version;
  }

  close(): Promise<void> {
    return this.store === inProcessStore ? Promise.resolve() : this.store.close();
  }

  /** Answered from memory when both the version and the session were read within SESSION_VERSION_CACHE_MS. */
  private acceptedRecently(userId: string, tokenVersion: number, sessionId: string | undefined): boolean {
    const remembered = this.recent.get(userId);
    const versionAccepted =
      remembered !== undefined &&
      Date.now() - remembered.readAtMs < SESSION_VERSION_CACHE_MS &&
      tokenVersion >= remembered.version;
    if (!versionAccepted || sessionId === undefined) return versionAccepted;
    const liveAt = this.recentLive.get(sessionId);
    return liveAt !== undefined && Date.now() - liveAt < SESSION_VERSION_CACHE_MS;
  }

  /** The user's version and whether the session was ended alone, in one round trip. */
  private async read(userId: string, sessionId?: string): Promise<{ version: number | null; sessionEnded: boolean }> {
    const [raw, ended] = await this.store.getMany(
      sessionId === undefined ? [key(userId)] : [key(userId), endedKey(sessionId)],
    );
    const version = raw === null ? NaN : Number(raw);
    return { version: Number.isInteger(version) ? version : null, sessionEnded: ended !== null && ended !== undefined };
  }

  private remember(userId: string, version: number): void {
    this.recent.delete(userId);
    if (this.recent.size >= SESSION_VERSION_CACHE_SIZE) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(userId, { version, readAtMs: Date.now() });
  }

  private rememberLive(sessionId: string): void {
    this.recentLive.delete(sessionId);
    if (this.recentLive.size >= SESSION_VERSION_CACHE_SIZE)
      this.recentLive.delete(this.recentLive.keys().next().value!);
    this.recentLive.set(sessionId, Date.now());
  }

  private failedOpen(error: unknown): void {
    if (Date.now() - this.lastWarningAtMs < OUTAGE_WARNING_INTERVAL_MS) return;
    this.lastWarningAtMs = Date.now();
    this.log?.warn(
      { err: error },
      'session store unavailable: access tokens checked by signature and expiry only (fail open)',
    );
  }
}

function key(userId: string): string {
  return `session:${userId}`;
}

function endedKey(sessionId: string): string {
  return `session-ended:${sessionId}`;
}

/** Every process of an embedded run (gateway and subgraphs in one) shares this, as separate processes share Redis. */
const inProcessStore = new MemoryStore();

/** Redis when `REDIS_URL` is set (every process must then see the same one), else the in-process store. */
export function createSessionVersions(config: CommonConfig, log?: Logger): SessionVersions {
  const store = config.redisUrl ? new RedisStore(config.redisUrl, config.sessionKeyPrefix) : inProcessStore;
  return new SessionVersions(store, log);
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`session store did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

import type { ServerResponse } from 'node:http';
import { AppError, ErrorCode, KeyValueStore, Logger, createStore } from '@marketplace/kit';
import type { GatewayConfig } from '../config';

/**
 * Per-user and per-IP request limits, checked once per HTTP GraphQL request while the
 * context is created: after CSRF prevention, before parsing, validation and planning, so a
 * refused request costs one counter increment and reaches no subgraph. Each operation sent
 * over WebSocket counts against the same counter (see live-subscriptions.ts): one budget.
 *
 * Fixed one-minute windows on the kit's KeyValueStore (`INCR` + `PEXPIRE NX` in one Redis
 * transaction, so concurrent requests each get a distinct count and exactly `limit` pass).
 * A signed-in caller is counted by user id wherever they connect from; anyone else by
 * client IP (as `clientIpOf` resolves it, `TRUST_PROXY` included).
 */

export const RATE_LIMIT_WINDOW_MS = 60_000;
/** The shared budget's counters: GraphQL over HTTP and WebSocket, and the REST edge. */
export const REQUESTS_KEY_PREFIX = 'ratelimit:requests';
/** Stripe's webhook deliveries count apart from the shared budget (see rest-edge-rate-limit.ts). */
export const WEBHOOKS_KEY_PREFIX = 'ratelimit:webhooks';
/** Image reads on the REST edge count apart as well (see rest-edge-rate-limit.ts). */
export const MEDIA_KEY_PREFIX = 'ratelimit:media';
/** A store that has not answered by then is treated as down for this request (Redis normally answers in well under 1 ms). */
export const DEFAULT_STORE_TIMEOUT_MS = 250;
/** After a store failure, requests skip the store this long instead of each waiting for it. */
export const STORE_RETRY_AFTER_FAILURE_MS = 1_000;
/** A store outage is logged at most once per this interval, not once per request. */
export const OUTAGE_WARNING_INTERVAL_MS = 10_000;

/** IETF draft-ietf-httpapi-ratelimit-headers names (the three-field form), plus RFC 9110 Retry-After. */
export const RateLimitHeaders = {
  limit: 'RateLimit-Limit',
  remaining: 'RateLimit-Remaining',
  reset: 'RateLimit-Reset',
  retryAfter: 'Retry-After',
} as const;

export interface RateLimitSettings {
  enabled: boolean;
  perUserPerMinute: number;
  perIpPerMinute: number;
  /** Per vendor API key; `perUserPerMinute` when absent. */
  perApiKeyPerMinute?: number;
}

/** The gateway's settings: the shared budget, plus the webhook routes' and image reads' own per-IP budgets. */
export interface GatewayRateLimitSettings extends RateLimitSettings {
  storeTimeoutMs: number;
  webhooksPerIpPerMinute: number;
  mediaPerIpPerMinute: number;
}

/** Where the rate limit's headers go: the HTTP response being prepared. */
export type HeaderSink = Pick<ServerResponse, 'setHeader'>;

export type RateLimitSubject =
  { kind: 'user'; id: string } | { kind: 'apiKey'; id: string } | { kind: 'ip'; address: string };

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends (at least 1). */
  resetSeconds: number;
  /** The attempt's number in its window: `limit + 1` is the first one refused. */
  count: number;
}

export interface RequestRateLimiterOptions {
  log: Logger;
  /** What the counters' keys start with: limiters with different budgets count apart. */
  keyPrefix?: string;
  storeTimeoutMs?: number;
  /** Injectable clock for tests. */
  now?: () => number;
}

/** `user:<id>`, `apikey:<id>` or `ip:<address>`: the counter's subject, also what is logged. */
export function subjectKey(subject: RateLimitSubject): string {
  if (subject.kind === 'ip') return `ip:${subject.address}`;
  return subject.kind === 'user' ? `user:${subject.id}` : `apikey:${subject.id}`;
}

export class RequestRateLimiter {
  private readonly log: Logger;
  private readonly storeTimeoutMs: number;
  private readonly now: () => number;
  private readonly keyPrefix: string;
  private skipStoreUntil = 0;
  private lastWarningAt = Number.NEGATIVE_INFINITY;
  private failedOpenSinceWarning = 0;

  constructor(
    private readonly store: KeyValueStore,
    private readonly settings: RateLimitSettings,
    options: RequestRateLimiterOptions,
  ) {
    this.log = options.log;
    this.storeTimeoutMs = options.storeTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
    this.keyPrefix = options.keyPrefix ?? REQUESTS_KEY_PREFIX;
  }

  limitFor(subject: RateLimitSubject): number {
    if (subject.kind === 'apiKey') return this.settings.perApiKeyPerMinute ?? this.settings.perUserPerMinute;
    return subject.kind === 'user' ? this.settings.perUserPerMinute : this.settings.perIpPerMinute;
  }

  /**
   * Counts one request. `null` means it was not counted because the store is unavailable.
   *
   * Fail open, deliberately: rate limits protect the API, and a Redis outage must not take
   * the API down with it. While the store fails or hangs, requests are allowed without a
   * limit (and without RateLimit headers, since nothing is known); the outage is logged
   * as a warning at most once per OUTAGE_WARNING_INTERVAL_MS, and `/health` reports the
   * store as down. Each request waits at most `storeTimeoutMs` for the store, and after a
   * failure the store is skipped for STORE_RETRY_AFTER_FAILURE_MS, so an outage adds no latency.
   */
  async consume(subject: RateLimitSubject): Promise<RateLimitDecision | null> {
    if (this.now() < this.skipStoreUntil) return this.failedOpen(undefined);
    const limit = this.limitFor(subject);
    let counted: { count: number; resetInMs: number };
    try {
      counted = await withTimeout(
        this.store.increment(`${this.keyPrefix}:${subjectKey(subject)}`, RATE_LIMIT_WINDOW_MS),
        this.storeTimeoutMs,
      );
    } catch (error) {
      this.skipStoreUntil = this.now() + STORE_RETRY_AFTER_FAILURE_MS;
      return this.failedOpen(error);
    }
    const { count, resetInMs } = counted;
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      resetSeconds: Math.max(1, Math.ceil(resetInMs / 1000)),
      count,
    };
  }

  /**
   * Counts the request, puts the RateLimit headers on the response and throws the 429
   * RATE_LIMITED error when the subject is over its limit.
   */
  async enforce(subject: RateLimitSubject, res: HeaderSink, log: Logger): Promise<void> {
    const decision = await this.limit(subject, log);
    if (!decision) return;
    res.setHeader(RateLimitHeaders.limit, String(decision.limit));
    res.setHeader(RateLimitHeaders.remaining, String(decision.remaining));
    res.setHeader(RateLimitHeaders.reset, String(decision.resetSeconds));
    if (decision.allowed) return;
    res.setHeader(RateLimitHeaders.retryAfter, String(decision.resetSeconds));
    throw tooManyRequests(decision.resetSeconds);
  }

  /**
   * Counts one operation against the same budget as `enforce`, for callers with no HTTP
   * response to put headers on (an operation sent over WebSocket): the decision, to be
   * refused with `tooManyRequests` when not allowed, or `null` while the store is down.
   */
  async limit(subject: RateLimitSubject, log: Logger): Promise<RateLimitDecision | null> {
    const decision = await this.consume(subject);
    // One line per subject per window (its first refusal), however hard it keeps hammering.
    if (decision && decision.count === decision.limit + 1) {
      log.info(
        { rateLimitSubject: subjectKey(subject), limit: decision.limit, retryAfterSeconds: decision.resetSeconds },
        'graphql requests rate limited',
      );
    }
    return decision;
  }

  private failedOpen(error: unknown): null {
    this.failedOpenSinceWarning += 1;
    const now = this.now();
    if (now - this.lastWarningAt >= OUTAGE_WARNING_INTERVAL_MS) {
      this.log.warn(
        {
          reason: error === undefined ? 'store skipped after a recent failure' : describeError(error),
          requestsAllowedUnlimited: this.failedOpenSinceWarning,
        },
        'rate limit store unavailable: allowing requests without rate limits (fail open)',
      );
      this.lastWarningAt = now;
      this.failedOpenSinceWarning = 0;
    }
    return null;
  }
}

/** The limiters and the store they count in, unless rate limits are off. */
export interface GatewayRateLimit {
  /** The shared budget: GraphQL (HTTP and WebSocket) and every REST edge route but webhooks and image reads. */
  limiter: RequestRateLimiter;
  /** Webhook routes' own per-IP budget (`RATE_LIMIT_WEBHOOKS_PER_IP_PER_MINUTE`). */
  webhookLimiter: RequestRateLimiter;
  /** Image reads' own per-IP budget (`RATE_LIMIT_MEDIA_PER_IP_PER_MINUTE`). */
  mediaLimiter: RequestRateLimiter;
  /** Redis with `REDIS_URL`, else memory; `/health` reports it. */
  store: KeyValueStore;
}

export function buildRateLimit(config: GatewayConfig, log: Logger): GatewayRateLimit | undefined {
  if (!config.rateLimit.enabled) return undefined;
  const store = createStore(config.common.redisUrl, storeNamespace(config));
  const { storeTimeoutMs, webhooksPerIpPerMinute, mediaPerIpPerMinute } = config.rateLimit;
  const limiterLog = log.child({ component: 'rate-limit' });
  // Webhook senders and image readers carry no token the gateway checks: only a per-IP budget applies.
  const perIp = (perMinute: number, keyPrefix: string) =>
    new RequestRateLimiter(
      store,
      { enabled: true, perUserPerMinute: perMinute, perIpPerMinute: perMinute },
      { log: limiterLog, storeTimeoutMs, keyPrefix },
    );
  return {
    store,
    limiter: new RequestRateLimiter(store, config.rateLimit, { log: limiterLog, storeTimeoutMs }),
    webhookLimiter: perIp(webhooksPerIpPerMinute, WEBHOOKS_KEY_PREFIX),
    mediaLimiter: perIp(mediaPerIpPerMinute, MEDIA_KEY_PREFIX),
  };
}

/** `<REDIS_KEY_PREFIX>:gateway`, as subgraphs use `<REDIS_KEY_PREFIX>:<name>`: deployments and test runs sharing a Redis stay apart. */
export function storeNamespace(config: Pick<GatewayConfig, 'common'>): string {
  return `${config.common.redisKeyPrefix}:gateway`;
}

/** The limits in effect, for the start-up log line. */
export function describeRateLimit(config: GatewayConfig) {
  const { enabled, perUserPerMinute, perIpPerMinute, perApiKeyPerMinute, webhooksPerIpPerMinute, mediaPerIpPerMinute } =
    config.rateLimit;
  return enabled
    ? {
        perUserPerMinute,
        perIpPerMinute,
        perApiKeyPerMinute,
        webhooksPerIpPerMinute,
        mediaPerIpPerMinute,
        store: config.common.redisUrl ? 'redis' : 'memory',
      }
    : 'disabled';
}

/** The kit's RATE_LIMITED error, answered with HTTP 429 (Apollo reads `extensions.http`; the formatter never sends it). */
export function tooManyRequests(retryAfterSeconds: number): AppError {
  return new AppError(ErrorCode.RATE_LIMITED, `Too many requests; try again in ${retryAfterSeconds} s`, {
    retryAfterSeconds,
    http: { status: 429 },
  });
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  // race subscribes to both: a late rejection of `work` is handled, never unhandled.
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

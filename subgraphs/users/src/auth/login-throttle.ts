import { KeyValueStore, rateLimited } from '@marketplace/kit';

export interface LoginThrottleSettings {
  /** Failures of one account from one IP before that pair has to wait. */
  freeFailures: number;
  /** The first wait; each further failure (or attempt while waiting) doubles it. */
  backoffBaseSeconds: number;
  /** The longest wait, and how long a pair's failures are remembered. */
  windowMs: number;
  /** Names its counters apart from another throttle's (default `login-pair`, the password's). */
  name?: string;
}

const MS_PER_SECOND = 1_000;

/**
 * Guessing one account's password from one IP: after `freeFailures` failures that pair
 * (email, IP) waits `backoffBaseSeconds`, and every further failure, or attempt during the
 * wait, doubles the wait, up to `windowMs`. The owner signing in from anywhere else is not
 * affected: locking an account out takes the per-account limit (many IPs), not five
 * guesses. Counters are atomic increments, so racing guesses are each counted.
 */
export class LoginThrottle {
  constructor(
    private readonly store: KeyValueStore,
    private readonly settings: LoginThrottleSettings,
  ) {}

  /** Refuses while the pair waits; the refused attempt counts as a failure, so hammering only lengthens the wait. */
  async check(email: string, ip: string): Promise<void> {
    const now = Date.now();
    const waitUntilMs = Number((await this.store.get(this.keys(email, ip).waitUntil)) ?? 0);
    if (waitUntilMs <= now) return;
    const seconds = await this.countFailure(email, ip, now);
    throw rateLimited(Math.max(seconds, Math.ceil((waitUntilMs - now) / MS_PER_SECOND)));
  }

  /**
   * After a wrong password: the seconds the pair must now wait (0: not yet), and whether this
   * failure is the one that crossed the threshold (true for exactly one failure per window: the
   * count is an atomic increment), which is what the audit trail records. `count`: failures in the
   * window, this one included.
   */
  async failed(email: string, ip: string): Promise<{ waitSeconds: number; crossedThreshold: boolean; count: number }> {
    const { waitSeconds, count } = await this.countFailureWithCount(email, ip, Date.now());
    return { waitSeconds, crossedThreshold: count === this.settings.freeFailures, count };
  }

  /** A right password clears the pair's failures. */
  async succeeded(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    await Promise.all([this.store.delete(keys.failures), this.store.delete(keys.waitUntil)]);
  }

  private async countFailure(email: string, ip: string, now: number): Promise<number> {
    return (await this.countFailureWithCount(email, ip, now)).waitSeconds;
  }

  private async countFailureWithCount(
    email: string,
    ip: string,
    now: number,
  ): Promise<{ waitSeconds: number; count: number }> {
    const keys = this.keys(email, ip);
    const { count } = await this.store.increment(keys.failures, this.settings.windowMs);
    const beyondFree = count - this.settings.freeFailures;
    if (beyondFree < 0) return { waitSeconds: 0, count };
    const waitMs = Math.min(this.settings.backoffBaseSeconds * MS_PER_SECOND * 2 ** beyondFree, this.settings.windowMs);
    // Racing failures each raise the wait; the store keeps the latest end, never an earlier one.
    const waitUntilMs = await this.store.raise(keys.waitUntil, now + waitMs, waitMs);
    return { waitSeconds: Math.ceil((waitUntilMs - now) / MS_PER_SECOND), count };
  }

  private keys(email: string, ip: string) {
    const pair = `${encodeURIComponent(email)}:${encodeURIComponent(ip)}`;
    const name = this.settings.name ?? 'login-pair';
    return { failures: `${name}:failures:${pair}`, waitUntil: `${name}:wait-until:${pair}` };
  }
}

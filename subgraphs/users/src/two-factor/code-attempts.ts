import { rateLimited } from '@marketplace/kit';
import type { LoginThrottle } from '../auth/login-throttle';

/** The throttle's second key: the user's codes count together wherever they are typed. */
const SCOPE = 'second-factor';

/**
 * Every code a user types (sign-in, enrollment, turning off, renewing) counts as a failure
 * *before* it is checked, and a right one clears the count. Counting after the check would let
 * racing guesses all pass the check first: with the count taken first (an atomic increment),
 * of any number of guesses sent at once only the free ones are checked at all. Past the free
 * ones, the per-user LoginThrottle doubles the wait with each attempt, up to its window.
 */
export class CodeAttempts {
  constructor(
    private readonly throttle: LoginThrottle,
    private readonly freeFailures: number,
  ) {}

  /** Counts an attempt, refusing it (RATE_LIMITED) beyond the free ones; answers whether it crossed the threshold. */
  async begin(userId: string): Promise<{ crossedThreshold: boolean; waitSeconds: number }> {
    await this.throttle.check(userId, SCOPE);
    const { count, crossedThreshold, waitSeconds } = await this.throttle.failed(userId, SCOPE);
    if (count > this.freeFailures) throw rateLimited(waitSeconds);
    return { crossedThreshold, waitSeconds };
  }

  succeeded(userId: string): Promise<void> {
    return this.throttle.succeeded(userId, SCOPE);
  }
}

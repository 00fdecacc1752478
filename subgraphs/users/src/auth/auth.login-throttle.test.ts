import { TestSubgraph } from '@marketplace/kit/testing';
import { STRONG_PASSWORD, login, register, startUsers, uniqueEmail } from '../testing';

/**
 * Issue 18 item 10: five wrong passwords from one IP used to lock the owner out for 15
 * minutes. Now guessing from one IP slows that IP down for that account, doubling its wait;
 * locking the account itself takes the per-account limit, spread over many IPs.
 */
const BACKOFF_BASE_SECONDS = 60;
const WINDOW_SECONDS = 15 * 60;
const MAX_ATTEMPTS_PER_ACCOUNT = 12;
const WRONG = 'wrong password!!';

let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers({
    LOGIN_FREE_FAILURES_PER_ACCOUNT_AND_IP: '5',
    LOGIN_BACKOFF_BASE_SECONDS: String(BACKOFF_BASE_SECONDS),
    LOGIN_WINDOW_MINUTES: String(WINDOW_SECONDS / 60),
    LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: String(MAX_ATTEMPTS_PER_ACCOUNT),
  });
});
afterAll(() => users.close());

async function codeOf(email: string, password: string, ip: string) {
  const result = await login(users.client, email, password, ip);
  return result.errors?.[0].extensions ?? { signedIn: result.data?.login.user.email };
}

async function registered(): Promise<string> {
  const email = uniqueEmail('owner');
  await register(users, email);
  return email;
}

describe('guessing from one IP', () => {
  it('five wrong passwords from IP A leave the owner free to sign in from IP B', async () => {
    const email = await registered();
    for (let i = 0; i < 5; i += 1) expect(await codeOf(email, WRONG, '10.40.0.1')).toEqual({ code: 'UNAUTHENTICATED' });
    expect(await codeOf(email, STRONG_PASSWORD, '10.40.0.2')).toEqual({ signedIn: email });
  });

  it('makes IP A wait, each further attempt twice as long, up to the window, even with the right password', async () => {
    const email = await registered();
    const ip = '10.41.0.1';
    for (let i = 0; i < 5; i += 1) await codeOf(email, WRONG, ip);
    const waits: unknown[] = [];
    for (let i = 0; i < 5; i += 1) {
      const refused = await codeOf(email, i === 0 ? STRONG_PASSWORD : WRONG, ip);
      expect(refused.code).toBe('RATE_LIMITED');
      waits.push(refused.retryAfterSeconds);
    }
    const base = BACKOFF_BASE_SECONDS;
    expect(waits).toEqual([base * 2, base * 4, base * 8, WINDOW_SECONDS, WINDOW_SECONDS]);
    // Another account from the same IP, and the same account from elsewhere, are untouched.
    const other = await registered();
    expect(await codeOf(other, STRONG_PASSWORD, ip)).toEqual({ signedIn: other });
    expect(await codeOf(email, STRONG_PASSWORD, '10.41.0.2')).toEqual({ signedIn: email });
  });

  it('a right password before the wait clears the IP’s failures', async () => {
    const email = await registered();
    const ip = '10.42.0.1';
    for (let i = 0; i < 4; i += 1) await codeOf(email, WRONG, ip);
    expect(await codeOf(email, STRONG_PASSWORD, ip)).toEqual({ signedIn: email });
    for (let i = 0; i < 5; i += 1) expect(await codeOf(email, WRONG, ip)).toEqual({ code: 'UNAUTHENTICATED' });
    expect((await codeOf(email, WRONG, ip)).code).toBe('RATE_LIMITED');
  });

  it('counts every one of racing guesses from one IP', async () => {
    const email = await registered();
    const ip = '10.43.0.1';
    // Under the per-account cap: a guess that cap refuses is not the pair's failure to count.
    const guesses = MAX_ATTEMPTS_PER_ACCOUNT - 2;
    const codes = await Promise.all(Array.from({ length: guesses }, () => codeOf(email, WRONG, ip)));
    expect(codes.every((c) => c.code === 'UNAUTHENTICATED' || c.code === 'RATE_LIMITED')).toBe(true);
    expect(codes.filter((c) => c.code === 'UNAUTHENTICATED').length).toBeGreaterThanOrEqual(5);
    const counted = await users.subgraph.deps.store.get(`login-pair:failures:${encodeURIComponent(email)}:${ip}`);
    expect(Number(counted)).toBe(guesses);
  });
});

describe('guessing from many IPs', () => {
  it('stops at the per-account limit, the owner included, until the window ends', async () => {
    const email = await registered();
    for (let i = 0; i < MAX_ATTEMPTS_PER_ACCOUNT; i += 1)
      expect(await codeOf(email, WRONG, `10.50.0.${i}`)).toEqual({ code: 'UNAUTHENTICATED' });
    expect(await codeOf(email, STRONG_PASSWORD, '10.50.1.1')).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
  });

  it('lets exactly the limit through when attempts race', async () => {
    const email = await registered();
    const results = await Promise.all(
      Array.from({ length: MAX_ATTEMPTS_PER_ACCOUNT + 8 }, (_, i) => codeOf(email, WRONG, `10.51.0.${i}`)),
    );
    const codes = results.map((r) => r.code);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(MAX_ATTEMPTS_PER_ACCOUNT);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(8);
  });
});

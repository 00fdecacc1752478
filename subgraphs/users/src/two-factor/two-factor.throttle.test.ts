import { queryRows } from '@marketplace/kit';
import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import { register, startUsers } from '../testing';
import { challengeOf, enroll, unusedCode, verify } from './two-factor.testing';

/**
 * Issue 25: brute force of the 10^6 TOTP codes. A challenge takes a few codes; every wrong
 * code of the user counts, across challenges, and past the free ones each doubles the wait.
 */
const ATTEMPTS_PER_CHALLENGE = 3;
const FREE_FAILURES = 4;
let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers({
    TWO_FACTOR_ATTEMPTS_PER_CHALLENGE: String(ATTEMPTS_PER_CHALLENGE),
    TWO_FACTOR_FREE_FAILURES_PER_USER: String(FREE_FAILURES),
  });
});
afterAll(() => users.close());

const extensionsOf = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions;

/** A code that is certainly wrong now: the right one with its last digit changed. */
async function wrongCode(userId: string, secret: string): Promise<string> {
  const right = await unusedCode(users, userId, secret);
  return right.slice(0, 5) + String((Number(right[5]) + 1) % 10);
}

it('spends a challenge after its attempts: even the right code is refused then', async () => {
  const session = await register(users);
  const { secret } = await enroll(users, session);
  const challenge = await challengeOf(users, session.user.email);
  for (let i = 0; i < ATTEMPTS_PER_CHALLENGE; i += 1) {
    const wrong = await verify(users, challenge.token, await wrongCode(session.user.id, secret));
    expect(extensionsOf(wrong)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.code' }] });
  }
  const right = await verify(users, challenge.token, await unusedCode(users, session.user.id, secret));
  expect(extensionsOf(right)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.challenge' }] });
});

it('makes the user wait once wrong codes pass the free ones, across challenges, and audits the crossing', async () => {
  const session = await register(users);
  const { secret } = await enroll(users, session);
  for (let i = 0; i < FREE_FAILURES; i += 1) {
    // A fresh challenge for every guess: new challenges do not reset the user's count.
    const challenge = await challengeOf(users, session.user.email, `10.26.0.${i}`);
    const wrong = await verify(users, challenge.token, await wrongCode(session.user.id, secret));
    expect(extensionsOf(wrong)).toMatchObject({ code: 'BAD_USER_INPUT' });
  }
  const challenge = await challengeOf(users, session.user.email, '10.26.1.1');
  const right = await verify(users, challenge.token, await unusedCode(users, session.user.id, secret));
  expect(extensionsOf(right)).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
  expect(extensionsOf(right)!.retryAfterSeconds as number).toBeGreaterThanOrEqual(60);
  const audited = await queryRows<{ action: string }>(
    users.subgraph.deps.db,
    `SELECT envelope->'payload'->>'action' AS action FROM outbox
      WHERE type = 'audit.recorded' AND envelope->'payload'->>'targetId' = $1`,
    [uuidOf(session.user.id)],
  );
  expect(audited.map((row) => row.action)).toEqual(['TWO_FACTOR_ENABLED', 'TWO_FACTOR_FAILURES_EXCEEDED']);
});

it('counts racing guesses each: of many at once, no more than the free ones are even checked', async () => {
  const session = await register(users);
  const { secret } = await enroll(users, session);
  const challenges = await Promise.all(
    Array.from({ length: 3 }, (_, i) => challengeOf(users, session.user.email, `10.27.0.${i}`)),
  );
  const guesses = await Promise.all(
    challenges.flatMap((challenge) =>
      Array.from({ length: ATTEMPTS_PER_CHALLENGE }, async () =>
        verify(users, challenge.token, await wrongCode(session.user.id, secret)),
      ),
    ),
  );
  const codes = guesses.map((guess) => extensionsOf(guess)?.code);
  expect(codes.filter((code) => code === 'BAD_USER_INPUT')).toHaveLength(FREE_FAILURES);
  expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(codes.length - FREE_FAILURES);
});

it('throttles wrong codes when turning two-factor off too', async () => {
  const session = await register(users);
  const enrolled = await enroll(users, session);
  const DISABLE = `mutation($code: String!) { disableTotp(input: { code: $code }) { accessToken } }`;
  const token = enrolled.session.accessToken;
  const answers = [];
  for (let i = 0; i <= FREE_FAILURES; i += 1)
    answers.push(await users.client.request(DISABLE, { token, variables: { code: `00000${i}` } }));
  expect(answers.map((answer) => extensionsOf(answer)?.code)).toEqual([
    ...Array<string>(FREE_FAILURES).fill('BAD_USER_INPUT'),
    'RATE_LIMITED',
  ]);
});

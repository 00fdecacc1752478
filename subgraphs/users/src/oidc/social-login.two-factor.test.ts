import { queryRows } from '@marketplace/kit';
import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import { ME, STRONG_PASSWORD, Session, claimsOf, register, uniqueEmail } from '../testing';
import { Totp } from '../two-factor/totp';
import { enroll, signInWithTotp, unusedCode, verify } from '../two-factor/two-factor.testing';
import { IdentityProviders } from './testing/identity-provider';
import {
  CompletedLogin,
  LINK,
  accountAt,
  auditOf,
  authorize,
  complete,
  linkCount,
  newSubject,
  socialSignIn,
  startSocialUsers,
} from './testing/social-login.fixtures';

/**
 * A second factor is asked for whatever the first one was: a sign-in through a linked provider
 * answers a challenge (no tokens) for a user with two-factor on, completed by `verifyTwoFactor`
 * as after `login`; the password alone does not link a provider to such a user (they link it
 * signed in, from a session that took both factors).
 */
let users: TestSubgraph;
let idp: IdentityProviders;
beforeAll(async () => {
  ({ users, idp } = await startSocialUsers());
});
afterAll(async () => {
  await users.close();
  await idp.close();
});

const NO_SESSION = { accessToken: null, refreshToken: null, expiresIn: null };
const extensionsOf = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions;

function link(input: Record<string, unknown>, token?: string) {
  return users.client.request(LINK, { variables: { input }, token, headers: { 'x-client-ip': '10.62.0.1' } });
}

/** A social sign-in's session as the two-factor helpers take it. */
function sessionOf(login: CompletedLogin): Session {
  if (!login.accessToken || !login.refreshToken || !login.user) throw new Error(`no session: ${login.outcome}`);
  return {
    accessToken: login.accessToken,
    refreshToken: login.refreshToken,
    user: { ...login.user, role: 'CUSTOMER' },
  };
}

/** An account made through `acme`, with TOTP turned on: its provider account and authenticator secret. */
async function enrolledSocialUser(prefix: string) {
  const account = accountAt(newSubject(), uniqueEmail(prefix));
  const created = await socialSignIn(users, 'acme', account);
  const { secret, session } = await enroll(users, sessionOf(created));
  return { account, userId: created.user!.id, secret, session };
}

/** A code none of the three steps accepted now (previous, current, next) is: certainly wrong. */
function wrongCode(secret: string): string {
  const accepted = [-30_000, 0, 30_000].map((offset) => Totp.codeNow(secret, Date.now() + offset));
  for (let n = 0; ; n += 1) {
    const candidate = String(n).padStart(6, '0');
    if (!accepted.includes(candidate)) return candidate;
  }
}

async function sessionCount(userId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    users.subgraph.deps.db,
    `SELECT count(*)::int AS n FROM sessions WHERE user_id = $1`,
    [uuidOf(userId)],
  );
  return row.n;
}

async function challengeCount(userId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    users.subgraph.deps.db,
    `SELECT count(*)::int AS n FROM two_factor_challenges WHERE user_id = $1`,
    [uuidOf(userId)],
  );
  return row.n;
}

describe('signing in through a linked provider', () => {
  it('answers TWO_FACTOR_REQUIRED with a challenge and no tokens; verifyTwoFactor gives the session, marked mfa', async () => {
    const { account, userId, secret } = await enrolledSocialUser('enrolled');
    const sessionsBefore = await sessionCount(userId);

    const answer = await socialSignIn(users, 'acme', account);
    expect(answer).toMatchObject({ outcome: 'TWO_FACTOR_REQUIRED', ...NO_SESSION, user: null, linkToken: null });
    expect(answer.twoFactorChallenge!.methods).toEqual(['TOTP', 'RECOVERY_CODE']);
    expect(Date.parse(answer.twoFactorChallenge!.expiresAt)).toBeGreaterThan(Date.now());
    expect(await sessionCount(userId)).toBe(sessionsBefore);
    // Audited when the challenge is issued, saying so; verifyTwoFactor does not record a second one.
    expect((await auditOf(users, 'SOCIAL_SIGN_IN', userId)).map((p) => p.after)).toEqual([
      { provider: 'acme', created: true, twoFactorChallenge: false },
      { provider: 'acme', created: false, twoFactorChallenge: true },
    ]);

    const result = await verify(users, answer.twoFactorChallenge!.token, await unusedCode(users, userId, secret));
    const signedIn = result.data!.verifyTwoFactor!;
    expect(signedIn.user.id).toBe(userId);
    // The provider was the first factor (RFC 8176 has no value for it), the code the second.
    expect(claimsOf(signedIn.accessToken).amr).toEqual(['otp', 'mfa']);
    expect((await users.client.data(ME, { token: signedIn.accessToken })).me.id).toBe(userId);
    expect(await sessionCount(userId)).toBe(sessionsBefore + 1);
    expect(await auditOf(users, 'SOCIAL_SIGN_IN', userId)).toHaveLength(2);
    // The challenge's token never reaches a log.
    expect(JSON.stringify(users.logs.records())).not.toContain(answer.twoFactorChallenge!.token);
  });

  it('refuses a wrong code (no session), and the same challenge then takes the right one', async () => {
    const { account, userId, secret } = await enrolledSocialUser('wrong-code');
    const { twoFactorChallenge } = await socialSignIn(users, 'acme', account);
    const sessionsBefore = await sessionCount(userId);

    const wrong = await verify(users, twoFactorChallenge!.token, wrongCode(secret));
    expect(extensionsOf(wrong)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.code' }] });
    expect(wrong.data).toEqual({ verifyTwoFactor: null });
    expect(await sessionCount(userId)).toBe(sessionsBefore);

    const right = await verify(users, twoFactorChallenge!.token, await unusedCode(users, userId, secret));
    expect(right.data?.verifyTwoFactor?.user.id).toBe(userId);
  });

  it('still signs a user without two-factor in at once, with no amr claim', async () => {
    const account = accountAt(newSubject(), uniqueEmail('one-factor'));
    await socialSignIn(users, 'acme', account);
    const again = await socialSignIn(users, 'acme', account);
    expect(again).toMatchObject({
      outcome: 'SIGNED_IN',
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: expect.any(Number),
      twoFactorChallenge: null,
    });
    expect(claimsOf(again.accessToken!).amr).toBeUndefined();
  });

  it('refuses a suspended user with two-factor on, issuing no challenge', async () => {
    const { account, userId } = await enrolledSocialUser('suspended');
    await users.subgraph.deps.db.query(
      `UPDATE users SET suspended_at = now(), suspension_reason = 'test', suspended_by = id WHERE id = $1`,
      [uuidOf(userId)],
    );
    const result = await complete(users, 'acme', await authorize(users, 'acme', account));
    expect(extensionsOf(result)).toMatchObject({ code: 'FORBIDDEN', reason: 'ACCOUNT_SUSPENDED' });
    expect(result.data).toEqual({ completeOAuthLogin: null });
    expect(await challengeCount(userId)).toBe(0);
  });
});

describe('linking a provider', () => {
  it('with the password of an account with two-factor on: refused before linking, and the token is spent', async () => {
    const owner = await register(users, uniqueEmail('enrolled-owner'));
    await enroll(users, owner);
    const account = accountAt(newSubject(), owner.user.email);
    const offered = await socialSignIn(users, 'acme', account);
    expect(offered.outcome).toBe('LINK_REQUIRED');
    const sessionsBefore = await sessionCount(owner.user.id);

    // A wrong password is refused as before, and keeps the token.
    const wrong = await link({ linkToken: offered.linkToken, password: 'not the password at all' });
    expect(extensionsOf(wrong)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.password' }] });

    const refused = await link({ linkToken: offered.linkToken, password: STRONG_PASSWORD });
    expect(extensionsOf(refused)).toMatchObject({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED' });
    expect(refused.errors![0].message).toMatch(/sign in.*startOAuthLogin with link: true.*linkOAuthProvider/i);
    expect(refused.data).toEqual({ linkOAuthProvider: null });
    // No link row, no session, no challenge, nothing audited as linked, and the email not marked verified by it.
    expect(await linkCount(users, owner.user.id)).toBe(0);
    expect(await sessionCount(owner.user.id)).toBe(sessionsBefore);
    expect(await challengeCount(owner.user.id)).toBe(0);
    expect(await auditOf(users, 'SOCIAL_ACCOUNT_LINKED', owner.user.id)).toEqual([]);
    const [{ verified }] = await queryRows<{ verified: boolean }>(
      users.subgraph.deps.db,
      `SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1`,
      [uuidOf(owner.user.id)],
    );
    expect(verified).toBe(false);

    // Single use: the right password does not get a second answer from the same token.
    const again = await link({ linkToken: offered.linkToken, password: STRONG_PASSWORD });
    expect(extensionsOf(again)).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.linkToken', message: 'is unknown, used or expired' }],
    });
    // The provider still signs no one in: it offers the link again.
    expect((await socialSignIn(users, 'acme', account)).outcome).toBe('LINK_REQUIRED');
  });

  it('signed in with the password and the second factor: links the provider, which then asks for the second factor', async () => {
    const owner = await register(users, uniqueEmail('two-factor-linker'));
    const { secret } = await enroll(users, owner);
    const account = accountAt(newSubject(), owner.user.email);
    expect((await socialSignIn(users, 'acme', account)).outcome).toBe('LINK_REQUIRED');

    const session = await signInWithTotp(users, owner.user.email, owner.user.id, secret);
    expect(claimsOf(session.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    const redirect = await authorize(users, 'acme', account, { token: session.accessToken, link: true });
    const linked = await link({ provider: 'acme', ...redirect }, session.accessToken);
    expect(linked.data?.linkOAuthProvider).toMatchObject({
      user: { id: owner.user.id },
      socialAccount: { provider: 'acme', email: owner.user.email },
      ...NO_SESSION,
    });
    expect((await auditOf(users, 'SOCIAL_ACCOUNT_LINKED', owner.user.id)).map((p) => p.after)).toEqual([
      { provider: 'acme', proof: 'SESSION' },
    ]);
    // From now on the provider signs the owner in with the second factor too.
    expect(await socialSignIn(users, 'acme', account)).toMatchObject({ outcome: 'TWO_FACTOR_REQUIRED', ...NO_SESSION });
  });

  it('with the password of a suspended account with two-factor on: refused, no challenge', async () => {
    const owner = await register(users, uniqueEmail('suspended-owner'));
    await enroll(users, owner);
    const offered = await socialSignIn(users, 'acme', accountAt(newSubject(), owner.user.email));
    await users.subgraph.deps.db.query(
      `UPDATE users SET suspended_at = now(), suspension_reason = 'test', suspended_by = id WHERE id = $1`,
      [uuidOf(owner.user.id)],
    );
    const result = await link({ linkToken: offered.linkToken, password: STRONG_PASSWORD });
    expect(extensionsOf(result)).toMatchObject({ code: 'FORBIDDEN', reason: 'ACCOUNT_SUSPENDED' });
    expect(await linkCount(users, owner.user.id)).toBe(0);
    expect(await challengeCount(owner.user.id)).toBe(0);
  });

  it('while signed in, for a user with two-factor on: no new session', async () => {
    const { userId, session } = await enrolledSocialUser('signed-in-linker');
    const sessionsBefore = await sessionCount(userId);
    const redirect = await authorize(users, 'github', accountAt(newSubject(), null), {
      token: session.accessToken,
      link: true,
    });
    const linked = await link({ provider: 'github', ...redirect }, session.accessToken);
    expect(linked.data?.linkOAuthProvider).toMatchObject({
      user: { id: userId },
      socialAccount: { provider: 'github' },
      ...NO_SESSION,
    });
    expect(await sessionCount(userId)).toBe(sessionsBefore);
  });
});

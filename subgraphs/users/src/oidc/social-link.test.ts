import { TestSubgraph } from '@marketplace/kit/testing';
import { ME, STRONG_PASSWORD, register, uniqueEmail } from '../testing';
import { IdentityProviders } from './testing/identity-provider';
import {
  CompletedLogin,
  LINK,
  METHODS,
  UNLINK,
  accountAt,
  auditOf,
  authorize,
  complete,
  linkCount,
  newSubject,
  socialSignIn,
  startLogin,
  startSocialUsers,
} from './testing/social-login.fixtures';

/**
 * Linking a provider to an account needs proof of the account (its password, or a signed-in
 * session), and unlinking never takes the last way to sign in.
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

function link(input: Record<string, unknown>, token?: string) {
  return users.client.request(LINK, { variables: { input }, token, headers: { 'x-client-ip': '10.61.0.1' } });
}

describe('a verified provider email matching an account', () => {
  it('answers LINK_REQUIRED with no session, and links once the password proves the account', async () => {
    const owner = await register(users, uniqueEmail('owner'));
    const account = accountAt(newSubject(), owner.user.email);
    const offered = await socialSignIn(users, 'acme', account);
    expect(offered).toMatchObject({
      outcome: 'LINK_REQUIRED',
      email: owner.user.email,
      accessToken: null,
      refreshToken: null,
      user: null,
    });
    expect(offered.linkToken).toMatch(/^[\w-]{40,}$/);
    expect(await linkCount(users, owner.user.id)).toBe(0);

    const wrong = await link({ linkToken: offered.linkToken, password: 'not the password at all' });
    expect(wrong.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.password' }],
    });
    expect(await linkCount(users, owner.user.id)).toBe(0);

    const linked = await link({ linkToken: offered.linkToken, password: STRONG_PASSWORD });
    expect(linked.data?.linkOAuthProvider).toMatchObject({
      user: { id: owner.user.id, emailVerified: true },
      socialAccount: { provider: 'acme', email: owner.user.email },
      accessToken: expect.any(String),
    });
    const me = await users.client.data(ME, { token: linked.data?.linkOAuthProvider.accessToken });
    expect(me.me.id).toBe(owner.user.id);
    expect((await auditOf(users, 'SOCIAL_ACCOUNT_LINKED', owner.user.id)).map((p) => p.after)).toEqual([
      { provider: 'acme', proof: 'PASSWORD' },
    ]);

    // The link token works once; the provider now signs the owner in directly.
    const again = await link({ linkToken: offered.linkToken, password: STRONG_PASSWORD });
    expect(again.errors?.[0].extensions?.fields).toEqual([
      { field: 'input.linkToken', message: 'is unknown, used or expired' },
    ]);
    expect(await socialSignIn(users, 'acme', account)).toMatchObject({
      outcome: 'SIGNED_IN',
      user: { id: owner.user.id },
    });
    // Neither the link token nor the session it bought reaches a log.
    const logs = JSON.stringify(users.logs.records());
    expect(logs).not.toContain(offered.linkToken);
    expect(logs).not.toContain(linked.data?.linkOAuthProvider.refreshToken);
  });

  it('refuses an expired link token', async () => {
    const owner = await register(users, uniqueEmail('late'));
    const offered = await socialSignIn(users, 'acme', accountAt(newSubject(), owner.user.email));
    await users.subgraph.deps.db.query(`UPDATE oauth_pending_links SET expires_at = now() - interval '1 second'`);
    const result = await link({ linkToken: offered.linkToken, password: STRONG_PASSWORD });
    expect(result.errors?.[0].extensions?.fields).toEqual([
      { field: 'input.linkToken', message: 'is unknown, used or expired' },
    ]);
    expect(await linkCount(users, owner.user.id)).toBe(0);
  });

  it('rate limits password guesses against a link token', async () => {
    const owner = await register(users, uniqueEmail('guessed'));
    const offered = await socialSignIn(users, 'acme', accountAt(newSubject(), owner.user.email));
    const codes: unknown[] = [];
    for (let i = 0; i < 6; i += 1) {
      const result = await link({ linkToken: offered.linkToken, password: `wrong password ${i}` });
      codes.push(result.errors?.[0].extensions?.code);
    }
    expect(codes).toEqual([...Array(5).fill('BAD_USER_INPUT'), 'RATE_LIMITED']);
  });

  it('is not the way in for an account without a password: it links signed in, through its existing link', async () => {
    const first = await socialSignIn(users, 'acme', accountAt(newSubject(), uniqueEmail('passwordless')));
    const github = accountAt(newSubject(), first.user!.email);
    const offered = await socialSignIn(users, 'github', github);
    expect(offered.outcome).toBe('LINK_REQUIRED');
    const byPassword = await link({ linkToken: offered.linkToken, password: STRONG_PASSWORD });
    expect(byPassword.errors?.[0].extensions?.fields).toEqual([
      { field: 'input.password', message: 'is not the password of this account' },
    ]);

    const redirect = await authorize(users, 'github', github, { token: first.accessToken!, link: true });
    const linked = await link({ provider: 'github', ...redirect }, first.accessToken!);
    expect(linked.data?.linkOAuthProvider).toMatchObject({
      user: { id: first.user!.id },
      socialAccount: { provider: 'github' },
      accessToken: null,
    });
    expect((await auditOf(users, 'SOCIAL_ACCOUNT_LINKED', first.user!.id)).map((p) => p.after)).toEqual([
      { provider: 'github', proof: 'SESSION' },
    ]);
    expect(await socialSignIn(users, 'github', github)).toMatchObject({ outcome: 'SIGNED_IN' });
  });
});

describe('linking while signed in', () => {
  let owner: CompletedLogin;
  beforeAll(async () => {
    owner = await socialSignIn(users, 'acme', accountAt(newSubject(), uniqueEmail('linker')));
  });

  it('needs a signed-in caller to start', async () => {
    const result = await users.client.request(
      `mutation($input: StartOAuthLoginInput!) { startOAuthLogin(input: $input) { state } }`,
      { variables: { input: { provider: 'github', redirectUri: 'http://localhost:3000/auth/callback', link: true } } },
    );
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('finishes only as the user who started it, and never as a sign-in', async () => {
    const other = await register(users, uniqueEmail('other'));
    const github = accountAt(newSubject(), uniqueEmail('attacker'));
    // An attacker's link request, finished by someone else signed in, or offered as a sign-in: refused.
    const redirect = await authorize(users, 'github', github, { token: owner.accessToken!, link: true });
    const asOther = await link({ provider: 'github', ...redirect }, other.accessToken);
    expect(asOther.errors?.[0].extensions?.fields).toEqual([
      { field: 'input.state', message: 'is unknown, used or expired' },
    ]);
    const asSignIn = await complete(users, 'github', redirect);
    expect(asSignIn.errors?.[0].extensions?.fields).toEqual([
      { field: 'input.state', message: 'is unknown, used or expired' },
    ]);
    const anonymous = await link({ provider: 'github', ...redirect });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await linkCount(users, other.user.id)).toBe(0);
  });

  it('refuses a provider account linked to another user, and a second account of the same provider', async () => {
    const taken = accountAt(newSubject(), uniqueEmail('taken'));
    await socialSignIn(users, 'github', taken);
    const redirect = await authorize(users, 'github', taken, { token: owner.accessToken!, link: true });
    const result = await link({ provider: 'github', ...redirect }, owner.accessToken!);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'SOCIAL_ACCOUNT_TAKEN' });

    const second = accountAt(newSubject(), uniqueEmail('second-acme'));
    const again = await authorize(users, 'acme', second, { token: owner.accessToken!, link: true });
    const duplicate = await link({ provider: 'acme', ...again }, owner.accessToken!);
    expect(duplicate.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'SOCIAL_ACCOUNT_LINKED' });
    expect(await linkCount(users, owner.user!.id)).toBe(1);
  });

  it.each([
    ['nothing', {}],
    ['both proofs', { linkToken: 'x', password: 'y', provider: 'acme', code: 'c', state: 's' }],
  ])('refuses an input with %s', async (_label, input) => {
    const result = await link(input, owner.accessToken!);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input' }] });
  });
});

describe('unlinking', () => {
  it('never takes the last way to sign in of an account without a password', async () => {
    const user = await socialSignIn(users, 'acme', accountAt(newSubject(), uniqueEmail('last')));
    const token = user.accessToken!;
    const refused = await users.client.request(UNLINK, { variables: { p: 'acme' }, token });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'LAST_SIGN_IN_METHOD' });

    const redirect = await authorize(users, 'github', accountAt(newSubject(), null), { token, link: true });
    expect((await link({ provider: 'github', ...redirect }, token)).data?.linkOAuthProvider).toBeTruthy();
    expect((await users.client.request(UNLINK, { variables: { p: 'acme' }, token })).data?.unlinkOAuthProvider).toEqual(
      {
        user: { id: user.user!.id },
        provider: 'acme',
      },
    );
    const last = await users.client.request(UNLINK, { variables: { p: 'github' }, token });
    expect(last.errors?.[0].extensions?.reason).toBe('LAST_SIGN_IN_METHOD');
    expect((await auditOf(users, 'SOCIAL_ACCOUNT_UNLINKED', user.user!.id)).map((p) => p.after)).toEqual([
      { provider: 'acme' },
    ]);
  });

  it('lets exactly one of two racing unlinks through when they would leave none', async () => {
    const user = await socialSignIn(users, 'acme', accountAt(newSubject(), uniqueEmail('racer')));
    const token = user.accessToken!;
    const redirect = await authorize(users, 'github', accountAt(newSubject(), null), { token, link: true });
    await link({ provider: 'github', ...redirect }, token);
    const results = await Promise.all(
      ['acme', 'github'].map((p) => users.client.request(UNLINK, { variables: { p }, token })),
    );
    expect(results.filter((r) => r.data?.unlinkOAuthProvider)).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0].extensions?.reason === 'LAST_SIGN_IN_METHOD')).toHaveLength(1);
    expect(await linkCount(users, user.user!.id)).toBe(1);
  });

  it('unlinks the only provider of an account with a password', async () => {
    const owner = await register(users, uniqueEmail('with-password'));
    const redirect = await authorize(users, 'acme', accountAt(newSubject(), null), {
      token: owner.accessToken,
      link: true,
    });
    await link({ provider: 'acme', ...redirect }, owner.accessToken);
    const methods = await users.client.data(METHODS, { token: owner.accessToken });
    expect(methods.me.signInMethods).toMatchObject({ hasPassword: true, socialAccounts: [{ provider: 'acme' }] });
    const result = await users.client.request(UNLINK, { variables: { p: 'acme' }, token: owner.accessToken });
    expect(result.data?.unlinkOAuthProvider?.provider).toBe('acme');
    expect(await linkCount(users, owner.user.id)).toBe(0);
  });

  it('answers NOT_FOUND for a provider not linked, and UNAUTHENTICATED when signed out', async () => {
    const owner = await register(users, uniqueEmail('nolink'));
    const missing = await users.client.request(UNLINK, { variables: { p: 'github' }, token: owner.accessToken });
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const anonymous = await users.client.request(UNLINK, { variables: { p: 'github' } });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await users.client.request(METHODS)).data).toEqual({ me: null });
  });
});

it('forgets the links of an erased account: the provider account then makes a new one', async () => {
  const owner = await register(users, uniqueEmail('erased'));
  const account = accountAt(newSubject(), owner.user.email);
  const redirect = await authorize(users, 'acme', account, { token: owner.accessToken, link: true });
  await link({ provider: 'acme', ...redirect }, owner.accessToken);
  await users.client.data(`mutation($p: String!) { deleteMyAccount(input: { password: $p }) { user { id } } }`, {
    variables: { p: STRONG_PASSWORD },
    token: owner.accessToken,
  });
  expect(await linkCount(users, owner.user.id)).toBe(0);
  const after = await socialSignIn(users, 'acme', account);
  expect(after.outcome).toBe('ACCOUNT_CREATED');
  expect(after.user!.id).not.toBe(owner.user.id);
});

it('starts no request for a provider the caller cannot name', async () => {
  await expect(startLogin(users, 'nope')).rejects.toThrow(/provider/);
});

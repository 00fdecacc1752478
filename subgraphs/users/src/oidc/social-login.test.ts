import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import { ME, uniqueEmail } from '../testing';
import { CLIENT, IdentityProviders, OTHER_CLIENT } from './testing/identity-provider';
import {
  METHODS,
  REDIRECT_URI,
  START,
  accountAt,
  auditOf,
  authorize,
  complete,
  newSubject,
  signInAtProvider,
  socialSignIn,
  startLogin,
  startSocialUsers,
} from './testing/social-login.fixtures';

/**
 * Social sign-in against a real OpenID Connect provider (oidc-provider), the browser's redirects
 * driven by fetch: the happy path, and the attacks on state, code, PKCE, nonce and audience.
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

async function userCount(email: string): Promise<number> {
  const [row] = await users.subgraph.deps.db.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
  return row.n;
}

it('lists the configured providers', async () => {
  const data = await users.client.data(`{ authProviders { name displayName } }`);
  expect(data.authProviders).toEqual([
    { name: 'acme', displayName: 'Acme ID' },
    { name: 'github', displayName: 'GitHub' },
  ]);
});

it('starts with PKCE (S256), state and nonce, keeping the verifier on the server', async () => {
  const { authorizationUrl, state } = await startLogin(users, 'acme');
  const url = new URL(authorizationUrl);
  expect(`${url.origin}${url.pathname}`).toBe(`${idp.oidc}/auth`);
  expect(Object.fromEntries(url.searchParams)).toMatchObject({
    client_id: CLIENT.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    state,
    code_challenge_method: 'S256',
  });
  expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{40,}$/);
  const [row] = await users.subgraph.deps.db.query(
    `SELECT code_verifier, state_hash FROM oauth_requests WHERE provider = 'acme' ORDER BY expires_at DESC LIMIT 1`,
  );
  expect(authorizationUrl).not.toContain(row.code_verifier);
  expect(row.state_hash).not.toBe(state);
});

it('creates a verified, passwordless account on the first sign-in and signs the same user in after', async () => {
  const email = uniqueEmail('social');
  const account = accountAt(newSubject(), email, true, 'Ada Social');
  const first = await socialSignIn(users, 'acme', account);
  expect(first).toMatchObject({
    outcome: 'ACCOUNT_CREATED',
    linkToken: null,
    twoFactorChallenge: null,
    user: { email, emailVerified: true, displayName: 'Ada Social' },
  });
  const me = await users.client.data(ME, { token: first.accessToken! });
  expect(me.me).toMatchObject({ id: first.user!.id, role: 'CUSTOMER' });
  const methods = await users.client.data(METHODS, { token: first.accessToken! });
  expect(methods.me.signInMethods).toEqual({
    hasPassword: false,
    socialAccounts: [{ provider: 'acme', email, lastUsedAt: null }],
  });

  const again = await socialSignIn(users, 'acme', account);
  expect(again).toMatchObject({ outcome: 'SIGNED_IN', user: { id: first.user!.id }, twoFactorChallenge: null });
  expect(await userCount(email)).toBe(1);
  expect((await auditOf(users, 'SOCIAL_SIGN_IN', first.user!.id)).map((p) => p.after)).toEqual([
    { provider: 'acme', created: true, twoFactorChallenge: false },
    { provider: 'acme', created: false, twoFactorChallenge: false },
  ]);
});

it.each([
  ['another host', 'https://evil.example/auth/callback'],
  ['a longer path', `${REDIRECT_URI}/../../evil`],
  ['an added query', `${REDIRECT_URI}?next=https://evil.example`],
  ['another scheme', REDIRECT_URI.replace('http:', 'https:')],
])('refuses a redirect URI not configured exactly (%s): no open redirect', async (_label, redirectUri) => {
  const result = await users.client.request(START, { variables: { input: { provider: 'acme', redirectUri } } });
  expect(result.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: [{ field: 'input.redirectUri', message: 'is not an allowed redirect URI' }],
  });
});

it('refuses an unknown provider', async () => {
  const result = await users.client.request(START, {
    variables: { input: { provider: 'myspace', redirectUri: REDIRECT_URI } },
  });
  expect(result.errors?.[0].extensions).toMatchObject({ fields: [{ field: 'input.provider' }] });
});

describe('state', () => {
  it('refuses a state it never issued, before asking the provider', async () => {
    const redirect = await authorize(users, 'acme', accountAt(newSubject(), uniqueEmail()));
    const result = await complete(users, 'acme', { ...redirect, state: 'forged-state-value' });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.state', message: 'is unknown, used or expired' }],
    });
    // The genuine state still works: a forged one consumed nothing.
    expect((await complete(users, 'acme', redirect)).data?.completeOAuthLogin?.outcome).toBe('ACCOUNT_CREATED');
  });

  it('refuses the state of another provider, and an expired one', async () => {
    const redirect = await authorize(users, 'acme', accountAt(newSubject(), uniqueEmail()));
    const wrongProvider = await complete(users, 'github', redirect);
    expect(wrongProvider.errors?.[0].extensions?.fields).toEqual([
      { field: 'input.state', message: 'is unknown, used or expired' },
    ]);

    const late = await authorize(users, 'acme', accountAt(newSubject(), uniqueEmail()));
    await users.subgraph.deps.db.query(`UPDATE oauth_requests SET expires_at = now() - interval '1 second'`);
    expect((await complete(users, 'acme', late)).errors?.[0].extensions?.fields).toEqual([
      { field: 'input.state', message: 'is unknown, used or expired' },
    ]);
  });

  it("refuses a code with another request's state: its PKCE verifier and nonce do not match", async () => {
    const victim = await authorize(users, 'acme', accountAt(newSubject(), uniqueEmail('victim')));
    const attacker = await startLogin(users, 'acme');
    const result = await complete(users, 'acme', { ...victim, state: attacker.state });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.code', message: expect.stringContaining('was refused') }],
    });
    expect(result.data).toEqual({ completeOAuthLogin: null });
  });
});

describe('code', () => {
  it('works once: a replay is refused, with its state or with a fresh one', async () => {
    const email = uniqueEmail('replay');
    const redirect = await authorize(users, 'acme', accountAt(newSubject(), email));
    expect((await complete(users, 'acme', redirect)).data?.completeOAuthLogin?.outcome).toBe('ACCOUNT_CREATED');
    const sameState = await complete(users, 'acme', redirect);
    expect(sameState.errors?.[0].extensions?.fields).toEqual([
      { field: 'input.state', message: 'is unknown, used or expired' },
    ]);
    const fresh = await startLogin(users, 'acme');
    const freshState = await complete(users, 'acme', { ...redirect, state: fresh.state });
    expect(freshState.errors?.[0].extensions?.fields).toEqual([
      { field: 'input.code', message: expect.stringContaining('was refused') },
    ]);
    expect(await userCount(email)).toBe(1);
  });

  it('refuses a code the provider issued to another client (its audience is not us)', async () => {
    const ours = await startLogin(users, 'acme');
    const foreign = new URL(ours.authorizationUrl);
    foreign.searchParams.set('client_id', OTHER_CLIENT.clientId);
    const redirect = await signInAtProvider(foreign.href, accountAt(newSubject(), uniqueEmail('foreign')));
    const result = await complete(users, 'acme', redirect);
    expect(result.errors?.[0].extensions?.fields).toEqual([
      { field: 'input.code', message: expect.stringContaining('was refused') },
    ]);
  });

  it('refuses a redirect whose iss names another issuer (RFC 9207 mix-up)', async () => {
    const redirect = await authorize(users, 'acme', accountAt(newSubject(), uniqueEmail('mixup')));
    expect(redirect.iss).toBe(idp.oidc);
    const result = await complete(users, 'acme', { ...redirect, iss: idp.github });
    expect(result.errors?.[0].extensions?.fields).toEqual([
      { field: 'input.code', message: expect.stringContaining('was refused') },
    ]);
  });
});

describe('unverified or missing email', () => {
  it('creates no account for an unverified address', async () => {
    const email = uniqueEmail('unverified');
    const result = await complete(users, 'acme', await authorize(users, 'acme', accountAt(newSubject(), email, false)));
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'PROVIDER_EMAIL_UNVERIFIED' });
    expect(await userCount(email)).toBe(0);
  });

  it('neither links nor offers a link to an existing account on an unverified address', async () => {
    const owner = await socialSignIn(users, 'github', accountAt(newSubject(), uniqueEmail('owner')));
    const email = owner.user!.email;
    const attacker = accountAt(newSubject(), email, false, 'Mallory');
    const result = await complete(users, 'acme', await authorize(users, 'acme', attacker));
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'PROVIDER_EMAIL_UNVERIFIED' });
    const [row] = await users.subgraph.deps.db.query(
      `SELECT (SELECT count(*)::int FROM oauth_identities WHERE user_id = $1) AS links,
              (SELECT count(*)::int FROM oauth_pending_links WHERE user_id = $1) AS pending`,
      [uuidOf(owner.user!.id)],
    );
    expect(row).toEqual({ links: 1, pending: 0 });
  });

  it('refuses an identity with no email at all', async () => {
    const result = await complete(users, 'acme', await authorize(users, 'acme', accountAt(newSubject(), null)));
    expect(result.errors?.[0].extensions?.reason).toBe('PROVIDER_EMAIL_UNVERIFIED');
  });
});

describe('GitHub (OAuth 2.0 and its emails API)', () => {
  it('signs up with the verified primary email, not a verified secondary one', async () => {
    const subject = newSubject();
    const email = uniqueEmail('octocat');
    const created = await socialSignIn(users, 'github', accountAt(subject, email, true, 'The Octocat'));
    expect(created).toMatchObject({ outcome: 'ACCOUNT_CREATED', user: { email, emailVerified: true } });
    const [row] = await users.subgraph.deps.db.query(
      `SELECT subject FROM oauth_identities WHERE provider = 'github' AND user_id = $1`,
      [uuidOf(created.user!.id)],
    );
    expect(row.subject).toBe(subject);
  });

  it('refuses an unverified primary email even when a secondary one is verified', async () => {
    const email = uniqueEmail('unverified-octocat');
    const redirect = await authorize(users, 'github', accountAt(newSubject(), email, false));
    const result = await complete(users, 'github', redirect);
    expect(result.errors?.[0].extensions?.reason).toBe('PROVIDER_EMAIL_UNVERIFIED');
    expect(await userCount(email)).toBe(0);
  });
});

it('refuses a suspended user signing in through a linked provider', async () => {
  const account = accountAt(newSubject(), uniqueEmail('suspended'));
  const created = await socialSignIn(users, 'acme', account);
  await users.subgraph.deps.db.query(
    `UPDATE users SET suspended_at = now(), suspension_reason = 'test', suspended_by = id WHERE id = $1`,
    [uuidOf(created.user!.id)],
  );
  const result = await complete(users, 'acme', await authorize(users, 'acme', account));
  expect(result.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ACCOUNT_SUSPENDED' });
});

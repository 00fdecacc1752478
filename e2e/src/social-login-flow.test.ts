import { Totp } from '@marketplace/users';
import {
  OIDC_TEST_CLIENT,
  OIDC_TEST_REDIRECT_URI,
  accountAt,
  signInAtProvider,
  startIdentityProviders,
} from '@marketplace/users/testing';
import { TestSupergraph, startTestSupergraph } from './testing/supergraph';

/**
 * Issue 25, social login through the gateway: a real OpenID Connect provider (oidc-provider,
 * its own process), the browser's redirects driven by fetch, the supergraph in front.
 */
let idp: Awaited<ReturnType<typeof startIdentityProviders>>;
let supergraph: TestSupergraph;
beforeAll(async () => {
  idp = await startIdentityProviders();
  supergraph = await startTestSupergraph({
    OIDC_PROVIDERS: 'acme',
    OIDC_REDIRECT_URIS: OIDC_TEST_REDIRECT_URI,
    OIDC_ACME_ISSUER: idp.oidc,
    OIDC_ACME_CLIENT_ID: OIDC_TEST_CLIENT.clientId,
    OIDC_ACME_CLIENT_SECRET: OIDC_TEST_CLIENT.clientSecret,
  });
}, 60_000);
afterAll(async () => {
  await supergraph?.close();
  await idp?.close();
});

const START = `mutation($input: StartOAuthLoginInput!) { startOAuthLogin(input: $input) { authorizationUrl state } }`;
const COMPLETE = `mutation($input: CompleteOAuthLoginInput!) {
  completeOAuthLogin(input: $input) {
    outcome accessToken user { id email emailVerified } twoFactorChallenge { token methods }
  }
}`;
const STEP_MS = 30_000;

/** The whole redirect flow at the provider as `account`, answered by `completeOAuthLogin`. */
async function socialSignIn(account: string) {
  const { startOAuthLogin } = await supergraph.client.data(START, {
    variables: { input: { provider: 'acme', redirectUri: OIDC_TEST_REDIRECT_URI } },
  });
  const redirect = await signInAtProvider(startOAuthLogin.authorizationUrl, account);
  const { completeOAuthLogin } = await supergraph.client.data(COMPLETE, {
    variables: { input: { provider: 'acme', ...redirect } },
  });
  return completeOAuthLogin;
}

it('signs up with a provider, reads the account through the gateway, and refuses the code a second time', async () => {
  const providers = await supergraph.client.data(`{ authProviders { name displayName } }`);
  expect(providers.authProviders).toEqual([{ name: 'acme', displayName: 'acme' }]);

  const { startOAuthLogin } = await supergraph.client.data(START, {
    variables: { input: { provider: 'acme', redirectUri: OIDC_TEST_REDIRECT_URI } },
  });
  const email = `social.${process.pid}.${Date.now()}@example.com`;
  const redirect = await signInAtProvider(startOAuthLogin.authorizationUrl, accountAt('e2e-subject', email));
  expect(redirect.state).toBe(startOAuthLogin.state);
  const input = { provider: 'acme', ...redirect };
  const { completeOAuthLogin } = await supergraph.client.data(COMPLETE, { variables: { input } });
  expect(completeOAuthLogin).toMatchObject({ outcome: 'ACCOUNT_CREATED', user: { email, emailVerified: true } });

  const me = await supergraph.client.data(
    `{ me { email signInMethods { hasPassword socialAccounts { provider email } } } }`,
    { token: completeOAuthLogin.accessToken },
  );
  expect(me.me).toEqual({
    email,
    signInMethods: { hasPassword: false, socialAccounts: [{ provider: 'acme', email }] },
  });

  const replay = await supergraph.client.request(COMPLETE, { variables: { input } });
  expect(replay.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: [{ field: 'input.state', message: 'is unknown, used or expired' }],
  });
});

it('asks a user with two-factor on for a code after the provider, then signs them in with it', async () => {
  const email = `social.2fa.${process.pid}.${Date.now()}@example.com`;
  const account = accountAt(`e2e-2fa-${process.pid}-${Date.now()}`, email);
  const created = await socialSignIn(account);
  expect(created).toMatchObject({ outcome: 'ACCOUNT_CREATED', twoFactorChallenge: null });
  const { startTotpEnrollment } = await supergraph.client.data(`mutation { startTotpEnrollment { secret } }`, {
    token: created.accessToken,
  });
  const secret: string = startTotpEnrollment.secret;
  await supergraph.client.data(`mutation($c: String!) { confirmTotpEnrollment(input: { code: $c }) { accessToken } }`, {
    token: created.accessToken,
    variables: { c: Totp.codeNow(secret) },
  });

  const challenged = await socialSignIn(account);
  expect(challenged).toMatchObject({ outcome: 'TWO_FACTOR_REQUIRED', accessToken: null, user: null });
  expect(challenged.twoFactorChallenge.methods).toEqual(['TOTP', 'RECOVERY_CODE']);
  // The step just used to enroll is spent: the next one (accepted for clock drift) completes the sign-in.
  const { verifyTwoFactor } = await supergraph.client.data(
    `mutation($t: String!, $c: String!) { verifyTwoFactor(input: { challenge: $t, code: $c }) { accessToken } }`,
    { variables: { t: challenged.twoFactorChallenge.token, c: Totp.codeNow(secret, Date.now() + STEP_MS) } },
  );
  const me = await supergraph.client.data(`{ me { id email } }`, { token: verifyTwoFactor.accessToken });
  expect(me.me).toEqual({ id: created.user.id, email });
});

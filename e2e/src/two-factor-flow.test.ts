import { randomUUID } from 'node:crypto';
import { DEMO_PASSWORD, Totp } from '@marketplace/users';
import { TestSupergraph, startTestSupergraph } from './testing/supergraph';

/**
 * Issue 25 through the gateway: signing in with a second factor, and admin-only operations of
 * another subgraph (the catalog's categories) refused to an admin without one, with
 * `ADMIN_REQUIRE_TWO_FACTOR=true` as in production.
 */
// Enrolling the demo admin ends its sessions: a store of this file's own keeps other files' demo tokens alive.
process.env.SESSION_KEY_PREFIX = `${process.env.SESSION_KEY_PREFIX ?? 'test'}:two-factor-flow-${randomUUID()}`;

const ADMIN_EMAIL = 'admin@marketplace.local';
const ADMIN_PASSWORD = 'admin-password-123';
const STEP_MS = 30_000;

let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph({ ADMIN_REQUIRE_TWO_FACTOR: 'true' });
  await supergraph.subgraphs.get('users')!.wiring.seed?.();
}, 120_000);
afterAll(() => supergraph?.close());

const gql = () => supergraph.client;
const LOGIN = `mutation($e: String!, $p: String!) {
  login(input: { email: $e, password: $p }) { accessToken twoFactorChallenge { token methods } }
}`;
const START = `mutation { startTotpEnrollment { secret otpauthUrl } }`;
const CONFIRM = `mutation($c: String!) { confirmTotpEnrollment(input: { code: $c }) { accessToken recoveryCodes } }`;
const VERIFY = `mutation($t: String!, $c: String!) {
  verifyTwoFactor(input: { challenge: $t, code: $c }) { accessToken user { id role } }
}`;
const CREATE_CATEGORY = `mutation($n: String!) { createCategory(input: { name: $n }) { category { id name } } }`;

type Login = { accessToken: string | null; twoFactorChallenge: { token: string; methods: string[] } | null };

async function login(email: string, password: string): Promise<Login> {
  return (await gql().data<{ login: Login }>(LOGIN, { variables: { e: email, p: password } })).login;
}

/** Enrolls the signed-in user; answers the secret (the step just used is remembered: sign-ins use the next). */
async function enroll(token: string): Promise<string> {
  const { startTotpEnrollment } = await gql().data<{ startTotpEnrollment: { secret: string; otpauthUrl: string } }>(
    START,
    { token },
  );
  expect(startTotpEnrollment.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
  const { confirmTotpEnrollment } = await gql().data<{ confirmTotpEnrollment: { recoveryCodes: string[] } }>(CONFIRM, {
    token,
    variables: { c: Totp.codeNow(startTotpEnrollment.secret) },
  });
  expect(confirmTotpEnrollment.recoveryCodes).toHaveLength(10);
  return startTotpEnrollment.secret;
}

it('signs a customer in with a password and then a TOTP code', async () => {
  const email = `second.factor.${randomUUID()}@example.com`;
  const { register } = await gql().data<{ register: { accessToken: string } }>(
    `mutation($e: String!) { register(input: { email: $e, password: "${DEMO_PASSWORD}", displayName: "Two" }) { accessToken } }`,
    { variables: { e: email } },
  );
  const secret = await enroll(register.accessToken);
  const challenged = await login(email, DEMO_PASSWORD);
  expect(challenged.accessToken).toBeNull();
  expect(challenged.twoFactorChallenge!.methods).toEqual(['TOTP', 'RECOVERY_CODE']);
  const { verifyTwoFactor } = await gql().data<{ verifyTwoFactor: { accessToken: string; user: { role: string } } }>(
    VERIFY,
    { variables: { t: challenged.twoFactorChallenge!.token, c: Totp.codeNow(secret, Date.now() + STEP_MS) } },
  );
  const { me } = await gql().data<{ me: { email: string } }>(`{ me { email } }`, {
    token: verifyTwoFactor.accessToken,
  });
  expect(me.email).toBe(email);
});

it("refuses the catalog's admin-only operations to an admin without a second factor, and runs them with one", async () => {
  const passwordOnly = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
  const refused = await gql().request(CREATE_CATEGORY, {
    token: passwordOnly.accessToken!,
    variables: { n: `Refused ${randomUUID().slice(0, 8)}` },
  });
  expect(refused.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED' });
  const secret = await enroll(passwordOnly.accessToken!);
  const challenged = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
  const { verifyTwoFactor } = await gql().data<{ verifyTwoFactor: { accessToken: string; user: { role: string } } }>(
    VERIFY,
    { variables: { t: challenged.twoFactorChallenge!.token, c: Totp.codeNow(secret, Date.now() + STEP_MS) } },
  );
  expect(verifyTwoFactor.user.role).toBe('ADMIN');
  const name = `Second factor ${randomUUID().slice(0, 8)}`;
  const created = await gql().data<{ createCategory: { category: { name: string } } }>(CREATE_CATEGORY, {
    token: verifyTwoFactor.accessToken,
    variables: { n: name },
  });
  expect(created.createCategory.category.name).toBe(name);
});

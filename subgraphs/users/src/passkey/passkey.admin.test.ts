import { TestSubgraph } from '@marketplace/kit/testing';
import { claimsOf, registerAs, startUsers } from '../testing';
import { challengeOf } from '../two-factor/two-factor.testing';
import { authenticator, completeLogin, loginOptions, registerPasskey, signInWithPasskey } from './passkey.testing';

/** Issue 25: a passkey is the second factor admin-only operations need (`ADMIN_REQUIRE_TWO_FACTOR`), alone or after the password. */
const ADMIN_ONLY = `{ users(first: 1) { totalCount } }`;

let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers({ ADMIN_REQUIRE_TWO_FACTOR: 'true' });
});
afterAll(() => users.close());

it('lets an admin in with a passkey, alone or after the password, and not on the registering session', async () => {
  const admin = await registerAs(users, 'ADMIN');
  const device = authenticator();
  const { session: registering } = await registerPasskey(users, admin, device);
  const refused = await users.client.request(ADMIN_ONLY, { token: registering.accessToken });
  expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED' });

  const alone = await signInWithPasskey(users, device);
  expect(claimsOf(alone.accessToken)).toMatchObject({ role: 'ADMIN', amr: ['hwk', 'mfa'] });
  expect((await users.client.data(ADMIN_ONLY, { token: alone.accessToken })).users.totalCount).toBeGreaterThan(0);

  const challenge = await challengeOf(users, admin.user.email);
  const second = await completeLogin(users, device.authenticate(await loginOptions(users, challenge.token)));
  const token = second.data!.completePasskeyLogin!.accessToken;
  expect(claimsOf(token)).toMatchObject({ role: 'ADMIN', amr: ['pwd', 'hwk', 'mfa'] });
  expect((await users.client.data(ADMIN_ONLY, { token })).users.totalCount).toBeGreaterThan(0);
});

import { TestSubgraph } from '@marketplace/kit/testing';
import {
  ME,
  REFRESH,
  SET_USER_ROLE,
  Session,
  claimsOf,
  loginAsAdmin,
  register,
  registerAs,
  startUsers,
} from '../testing';
import { enroll, signInWithTotp } from './two-factor.testing';

/**
 * Issue 25: "Admins must have a second factor before admin-only operations run (configurable,
 * on in production)". `ADMIN_REQUIRE_TWO_FACTOR=true` here; the default outside production is off.
 */
const ADMIN_ONLY = `{ users(first: 1) { totalCount } }`;

const extensionsOf = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions;

describe('with ADMIN_REQUIRE_TWO_FACTOR=true', () => {
  let users: TestSubgraph;
  beforeAll(async () => {
    users = await startUsers({ ADMIN_REQUIRE_TWO_FACTOR: 'true' });
  });
  afterAll(() => users.close());

  it('refuses admin-only operations to an admin signed in with a password alone, saying why', async () => {
    const admin = await registerAs(users, 'ADMIN');
    const listed = await users.client.request<{ users: unknown }>(ADMIN_ONLY, { token: admin.accessToken });
    expect(listed.data?.users).toBeNull();
    expect(extensionsOf(listed)).toEqual({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED' });
    const customer = await register(users);
    const promoted = await users.client.request(SET_USER_ROLE, {
      token: admin.accessToken,
      variables: { userId: customer.user.id, role: 'VENDOR' },
    });
    expect(extensionsOf(promoted)).toMatchObject({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED' });
    // Still signed in, as who they are: their own account is theirs to read (and to enroll with).
    const me = await users.client.data<{ me: { role: string } }>(ME, { token: admin.accessToken });
    expect(me.me.role).toBe('ADMIN');
  });

  it('lets the admin in once signed in with a second factor, across refreshes; enrolling alone is not enough', async () => {
    const admin = await registerAs(users, 'ADMIN');
    const enrolled = await enroll(users, admin);
    // Enrolling with a password-only session leaves that session password-only: a stolen token cannot mint one.
    const stillRefused = await users.client.request(ADMIN_ONLY, { token: enrolled.session.accessToken });
    expect(extensionsOf(stillRefused)).toMatchObject({ reason: 'SECOND_FACTOR_REQUIRED' });
    const strong = await signInWithTotp(users, admin.user.email, admin.user.id, enrolled.secret);
    expect(claimsOf(strong.accessToken)).toMatchObject({ role: 'ADMIN', amr: ['pwd', 'otp', 'mfa'] });
    const listed = await users.client.data<{ users: { totalCount: number } }>(ADMIN_ONLY, {
      token: strong.accessToken,
    });
    expect(listed.users.totalCount).toBeGreaterThan(0);
    const refreshed = await users.client.data<{ refreshToken: Session }>(REFRESH, {
      variables: { t: strong.refreshToken },
    });
    expect(
      (await users.client.request(ADMIN_ONLY, { token: refreshed.refreshToken.accessToken })).errors,
    ).toBeUndefined();
  });

  it('refuses customers and anonymous callers as before: FORBIDDEN without a reason, UNAUTHENTICATED', async () => {
    const customer = await register(users);
    expect(extensionsOf(await users.client.request(ADMIN_ONLY, { token: customer.accessToken }))).toEqual({
      code: 'FORBIDDEN',
    });
    expect(extensionsOf(await users.client.request(ADMIN_ONLY))).toEqual({ code: 'UNAUTHENTICATED' });
  });
});

describe('with the setting off (the default outside production)', () => {
  let users: TestSubgraph;
  beforeAll(async () => {
    users = await startUsers();
  });
  afterAll(() => users.close());

  it('lets the seeded demo admin run admin-only operations with a password alone', async () => {
    const admin = await loginAsAdmin(users);
    expect(claimsOf(admin.accessToken).amr).toBeUndefined();
    const listed = await users.client.data<{ users: { totalCount: number } }>(ADMIN_ONLY, {
      token: admin.accessToken,
    });
    expect(listed.users.totalCount).toBeGreaterThan(0);
  });
});

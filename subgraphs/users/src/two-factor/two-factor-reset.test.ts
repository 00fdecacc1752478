import { randomUUID } from 'node:crypto';
import { Envelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, globalId, uuidOf } from '@marketplace/kit/testing';
import { authenticator, completeLogin, loginOptions, registerPasskey } from '../passkey/passkey.testing';
import {
  ME,
  REFRESH,
  Session,
  SignedInRoles,
  Who,
  login,
  mailsTo,
  register,
  registerAs,
  startUsers,
  startUsersWithRoles,
  tokenOf,
  waitForMail,
} from '../testing';
import { challengeOf, enroll, signInWithTotp, unusedCode, verify } from './two-factor.testing';

/**
 * Issue: an admin resets the second factors of a user who lost every one of them (authenticator,
 * passkeys and recovery codes): who may, what goes, what the user can do afterwards, and races.
 */
let users: TestSubgraph;
let roles: SignedInRoles;
beforeAll(async () => {
  ({ users, roles } = await startUsersWithRoles());
});
afterAll(() => users.close());

const RESET = `mutation($input: ResetTwoFactorInput!) { resetTwoFactor(input: $input) { user { id } } }`;
const RESET_SUBJECT = 'Two-factor authentication was reset for your Marketplace account';
const ERASE = `mutation($u: ID!) { eraseUser(input: { userId: $u }) { user { id } } }`;

const extensionsOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions;

function reset(token: string | undefined, input: Record<string, unknown>, subgraph = users) {
  return subgraph.client.request<{ resetTwoFactor: { user: { id: string } } | null }>(RESET, {
    variables: { input },
    token,
  });
}

/** Rows of the user's second factors left, per table. */
async function factorsLeft(userId: string) {
  const [row] = await queryRows<Record<string, number>>(
    users.subgraph.deps.db,
    `SELECT (SELECT count(*) FROM user_totp WHERE user_id = $1)::int AS totp,
            (SELECT count(*) FROM passkeys WHERE user_id = $1)::int AS passkeys,
            (SELECT count(*) FROM webauthn_ceremonies WHERE user_id = $1)::int AS ceremonies,
            (SELECT count(*) FROM two_factor_recovery_codes WHERE user_id = $1)::int AS "recoveryCodes",
            (SELECT count(*) FROM two_factor_challenges WHERE user_id = $1)::int AS challenges`,
    [uuidOf(userId)],
  );
  return row;
}

async function resets(userId: string) {
  const rows = await queryRows<{ envelope: Envelope<Record<string, unknown>> }>(
    users.subgraph.deps.db,
    `SELECT envelope FROM outbox WHERE type = 'audit.recorded' AND envelope->'payload'->>'action' = 'TWO_FACTOR_RESET'
       AND envelope->'payload'->>'targetId' = $1 ORDER BY position`,
    [uuidOf(userId)],
  );
  return rows.map((row) => row.envelope.payload);
}

/** A user with TOTP, a passkey, recovery codes and a sign-in waiting for the second factor. */
async function fullyEnrolled() {
  const first = await register(users);
  const enrolled = await enroll(users, first);
  const device = authenticator();
  const { passkey, session } = await registerPasskey(users, enrolled.session, device);
  const pending = await challengeOf(users, first.user.email);
  return {
    user: first.user,
    secret: enrolled.secret,
    recoveryCodes: enrolled.recoveryCodes,
    device,
    passkey,
    session,
    pending,
  };
}

describe('who may reset', () => {
  it.each<[Who, string]>([
    ['anonymous', 'UNAUTHENTICATED'],
    ['customer', 'FORBIDDEN'],
    ['vendor', 'FORBIDDEN'],
  ])('refuses %s with %s, changing nothing', async (who, code) => {
    const target = await fullyEnrolled();
    const before = await factorsLeft(target.user.id);
    const result = await reset(tokenOf(roles, who), { userId: target.user.id, reason: 'lost phone' });
    expect(extensionsOf(result)).toMatchObject({ code });
    expect(result.data).toEqual({ resetTwoFactor: null });
    expect(await factorsLeft(target.user.id)).toEqual(before);
    expect(await resets(target.user.id)).toEqual([]);
  });

  it('refuses an admin their own account with CONFLICT (OWN_ACCOUNT): another admin resets it', async () => {
    const admin = await registerAs(users, 'ADMIN');
    // Enrolling ends the other sessions: the fresh one asks.
    const { session } = await enroll(users, admin);
    const own = await reset(session.accessToken, { userId: admin.user.id, reason: 'lost my phone' });
    expect(extensionsOf(own)).toEqual({
      code: 'CONFLICT',
      reason: 'OWN_ACCOUNT',
      fields: [{ field: 'input.userId', message: 'is your own account' }],
    });
    expect((await factorsLeft(admin.user.id)).totp).toBe(1);
    const byAnother = await reset(roles.admin.accessToken, { userId: admin.user.id, reason: 'verified on a call' });
    expect(byAnother.data?.resetTwoFactor?.user.id).toBe(admin.user.id);
    expect((await factorsLeft(admin.user.id)).totp).toBe(0);
  });

  it('with ADMIN_REQUIRE_TWO_FACTOR=true: an admin signed in with the password alone is refused, with both factors may', async () => {
    const strict = await startUsers({ ADMIN_REQUIRE_TWO_FACTOR: 'true' });
    try {
      const admin = await registerAs(strict, 'ADMIN');
      const { secret, session } = await enroll(strict, admin);
      const target = await register(strict);
      await enroll(strict, target);
      // Enrolled, but this session was signed in with the password alone.
      const weak = await reset(session.accessToken, { userId: target.user.id, reason: 'lost phone' }, strict);
      expect(extensionsOf(weak)).toEqual({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED' });
      const strong = await signInWithTotp(strict, admin.user.email, admin.user.id, secret);
      const done = await reset(strong.accessToken, { userId: target.user.id, reason: 'lost phone' }, strict);
      expect(done.data?.resetTwoFactor?.user.id).toBe(target.user.id);
    } finally {
      await strict.close();
    }
  });
});

describe('resetTwoFactor', () => {
  it('removes every second factor, ends every session, audits and mails; the password alone signs in', async () => {
    const target = await fullyEnrolled();
    expect(await factorsLeft(target.user.id)).toMatchObject({ totp: 1, passkeys: 1, recoveryCodes: 10, challenges: 1 });
    const sessions = await queryRows<{ id: string }>(
      users.subgraph.deps.db,
      `SELECT id FROM sessions WHERE user_id = $1 AND ended_at IS NULL ORDER BY id`,
      [uuidOf(target.user.id)],
    );
    expect(sessions.length).toBeGreaterThan(0);

    const result = await reset(roles.admin.accessToken, {
      userId: target.user.id,
      reason: '  Lost phone and codes; identity checked on a video call  ',
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.resetTwoFactor?.user.id).toBe(target.user.id);
    expect(await factorsLeft(target.user.id)).toEqual({
      totp: 0,
      passkeys: 0,
      ceremonies: 0,
      recoveryCodes: 0,
      challenges: 0,
    });

    // Every session ended: the access token is dead, the refresh token revoked.
    expect(await users.client.errorCode(ME, { token: target.session.accessToken })).toBe('UNAUTHENTICATED');
    expect(await users.client.errorCode(REFRESH, { variables: { t: target.session.refreshToken } })).toBe(
      'UNAUTHENTICATED',
    );
    // The pending sign-in, the old factors and the recovery codes no longer work.
    const pending = await verify(users, target.pending.token, await unusedCode(users, target.user.id, target.secret));
    expect(extensionsOf(pending)).toMatchObject({ code: 'BAD_USER_INPUT' });
    const byPasskey = await completeLogin(users, target.device.authenticate(await loginOptions(users)));
    expect(byPasskey.data?.completePasskeyLogin).toBeNull();

    // The password alone signs the user in now: a session, no challenge.
    const again = await login(users.client, target.user.email, undefined, '10.71.0.1');
    expect(again.data?.login.accessToken).toEqual(expect.any(String));
    expect((await users.client.data(ME, { token: again.data!.login.accessToken })).me.id).toBe(target.user.id);

    const [audit] = await resets(target.user.id);
    expect(audit).toMatchObject({
      actor: { kind: 'USER', userId: uuidOf(roles.admin.user.id), role: 'ADMIN' },
      after: {
        reason: 'Lost phone and codes; identity checked on a video call',
        removed: { totp: true, passkeyIds: [uuidOf(target.passkey.id)], recoveryCodes: 10, challenges: 1 },
        endedSessions: expect.arrayContaining(sessions.map((row) => row.id)),
      },
    });
    // Neither secrets nor codes are in the record.
    expect(JSON.stringify(audit)).not.toContain(target.secret);
    expect(JSON.stringify(audit)).not.toContain(target.recoveryCodes[0]);
    const mail = await waitForMail(users, target.user.email, RESET_SUBJECT);
    expect(mail.text).toContain('removed every second factor');
    expect(mail.text).toContain('Every session of your account has been signed out.');
  });

  it('lets the user turn two-factor on again at once, even after being throttled for wrong codes', async () => {
    const target = await fullyEnrolled();
    for (let i = 0; i < 6; i += 1) await verify(users, target.pending.token, '000000');
    await reset(roles.admin.accessToken, { userId: target.user.id, reason: 'lost phone' });
    const signedIn = (await login(users.client, target.user.email, undefined, '10.71.0.2')).data!.login;
    const { secret } = await enroll(users, signedIn);
    expect(secret).toEqual(expect.any(String));
    expect((await factorsLeft(target.user.id)).totp).toBe(1);
  });

  it('changes nothing for a user with no second factor but the audit trail: sessions stay, no mail', async () => {
    const target = await register(users);
    const result = await reset(roles.admin.accessToken, { userId: target.user.id, reason: 'asked by mistake' });
    expect(result.data?.resetTwoFactor?.user.id).toBe(target.user.id);
    expect((await users.client.data(ME, { token: target.accessToken })).me.id).toBe(target.user.id);
    expect(await resets(target.user.id)).toMatchObject([
      { after: { removed: { totp: false, passkeyIds: [], recoveryCodes: 0, challenges: 0 }, endedSessions: [] } },
    ]);
    expect(mailsTo(users, target.user.email).map((mail) => mail.subject)).not.toContain(RESET_SUBJECT);
  });
});

describe('bad input', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a malformed user id', { userId: 'not-an-id', reason: 'lost phone' }, 'input.userId'],
    ['an empty reason', { reason: '' }, 'input.reason'],
    ['a blank reason', { reason: '   \n ' }, 'input.reason'],
    ['a reason over 500 characters', { reason: 'x'.repeat(501) }, 'input.reason'],
    ['a control character in the reason', { reason: 'lost\u0000phone' }, 'input.reason'],
  ])('refuses %s with BAD_USER_INPUT', async (_, input, field) => {
    const target = await register(users);
    await enroll(users, target);
    const result = await reset(roles.admin.accessToken, { userId: target.user.id, ...input });
    expect(extensionsOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field }] });
    expect((await factorsLeft(target.user.id)).totp).toBe(1);
  });

  it('answers NOT_FOUND for an unknown user and CONFLICT (INVALID_STATUS) for an erased one', async () => {
    const unknown = await reset(roles.admin.accessToken, { userId: globalId('User', randomUUID()), reason: 'x' });
    expect(extensionsOf(unknown)).toEqual({ code: 'NOT_FOUND' });
    const erased = await registerAs(users, 'CUSTOMER');
    await users.client.data(ERASE, { variables: { u: erased.user.id }, token: roles.admin.accessToken });
    const refused = await reset(roles.admin.accessToken, { userId: erased.user.id, reason: 'x' });
    expect(extensionsOf(refused)).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_STATUS',
      fields: [{ field: 'input.userId', message: 'is an erased account' }],
    });
  });
});

describe('races', () => {
  it('two admins resetting one user at once: both succeed, one removes, one finds nothing; one mail', async () => {
    const target = await fullyEnrolled();
    const [a, b] = await Promise.all([registerAs(users, 'ADMIN'), registerAs(users, 'ADMIN')]);
    const results = await Promise.all(
      [a, b].map((admin: Session) => reset(admin.accessToken, { userId: target.user.id, reason: 'lost phone' })),
    );
    expect(results.map((result) => result.errors)).toEqual([undefined, undefined]);
    expect(results.map((result) => result.data?.resetTwoFactor?.user.id)).toEqual([target.user.id, target.user.id]);
    const records = await resets(target.user.id);
    expect(records.map((record) => (record.after as { removed: { totp: boolean } }).removed.totp).sort()).toEqual([
      false,
      true,
    ]);
    await waitForMail(users, target.user.email, RESET_SUBJECT);
    expect(mailsTo(users, target.user.email).filter((mail) => mail.subject === RESET_SUBJECT)).toHaveLength(1);
  });

  it('a reset racing the owner enrolling again: either order leaves consistent rows, no 500', async () => {
    const target = await register(users);
    const { secret, session } = await enroll(users, target);
    const [resetResult, relogin] = await Promise.all([
      reset(roles.admin.accessToken, { userId: target.user.id, reason: 'lost phone' }),
      signInWithTotp(users, target.user.email, target.user.id, secret).catch((error: Error) => error),
    ]);
    expect(resetResult.errors).toBeUndefined();
    // The sign-in either completed before the reset (its session then ended) or found its challenge gone.
    if (!(relogin instanceof Error))
      expect(await users.client.errorCode(ME, { token: relogin.accessToken })).toBe('UNAUTHENTICATED');
    expect(await users.client.errorCode(ME, { token: session.accessToken })).toBe('UNAUTHENTICATED');
    // No factor survives, whichever ran first.
    expect(await factorsLeft(target.user.id)).toMatchObject({ totp: 0, passkeys: 0, recoveryCodes: 0 });
  });
});

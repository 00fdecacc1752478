import { queryRows } from '@marketplace/kit';
import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import {
  CHANGE_PASSWORD,
  ME,
  REFRESH,
  STRONG_PASSWORD,
  Session,
  auditActionsOf,
  claimsOf,
  login,
  loginAsAdmin,
  mailsTo,
  register,
  startUsers,
  waitForMail,
} from '../testing';
import { Totp } from './totp';
import {
  CONFIRM,
  DISABLE,
  LOGIN,
  REGENERATE,
  START,
  challengeOf,
  enroll,
  signInWithTotp,
  unusedCode,
  verify,
} from './two-factor.testing';

/** Issue 25: TOTP as a second factor, its recovery codes, and the challenged sign-in. */
let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers();
});
afterAll(() => users.close());

const ON_SUBJECT = 'Two-factor authentication is on for your Marketplace account';
const OFF_SUBJECT = 'Two-factor authentication is off for your Marketplace account';

const codeOf = (result: { errors?: { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions;

describe('enrollment', () => {
  it('shows a secret, its otpauth URL and QR codes, and keeps the secret sealed at rest', async () => {
    const session = await register(users);
    const { startTotpEnrollment: started } = await users.client.data<{
      startTotpEnrollment: { secret: string; otpauthUrl: string; qrCodeSvg: string; qrCodeDataUrl: string };
    }>(START, { token: session.accessToken });
    expect(started.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Marketplace:/);
    expect(started.otpauthUrl).toContain(`secret=${started.secret}`);
    expect(started.otpauthUrl).toContain(encodeURIComponent(session.user.email));
    expect(started.qrCodeSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(started.qrCodeDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/);
    const [row] = await queryRows<{ secret_sealed: string; enabled_at: Date | null }>(
      users.subgraph.deps.db,
      `SELECT secret_sealed, enabled_at FROM user_totp WHERE user_id = $1`,
      [uuidOf(session.user.id)],
    );
    expect(row.enabled_at).toBeNull();
    expect(row.secret_sealed).not.toContain(started.secret);
    const ENABLED = `{ me { twoFactorEnabled } }`;
    expect(await users.client.data(ENABLED, { token: session.accessToken })).toEqual({
      me: { twoFactorEnabled: false },
    });
    // Not on until confirmed: the password alone still signs in.
    expect((await login(users.client, session.user.email)).data?.login.accessToken).toEqual(expect.any(String));
  });

  it('turns on with a right code only: ten recovery codes once, other sessions ended, audited', async () => {
    const session = await register(users);
    const other = (await login(users.client, session.user.email)).data!.login;
    const { startTotpEnrollment } = await users.client.data<{ startTotpEnrollment: { secret: string } }>(START, {
      token: session.accessToken,
    });
    const wrong = await users.client.request(CONFIRM, { token: session.accessToken, variables: { code: '000000' } });
    expect(codeOf(wrong)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.code' }] });
    const confirmed = await users.client.data<{ confirmTotpEnrollment: Session & { recoveryCodes: string[] } }>(
      CONFIRM,
      { token: session.accessToken, variables: { code: Totp.codeNow(startTotpEnrollment.secret) } },
    );
    const { recoveryCodes, accessToken } = confirmed.confirmTotpEnrollment;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const stored = await queryRows<{ code_hash: string }>(
      users.subgraph.deps.db,
      `SELECT code_hash FROM two_factor_recovery_codes WHERE user_id = $1`,
      [uuidOf(session.user.id)],
    );
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(recoveryCodes[0].replace('-', ''));
    expect((await users.client.request(REFRESH, { variables: { t: other.refreshToken } })).status).toBe(401);
    expect((await users.client.data<{ me: { id: string } }>(ME, { token: accessToken })).me.id).toBe(session.user.id);
    expect(await users.client.data(`{ me { twoFactorEnabled } }`, { token: accessToken })).toEqual({
      me: { twoFactorEnabled: true },
    });
    // Not even an admin reads it (the users list would ask for it row by row).
    const byAdmin = await users.client.data<{ user: { id: string; twoFactorEnabled: boolean | null } }>(
      `query($id: ID!) { user(id: $id) { id twoFactorEnabled } }`,
      { token: (await loginAsAdmin(users)).accessToken, variables: { id: session.user.id } },
    );
    expect(byAdmin.user).toEqual({ id: session.user.id, twoFactorEnabled: null });
    // Once on, a second enrollment is refused rather than replacing the secret.
    const again = await users.client.request(START, { token: accessToken });
    expect(codeOf(again)).toMatchObject({ code: 'CONFLICT', reason: 'TWO_FACTOR_ENABLED' });
    expect(await auditActionsOf(users, session.user.id)).toEqual(['TWO_FACTOR_ENABLED']);
    const notice = await waitForMail(users, session.user.email, ON_SUBJECT);
    expect(notice.text).toContain('Every other session of your account has been signed out.');
    expect(notice.text).not.toContain(startTotpEnrollment.secret);
  });
});

describe('signing in with a second factor', () => {
  it('answers a challenge instead of tokens, and verifyTwoFactor the session, marked mfa across refreshes', async () => {
    const session = await register(users);
    const { secret } = await enroll(users, session);
    const { login: answer } = await users.client.data<{ login: Record<string, unknown> }>(LOGIN, {
      variables: { input: { email: session.user.email, password: STRONG_PASSWORD } },
    });
    expect(answer).toMatchObject({ accessToken: null, refreshToken: null, expiresIn: null, user: null });
    const challenge = answer.twoFactorChallenge as { token: string; expiresAt: string; methods: string[] };
    expect(challenge.methods).toEqual(['TOTP', 'RECOVERY_CODE']);
    const ttlMs = Date.parse(challenge.expiresAt) - Date.now();
    expect(ttlMs).toBeGreaterThan(250_000);
    expect(ttlMs).toBeLessThanOrEqual(300_000);
    const result = await verify(users, challenge.token, await unusedCode(users, session.user.id, secret));
    const signedIn = result.data!.verifyTwoFactor!;
    expect(signedIn.user.id).toBe(session.user.id);
    expect(claimsOf(signedIn.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    const refreshed = await users.client.data<{ refreshToken: Session }>(REFRESH, {
      variables: { t: signedIn.refreshToken },
    });
    expect(claimsOf(refreshed.refreshToken.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    // A challenge completes once.
    const reused = await verify(users, challenge.token, await unusedCode(users, session.user.id, secret));
    expect(codeOf(reused)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.challenge' }] });
  });

  it('keeps the second-factor standing of the session that changes the password', async () => {
    const session = await register(users);
    const { secret } = await enroll(users, session);
    const strong = await signInWithTotp(users, session.user.email, session.user.id, secret);
    const { changePassword } = await users.client.data<{ changePassword: Session }>(CHANGE_PASSWORD, {
      token: strong.accessToken,
      variables: { c: STRONG_PASSWORD, n: 'another correct horse battery' },
    });
    expect(claimsOf(changePassword.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('keeps users without two-factor signing in with the password alone, with no amr claim', async () => {
    const session = await register(users);
    const { login: answer } = await users.client.data<{ login: Record<string, unknown> }>(LOGIN, {
      variables: { input: { email: session.user.email, password: STRONG_PASSWORD } },
    });
    expect(answer).toMatchObject({ accessToken: expect.any(String), twoFactorChallenge: null });
    expect(claimsOf(answer.accessToken as string).amr).toBeUndefined();
  });

  it('refuses a TOTP code used once already, even within its 30 seconds', async () => {
    const session = await register(users);
    const { secret } = await enroll(users, session);
    const code = await unusedCode(users, session.user.id, secret);
    const first = await verify(users, (await challengeOf(users, session.user.email)).token, code);
    expect(first.data?.verifyTwoFactor?.accessToken).toEqual(expect.any(String));
    const replay = await verify(users, (await challengeOf(users, session.user.email)).token, code);
    expect(codeOf(replay)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.code' }] });
  });

  it('lets exactly one of two sign-ins racing with one code through', async () => {
    const session = await register(users);
    const { secret } = await enroll(users, session);
    const [first, second] = await Promise.all([
      challengeOf(users, session.user.email),
      challengeOf(users, session.user.email),
    ]);
    const code = await unusedCode(users, session.user.id, secret);
    const results = await Promise.all([verify(users, first.token, code), verify(users, second.token, code)]);
    expect(results.filter((result) => result.data?.verifyTwoFactor)).toHaveLength(1);
    expect(results.map((result) => codeOf(result)?.code).filter(Boolean)).toEqual(['BAD_USER_INPUT']);
  });

  it('accepts each recovery code once, and no longer lists them when all are used', async () => {
    const session = await register(users);
    const { recoveryCodes } = await enroll(users, session);
    const upper = recoveryCodes[0].toUpperCase().replace('-', ' ');
    const used = await verify(users, (await challengeOf(users, session.user.email)).token, upper);
    expect(claimsOf(used.data!.verifyTwoFactor!.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    const again = await verify(users, (await challengeOf(users, session.user.email)).token, recoveryCodes[0]);
    expect(codeOf(again)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.code' }] });
    await users.subgraph.deps.db.query(`UPDATE two_factor_recovery_codes SET used_at = now() WHERE user_id = $1`, [
      uuidOf(session.user.id),
    ]);
    expect((await challengeOf(users, session.user.email)).methods).toEqual(['TOTP']);
  });

  it('refuses a forged, an expired and another user’s challenge', async () => {
    const session = await register(users);
    const { secret } = await enroll(users, session);
    const forged = await verify(users, 'x'.repeat(43), Totp.codeNow(secret));
    expect(codeOf(forged)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.challenge' }] });
    const expired = await challengeOf(users, session.user.email);
    await users.subgraph.deps.db.query(
      `UPDATE two_factor_challenges SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [uuidOf(session.user.id)],
    );
    const late = await verify(users, expired.token, await unusedCode(users, session.user.id, secret));
    expect(codeOf(late)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.challenge' }] });
    // Someone else's right code does not complete this user's challenge.
    const stranger = await register(users);
    const strangers = await enroll(users, stranger);
    const challenge = await challengeOf(users, session.user.email);
    const crossed = await verify(users, challenge.token, await unusedCode(users, stranger.user.id, strangers.secret));
    expect(codeOf(crossed)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.code' }] });
  });
});

describe('turning it off and renewing recovery codes', () => {
  it('refuses a wrong code, and turns off with a recovery code: other sessions end, login is one step again', async () => {
    const session = await register(users);
    const enrolled = await enroll(users, session);
    const other = await signInWithTotp(users, session.user.email, session.user.id, enrolled.secret);
    const token = enrolled.session.accessToken;
    const wrong = await users.client.request(DISABLE, { token, variables: { code: '123456' } });
    expect(codeOf(wrong)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.code' }] });
    expect((await challengeOf(users, session.user.email)).methods).toContain('TOTP');
    const off = await users.client.data<{ disableTotp: Session }>(DISABLE, {
      token,
      variables: { code: enrolled.recoveryCodes[3] },
    });
    expect(off.disableTotp.user.id).toBe(session.user.id);
    expect((await users.client.request(REFRESH, { variables: { t: other.refreshToken } })).status).toBe(401);
    expect((await login(users.client, session.user.email)).data?.login.accessToken).toEqual(expect.any(String));
    const tables = await queryRows<{ n: number }>(
      users.subgraph.deps.db,
      `SELECT (SELECT count(*) FROM user_totp WHERE user_id = $1)
            + (SELECT count(*) FROM two_factor_recovery_codes WHERE user_id = $1)::int AS n`,
      [uuidOf(session.user.id)],
    );
    expect(Number(tables[0].n)).toBe(0);
    expect(await auditActionsOf(users, session.user.id)).toEqual(['TWO_FACTOR_ENABLED', 'TWO_FACTOR_DISABLED']);
    await waitForMail(users, session.user.email, OFF_SUBJECT);
    expect(mailsTo(users, session.user.email).map((mail) => mail.subject)).toContain(ON_SUBJECT);
    const again = await users.client.request(DISABLE, { token: off.disableTotp.accessToken, variables: { code: '1' } });
    expect(codeOf(again)).toMatchObject({ code: 'CONFLICT', reason: 'TWO_FACTOR_NOT_ENABLED' });
  });

  it('renews the recovery codes for a TOTP code (not a recovery code); the old ones stop working', async () => {
    const session = await register(users);
    const enrolled = await enroll(users, session);
    const token = enrolled.session.accessToken;
    const byRecovery = await users.client.request(REGENERATE, {
      token,
      variables: { code: enrolled.recoveryCodes[0] },
    });
    expect(codeOf(byRecovery)).toMatchObject({ code: 'BAD_USER_INPUT' });
    const { regenerateRecoveryCodes } = await users.client.data<{
      regenerateRecoveryCodes: { recoveryCodes: string[] };
    }>(REGENERATE, { token, variables: { code: await unusedCode(users, session.user.id, enrolled.secret) } });
    expect(regenerateRecoveryCodes.recoveryCodes).toHaveLength(10);
    expect(regenerateRecoveryCodes.recoveryCodes).not.toContain(enrolled.recoveryCodes[1]);
    const old = await verify(users, (await challengeOf(users, session.user.email)).token, enrolled.recoveryCodes[1]);
    expect(codeOf(old)).toMatchObject({ code: 'BAD_USER_INPUT' });
    const fresh = await verify(
      users,
      (await challengeOf(users, session.user.email)).token,
      regenerateRecoveryCodes.recoveryCodes[1],
    );
    expect(fresh.data?.verifyTwoFactor?.user.id).toBe(session.user.id);
    expect(await auditActionsOf(users, session.user.id)).toContain('TWO_FACTOR_RECOVERY_CODES_REGENERATED');
  });
});

it('forgets the secret, the recovery codes and the challenges of an erased account', async () => {
  const session = await register(users);
  const enrolled = await enroll(users, session);
  await challengeOf(users, session.user.email);
  await users.client.data(`mutation($p: String!) { deleteMyAccount(input: { password: $p }) { user { id } } }`, {
    token: enrolled.session.accessToken,
    variables: { p: STRONG_PASSWORD },
  });
  for (const table of ['user_totp', 'two_factor_recovery_codes', 'two_factor_challenges'])
    expect(
      await queryRows(users.subgraph.deps.db, `SELECT 1 FROM ${table} WHERE user_id = $1`, [uuidOf(session.user.id)]),
    ).toEqual([]);
});

describe('who may', () => {
  it.each([
    ['startTotpEnrollment', START, {}],
    ['confirmTotpEnrollment', CONFIRM, { code: '123456' }],
    ['disableTotp', DISABLE, { code: '123456' }],
    ['regenerateRecoveryCodes', REGENERATE, { code: '123456' }],
  ])('refuses %s to an anonymous caller', async (_name, query, variables) => {
    const result = await users.client.request(query, { variables });
    expect(codeOf(result)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it("acts only on the caller's own account: another user's code turns nothing off", async () => {
    const owner = await register(users);
    const enrolled = await enroll(users, owner);
    const stranger = await register(users);
    const code = await unusedCode(users, owner.user.id, enrolled.secret);
    const result = await users.client.request(DISABLE, { token: stranger.accessToken, variables: { code } });
    expect(codeOf(result)).toMatchObject({ code: 'CONFLICT', reason: 'TWO_FACTOR_NOT_ENABLED' });
    expect((await challengeOf(users, owner.user.email)).methods).toContain('TOTP');
  });
});

import { queryRows } from '@marketplace/kit';
import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import { ME, REFRESH, claimsOf, loginAsAdmin, register, startUsers } from '../testing';
import { challengeOf, enroll, unusedCode, verify } from '../two-factor/two-factor.testing';
import {
  MY_PASSKEYS,
  authenticator,
  completeLogin,
  loginOptions,
  registerPasskey,
  signInWithPasskey,
} from './passkey.testing';

/** Issue 25: signing in with a passkey, alone or as the second factor after the password. */
let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers();
});
afterAll(() => users.close());

const extensionsOf = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions;

/** A new account with one passkey on a device of its own. */
async function withPasskey() {
  const session = await register(users);
  const device = authenticator();
  const { passkey, recoveryCodes } = await registerPasskey(users, session, device);
  return { session, device, passkey, recoveryCodes };
}

describe('a passkey alone', () => {
  it('signs in with no email or password: a session with a second factor, the passkey marked used', async () => {
    const { session, device, passkey } = await withPasskey();
    const options = await loginOptions(users);
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
    expect(options.allowCredentials ?? []).toEqual([]);
    const result = await completeLogin(users, device.authenticate(options));
    const signedIn = result.data!.completePasskeyLogin!;
    expect(signedIn.user.id).toBe(session.user.id);
    expect(claimsOf(signedIn.accessToken)).toMatchObject({ amr: ['hwk', 'mfa'] });
    // The refresh family remembers how it was established.
    const refreshed = await users.client.data(REFRESH, { variables: { t: signedIn.refreshToken } });
    expect(claimsOf(refreshed.refreshToken.accessToken).amr).toEqual(['hwk', 'mfa']);
    const { me } = await users.client.data(MY_PASSKEYS, { token: signedIn.accessToken });
    expect(me.passkeys).toEqual([expect.objectContaining({ id: passkey.id, lastUsedAt: expect.any(String) })]);
    const [row] = await queryRows<{ sign_count: string }>(
      users.subgraph.deps.db,
      `SELECT sign_count FROM passkeys WHERE user_id = $1`,
      [uuidOf(session.user.id)],
    );
    expect(row.sign_count).toBe(String(device.credentials[0].signCount));
  });

  it('refuses a replayed answer, a cloned counter, another origin, no user verification and a forged signature', async () => {
    const { device } = await withPasskey();
    const answer = device.authenticate(await loginOptions(users));
    expect((await completeLogin(users, answer)).data?.completePasskeyLogin).toBeTruthy();
    expect(extensionsOf(await completeLogin(users, answer))).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.response', message: expect.stringMatching(/no open passkey sign-in/) }],
    });
    const current = device.credentials[0].signCount;
    const attacks = [
      { signCount: current }, // a clone that did not see the last sign-in
      { origin: 'https://evil.example' },
      { userVerified: false },
      { tamperSignature: true },
      { rpId: 'evil.example' },
    ];
    for (const overrides of attacks) {
      const refused = await completeLogin(users, device.authenticate(await loginOptions(users), overrides));
      expect({ overrides, extensions: extensionsOf(refused) }).toMatchObject({
        overrides,
        extensions: { code: 'UNAUTHENTICATED' },
      });
      expect(refused.data?.completePasskeyLogin).toBeNull();
    }
    // The device itself still signs in: none of those moved its counter.
    expect((await signInWithPasskey(users, device)).accessToken).toEqual(expect.any(String));
  });

  it("refuses an unknown credential, another account's user handle, and malformed answers", async () => {
    const { session } = await withPasskey();
    const stranger = authenticator();
    stranger.register({
      rp: { id: 'localhost', name: 'x' },
      user: { id: Buffer.from('nobody').toString('base64url'), name: 'n', displayName: 'n' },
      challenge: Buffer.from('0123456789abcdef').toString('base64url'),
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      authenticatorSelection: { residentKey: 'required' },
    });
    const unknown = await completeLogin(users, stranger.authenticate(await loginOptions(users)));
    expect(extensionsOf(unknown)?.code).toBe('UNAUTHENTICATED');
    const { device: other } = await withPasskey();
    const spoofed = other.authenticate(await loginOptions(users), {
      userHandle: Buffer.from(uuidOf(session.user.id)).toString('base64url'),
    });
    expect(extensionsOf(await completeLogin(users, spoofed))?.code).toBe('UNAUTHENTICATED');
    for (const [response, field] of [
      [{}, 'input.response.type'],
      [
        { type: 'public-key', id: 'a', rawId: 'a', response: { clientDataJSON: 'e30' } },
        'input.response.response.authenticatorData',
      ],
      [
        {
          type: 'public-key',
          id: 'a',
          rawId: 'a',
          response: { clientDataJSON: 'e30', authenticatorData: '', signature: '' },
        },
        'input.response.response.clientDataJSON',
      ],
      [{ type: 'public-key', id: 'not base64url!', rawId: 'a', response: {} }, 'input.response.id'],
    ] as const)
      expect(extensionsOf(await completeLogin(users, response as never))).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field }],
      });
  });

  it('respects a suspension', async () => {
    const { session, device } = await withPasskey();
    const admin = await loginAsAdmin(users);
    await users.client.data(`mutation($i: SuspendUserInput!) { suspendUser(input: $i) { user { id } } }`, {
      token: admin.accessToken,
      variables: { i: { userId: session.user.id, reason: 'chargebacks' } },
    });
    const refused = await completeLogin(users, device.authenticate(await loginOptions(users)));
    expect(extensionsOf(refused)).toMatchObject({ code: 'FORBIDDEN', reason: 'ACCOUNT_SUSPENDED' });
  });

  it('lets exactly one of two racing answers to one ceremony sign in', async () => {
    const { device } = await withPasskey();
    const options = await loginOptions(users);
    const answers = [device.authenticate(options), device.authenticate(options)];
    const results = await Promise.all(answers.map((answer) => completeLogin(users, answer)));
    expect(results.filter((result) => result.data?.completePasskeyLogin).length).toBe(1);
  });
});

describe('a passkey as the second factor', () => {
  it("completes the password's challenge with one of the account's passkeys, once", async () => {
    const { session, device } = await withPasskey();
    const challenge = await challengeOf(users, session.user.email);
    expect(challenge.methods).toEqual(['PASSKEY', 'RECOVERY_CODE']);
    const options = await loginOptions(users, challenge.token);
    expect(options).toMatchObject({ userVerification: 'preferred' });
    expect(options.allowCredentials).toEqual([expect.objectContaining({ id: device.credentials[0].id })]);
    // Possession is the second factor: a key without user verification is enough after the password.
    const result = await completeLogin(users, device.authenticate(options, { userVerified: false }));
    const signedIn = result.data!.completePasskeyLogin!;
    expect(claimsOf(signedIn.accessToken)).toMatchObject({ amr: ['pwd', 'hwk', 'mfa'] });
    expect((await users.client.data(ME, { token: signedIn.accessToken })).me.id).toBe(session.user.id);
    // The challenge is completed: neither a code nor another passkey answer uses it again.
    expect(extensionsOf(await verify(users, challenge.token, '123456'))?.code).toBe('BAD_USER_INPUT');
    const reused = await users.client.request(
      `mutation($c: String) { startPasskeyLogin(input: { twoFactorChallenge: $c }) { expiresAt } }`,
      { variables: { c: challenge.token } },
    );
    expect(extensionsOf(reused)?.fields).toEqual([{ field: 'input.twoFactorChallenge', message: expect.any(String) }]);
  });

  it("refuses another account's passkey and counts it against the challenge", async () => {
    const { session } = await withPasskey();
    const { device: mallorys } = await withPasskey();
    const challenge = await challengeOf(users, session.user.email);
    const options = await loginOptions(users, challenge.token);
    const foreign = mallorys.authenticate(options, { credentialId: mallorys.credentials[0].id });
    expect(extensionsOf(await completeLogin(users, foreign))?.fields).toEqual([
      { field: 'input.response', message: 'was not accepted by any of your passkeys' },
    ]);
    const [row] = await queryRows<{ attempts: number }>(
      users.subgraph.deps.db,
      `SELECT attempts FROM two_factor_challenges WHERE user_id = $1`,
      [uuidOf(session.user.id)],
    );
    expect(row.attempts).toBe(1);
  });

  it('is refused once the challenge it answers has expired, naming the answer', async () => {
    const { session, device } = await withPasskey();
    const challenge = await challengeOf(users, session.user.email);
    const options = await loginOptions(users, challenge.token);
    await users.subgraph.deps.db.query(
      `UPDATE two_factor_challenges SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [uuidOf(session.user.id)],
    );
    expect(extensionsOf(await completeLogin(users, device.authenticate(options)))?.fields).toEqual([
      { field: 'input.response', message: 'is invalid, used or expired: sign in again' },
    ]);
  });

  it('is refused for a forged challenge or an account without passkeys; a recovery code still completes it', async () => {
    const forged = await users.client.request(
      `mutation { startPasskeyLogin(input: { twoFactorChallenge: "forged" }) { expiresAt } }`,
    );
    expect(extensionsOf(forged)?.code).toBe('BAD_USER_INPUT');
    const totpOnly = await register(users);
    const enrolled = await enroll(users, totpOnly);
    const challenge = await challengeOf(users, totpOnly.user.email);
    const noPasskey = await users.client.request(
      `mutation($c: String) { startPasskeyLogin(input: { twoFactorChallenge: $c }) { expiresAt } }`,
      { variables: { c: challenge.token } },
    );
    expect(extensionsOf(noPasskey)?.fields).toEqual([
      { field: 'input.twoFactorChallenge', message: 'is for an account with no passkey: use a code' },
    ]);
    expect(
      (await verify(users, challenge.token, await unusedCode(users, totpOnly.user.id, enrolled.secret))).data,
    ).toBeTruthy();
    const { session, recoveryCodes } = await withPasskey();
    const passkeyChallenge = await challengeOf(users, session.user.email);
    expect((await verify(users, passkeyChallenge.token, recoveryCodes![0])).data?.verifyTwoFactor).toBeTruthy();
    // A TOTP-shaped code is no use to an account without an authenticator app.
    const again = await challengeOf(users, session.user.email);
    expect(extensionsOf(await verify(users, again.token, '123456'))?.code).toBe('BAD_USER_INPUT');
  });
});

import { queryRows } from '@marketplace/kit';
import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import { ME, REFRESH, Session, auditActionsOf, loginAsAdmin, register, startUsers, waitForMail } from '../testing';
import { challengeOf, enroll, verify } from '../two-factor/two-factor.testing';
import {
  DELETE,
  MY_PASSKEYS,
  authenticator,
  completeRegistration,
  registerPasskey,
  registrationOptions,
  signInWithPasskey,
} from './passkey.testing';

/** Issue 25: registering and removing passkeys, a second factor like TOTP. */
let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers();
});
afterAll(() => users.close());

const extensionsOf = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions;

describe('registering a passkey', () => {
  it('offers a discoverable, user-verifying credential bound to the storefront, for the account', async () => {
    const session = await register(users);
    const options = await registrationOptions(users, session.accessToken);
    expect(options).toMatchObject({
      rp: { id: 'localhost', name: 'Marketplace' },
      user: { name: session.user.email, displayName: session.user.displayName },
      attestation: 'none',
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      excludeCredentials: [],
    });
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The user handle is the account's id, not its email.
    expect(Buffer.from(options.user.id, 'base64url').toString('utf8')).toBe(uuidOf(session.user.id));
  });

  it('turns two-factor on with recovery codes, ends the other sessions, audits and mails', async () => {
    const session = await register(users);
    const device = authenticator();
    const { passkey, recoveryCodes, session: fresh } = await registerPasskey(users, session, device, ' Work laptop ');
    expect(passkey).toMatchObject({ name: 'Work laptop', backedUp: false });
    expect(recoveryCodes).toHaveLength(10);
    // The session that registered it ended with the others; this device has a fresh one.
    const refreshed = await users.client.request(REFRESH, { variables: { t: session.refreshToken } });
    expect(extensionsOf(refreshed)?.code).toBe('UNAUTHENTICATED');
    expect(await users.client.data(MY_PASSKEYS, { token: fresh.accessToken })).toEqual({
      me: { twoFactorEnabled: true, passkeys: [expect.objectContaining({ id: passkey.id, lastUsedAt: null })] },
    });
    expect(await auditActionsOf(users, session.user.id)).toEqual(['PASSKEY_ADDED']);
    await waitForMail(users, session.user.email, 'A passkey was added to your Marketplace account');
    // Stored: the credential's public key and counter, nothing secret.
    const [row] = await queryRows<{ credential_id: string; sign_count: string }>(
      users.subgraph.deps.db,
      `SELECT credential_id, sign_count FROM passkeys WHERE user_id = $1`,
      [uuidOf(session.user.id)],
    );
    expect(row).toEqual({ credential_id: device.credentials[0].id, sign_count: '0' });
  });

  it('gives no new recovery codes when the account has them, and excludes passkeys registered already', async () => {
    const session = await register(users);
    const device = authenticator();
    const first = await registerPasskey(users, session, device);
    const options = await registrationOptions(users, first.session.accessToken);
    expect(options.excludeCredentials).toEqual([expect.objectContaining({ id: device.credentials[0].id })]);
    const second = await registerPasskey(users, first.session, authenticator(), 'Phone');
    expect(second.recoveryCodes).toBeNull();
    const totpUser = await register(users);
    const enrolled = await enroll(users, totpUser);
    expect((await registerPasskey(users, enrolled.session, authenticator())).recoveryCodes).toBeNull();
  });

  it('refuses malformed, foreign, replayed and forged answers, spending the ceremony', async () => {
    const session = await register(users);
    const token = session.accessToken;
    const device = authenticator();
    const malformed = await completeRegistration(users, token, { id: 'x', type: 'public-key' } as never);
    expect(extensionsOf(malformed)).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.response.rawId', message: expect.any(String) }],
    });
    const notJson = device.register(await registrationOptions(users, token));
    const garbled = { ...notJson, response: { ...notJson.response, clientDataJSON: 'bm90IGpzb24' } };
    expect(extensionsOf(await completeRegistration(users, token, garbled))?.fields).toEqual([
      { field: 'input.response.response.clientDataJSON', message: expect.any(String) },
    ]);
    // Another origin (a phishing site): refused, and its challenge cannot be answered again.
    const options = await registrationOptions(users, token);
    const phished = await completeRegistration(
      users,
      token,
      device.register(options, { origin: 'https://evil.example' }),
    );
    expect(extensionsOf(phished)?.fields).toEqual([
      { field: 'input.response', message: expect.stringMatching(/not accepted/) },
    ]);
    const retried = await completeRegistration(users, token, authenticator().register(options));
    expect(extensionsOf(retried)?.fields).toEqual([
      { field: 'input.response', message: expect.stringMatching(/no open/) },
    ]);
    // No user verification (a bare security key touch), another relying party, another user's ceremony.
    for (const forged of [
      device.register(await registrationOptions(users, token), { userVerified: false }),
      device.register(await registrationOptions(users, token), { rpId: 'evil.example' }),
    ])
      expect(extensionsOf(await completeRegistration(users, token, forged))?.code).toBe('BAD_USER_INPUT');
    const mallory = await register(users);
    const stolen = device.register(await registrationOptions(users, token));
    expect(extensionsOf(await completeRegistration(users, mallory.accessToken, stolen))?.fields).toEqual([
      { field: 'input.response', message: expect.stringMatching(/no open/) },
    ]);
    // A right answer works once.
    const answer = authenticator().register(await registrationOptions(users, token));
    const accepted = await completeRegistration(users, token, answer);
    expect(accepted.data?.completePasskeyRegistration?.passkey).toBeTruthy();
    const fresh = accepted.data!.completePasskeyRegistration!.accessToken;
    expect(extensionsOf(await completeRegistration(users, fresh, answer))?.code).toBe('BAD_USER_INPUT');
    expect(await auditActionsOf(users, session.user.id)).toEqual(['PASSKEY_ADDED']);
  });

  it('refuses a credential registered to another account, and names too long', async () => {
    const alice = await register(users);
    const aliceDevice = authenticator();
    await registerPasskey(users, alice, aliceDevice);
    const bob = await register(users);
    const copy = authenticator().register(await registrationOptions(users, bob.accessToken), {
      credentialId: aliceDevice.credentials[0].id,
    });
    expect(extensionsOf(await completeRegistration(users, bob.accessToken, copy))).toMatchObject({
      code: 'CONFLICT',
      reason: 'PASSKEY_ALREADY_REGISTERED',
    });
    const long = authenticator().register(await registrationOptions(users, bob.accessToken));
    expect(extensionsOf(await completeRegistration(users, bob.accessToken, long, 'x'.repeat(65)))?.fields).toEqual([
      { field: 'input.name', message: 'must be at most 64 characters' },
    ]);
  });

  it('is for the signed-in user only; another user, an admin and anonymous callers see no passkeys', async () => {
    const owner = await register(users);
    const { session } = await registerPasskey(users, owner, authenticator());
    expect(extensionsOf(await users.client.request(`mutation { startPasskeyRegistration { expiresAt } }`))?.code).toBe(
      'UNAUTHENTICATED',
    );
    const admin = await loginAsAdmin(users);
    const PASSKEYS_OF = `query($id: ID!) { user(id: $id) { id passkeys { id } } }`;
    expect(
      (await users.client.data(PASSKEYS_OF, { variables: { id: owner.user.id }, token: admin.accessToken })).user,
    ).toEqual({
      id: owner.user.id,
      passkeys: null,
    });
    // Another customer does not see the user at all; the owner sees them through `me`.
    const stranger = await register(users);
    expect(
      (await users.client.data(PASSKEYS_OF, { variables: { id: owner.user.id }, token: stranger.accessToken })).user,
    ).toBeNull();
    expect((await users.client.data(MY_PASSKEYS, { token: session.accessToken })).me.passkeys).toHaveLength(1);
    expect((await users.client.data(ME, { token: session.accessToken })).me.id).toBe(owner.user.id);
  });
});

describe('removing a passkey', () => {
  it('needs a session signed in with a second factor, then ends two-factor with the last factor', async () => {
    const session = await register(users);
    const device = authenticator();
    const { passkey, session: registered } = await registerPasskey(users, session, device);
    // The registering session keeps the password-only standing it had.
    const refused = await users.client.request(DELETE, { token: registered.accessToken, variables: { p: passkey.id } });
    expect(extensionsOf(refused)).toMatchObject({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED' });
    const strong = await signInWithPasskey(users, device);
    const stranger = await register(users);
    const foreign = await users.client.request(DELETE, { token: stranger.accessToken, variables: { p: passkey.id } });
    expect(extensionsOf(foreign)?.code).toBe('FORBIDDEN');
    const removed = await users.client.data(DELETE, { token: strong.accessToken, variables: { p: passkey.id } });
    expect(removed.deletePasskey.deletedPasskeyId).toBe(passkey.id);
    const fresh: Session = removed.deletePasskey;
    expect(await users.client.data(MY_PASSKEYS, { token: fresh.accessToken })).toEqual({
      me: { twoFactorEnabled: false, passkeys: [] },
    });
    const [codes] = await queryRows<{ n: number }>(
      users.subgraph.deps.db,
      `SELECT count(*)::int AS n FROM two_factor_recovery_codes WHERE user_id = $1`,
      [uuidOf(session.user.id)],
    );
    expect(codes.n).toBe(0);
    await waitForMail(users, session.user.email, 'A passkey was removed from your Marketplace account');
    expect(await auditActionsOf(users, session.user.id)).toEqual(['PASSKEY_ADDED', 'PASSKEY_REMOVED']);
    // Gone (the fresh session kept its second-factor standing): NOT_FOUND now.
    const again = await users.client.request(DELETE, { token: fresh.accessToken, variables: { p: passkey.id } });
    expect(extensionsOf(again)?.code).toBe('NOT_FOUND');
  });

  it("answers NOT_FOUND for a passkey that is not the caller's, and BAD_USER_INPUT for a malformed id", async () => {
    const owner = await register(users);
    const ownerDevice = authenticator();
    const { passkey } = await registerPasskey(users, owner, ownerDevice);
    const other = await register(users);
    const otherDevice = authenticator();
    await registerPasskey(users, other, otherDevice);
    const strong = await signInWithPasskey(users, otherDevice);
    const foreign = await users.client.request(DELETE, { token: strong.accessToken, variables: { p: passkey.id } });
    expect(extensionsOf(foreign)?.code).toBe('NOT_FOUND');
    const malformed = await users.client.request(DELETE, {
      token: strong.accessToken,
      variables: { p: 'Passkey:nope' },
    });
    expect(extensionsOf(malformed)?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps two-factor and the recovery codes while another factor remains (TOTP turned off, passkey kept)', async () => {
    const session = await register(users);
    const enrolled = await enroll(users, session);
    const { session: withPasskey } = await registerPasskey(users, enrolled.session, authenticator());
    const challenge = await challengeOf(users, session.user.email);
    expect(challenge.methods).toEqual(['TOTP', 'PASSKEY', 'RECOVERY_CODE']);
    // A recovery code completes the sign-in and then turns TOTP off; the passkey stays a second factor.
    const signedIn = await verify(users, challenge.token, enrolled.recoveryCodes[0]);
    expect(signedIn.data?.verifyTwoFactor).toBeTruthy();
    const DISABLE = `mutation($c: String!) { disableTotp(input: { code: $c }) { accessToken } }`;
    const off = await users.client.data(DISABLE, {
      token: withPasskey.accessToken,
      variables: { c: enrolled.recoveryCodes[1] },
    });
    expect((await users.client.data(MY_PASSKEYS, { token: off.disableTotp.accessToken })).me.twoFactorEnabled).toBe(
      true,
    );
    expect((await challengeOf(users, session.user.email)).methods).toEqual(['PASSKEY', 'RECOVERY_CODE']);
    await waitForMail(users, session.user.email, 'The authenticator app was removed from your Marketplace account');
  });

  it('renews the recovery codes of a passkey-only account from a passkey session, and only from one', async () => {
    const REGENERATE = `mutation($c: String) { regenerateRecoveryCodes(input: { code: $c }) { recoveryCodes } }`;
    const session = await register(users);
    const device = authenticator();
    const { recoveryCodes, session: registering } = await registerPasskey(users, session, device);
    const weak = await users.client.request(REGENERATE, { token: registering.accessToken });
    expect(extensionsOf(weak)).toMatchObject({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED' });
    const strong = await signInWithPasskey(users, device);
    const renewed = await users.client.data(REGENERATE, { token: strong.accessToken });
    expect(renewed.regenerateRecoveryCodes.recoveryCodes).toHaveLength(10);
    // The old codes stopped working.
    const challenge = await challengeOf(users, session.user.email);
    expect(extensionsOf(await verify(users, challenge.token, recoveryCodes![0]))?.code).toBe('BAD_USER_INPUT');
    // With an authenticator app on, a code is still required; without two-factor there is nothing to renew.
    const totpUser = await register(users);
    const enrolled = await enroll(users, totpUser);
    const withoutCode = await users.client.request(REGENERATE, { token: enrolled.session.accessToken });
    expect(extensionsOf(withoutCode)?.fields).toEqual([
      { field: 'input.code', message: 'is required while an authenticator app is on' },
    ]);
    const plain = await register(users);
    const off = await users.client.request(REGENERATE, { token: plain.accessToken });
    expect(extensionsOf(off)).toMatchObject({ code: 'CONFLICT', reason: 'TWO_FACTOR_NOT_ENABLED' });
  });
});

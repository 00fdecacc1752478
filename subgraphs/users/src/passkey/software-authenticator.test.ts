import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type GenerateRegistrationOptionsOpts,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { isoBase64URL, isoCBOR, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { SoftwareAuthenticator, type SoftwareAuthenticatorOptions } from './software-authenticator.testing';

const rpID = 'market.test';
const origin = 'https://market.test';
const userID = new TextEncoder().encode('user-1');

function registrationOptions(extra: Partial<GenerateRegistrationOptionsOpts> = {}) {
  return generateRegistrationOptions({ rpName: 'Marketplace', rpID, userName: 'ada@example.com', userID, ...extra });
}

/** Registers a credential through the library and returns what a server would store. */
async function enrolled(
  options: SoftwareAuthenticatorOptions = {},
  extra: Partial<GenerateRegistrationOptionsOpts> = {},
) {
  const authenticator = new SoftwareAuthenticator({ origin, ...options });
  const creation = await registrationOptions(extra);
  const { verified, registrationInfo } = await verifyRegistrationResponse({
    response: authenticator.register(creation),
    expectedChallenge: creation.challenge,
    expectedOrigin: options.origin ?? origin,
    expectedRPID: rpID,
    requireUserVerification: options.userVerified ?? true,
  });
  if (!verified) throw new Error('registration did not verify');
  return { authenticator, creation, credential: registrationInfo.credential };
}

async function verifyAssertion(
  authenticator: SoftwareAuthenticator,
  credential: WebAuthnCredential,
  overrides: Parameters<SoftwareAuthenticator['authenticate']>[1] = {},
  requireUserVerification = true,
) {
  const options = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }] });
  return verifyAuthenticationResponse({
    response: authenticator.authenticate(options, overrides),
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    credential,
    requireUserVerification,
  });
}

describe('SoftwareAuthenticator registration', () => {
  it('creates a credential that verifyRegistrationResponse accepts, with its id, public key and counter', async () => {
    const authenticator = new SoftwareAuthenticator({ origin });
    const creation = await registrationOptions();
    const response = authenticator.register(creation);
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: creation.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
    });

    expect(result.verified).toBe(true);
    const [held] = authenticator.credentials;
    expect(authenticator.credentials).toHaveLength(1);
    expect(result.registrationInfo).toMatchObject({
      fmt: 'none',
      aaguid: '00000000-0000-0000-0000-000000000000',
      userVerified: true,
      credentialDeviceType: 'singleDevice',
      credentialBackedUp: false,
      origin,
      rpID,
      credential: { id: response.id, counter: 0, transports: ['internal'] },
    });
    expect(held).toMatchObject({ id: response.id, rpId: rpID, userHandle: creation.user.id, discoverable: true });
    expect(Buffer.from(result.registrationInfo!.credential.publicKey)).toEqual(Buffer.from(held.publicKey));
    const cose = isoCBOR.decodeFirst<Map<number, unknown>>(held.publicKey);
    expect([cose.get(1), cose.get(3), cose.get(-1)]).toEqual([2, -7, 1]);
    expect((cose.get(-2) as Uint8Array).length).toBe(32);
  });

  it('reports backup flags, an AAGUID and credProps when asked', async () => {
    const aaguid = Uint8Array.from({ length: 16 }, (_, i) => i);
    const authenticator = new SoftwareAuthenticator({ origin, aaguid, backupEligible: true, backedUp: true });
    const creation = await registrationOptions({ extensions: { credProps: true } });
    const response = authenticator.register(creation);
    const { registrationInfo } = await verifyRegistrationResponse({
      response,
      expectedChallenge: creation.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
    });
    expect(registrationInfo).toMatchObject({
      aaguid: '00010203-0405-0607-0809-0a0b0c0d0e0f',
      credentialDeviceType: 'multiDevice',
      credentialBackedUp: true,
    });
    expect(response.clientExtensionResults).toEqual({ credProps: { rk: true } });
  });

  it.each([
    ['another origin', { origin: 'https://market.test.evil.example' }, /origin/],
    ['another RP ID hash', { rpId: 'evil.example' }, /RP ID/],
    ['another challenge', { challenge: isoBase64URL.fromUTF8String('stale') }, /challenge/],
    ['a swapped type', { type: 'webauthn.get' }, /type/],
    ['no user verification', { userVerified: false }, /verif/],
    ['no user presence', { userPresent: false }, /present/],
  ])('is refused with %s', async (_name, overrides, message) => {
    const creation = await registrationOptions();
    const response = new SoftwareAuthenticator({ origin }).register(creation, overrides);
    await expect(
      verifyRegistrationResponse({
        response,
        expectedChallenge: creation.challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        requireUserVerification: true,
      }),
    ).rejects.toThrow(message);
  });

  it('can claim a credential id chosen by the test', async () => {
    const credentialId = isoBase64URL.fromUTF8String('taken-by-someone-else');
    const response = new SoftwareAuthenticator({ origin }).register(await registrationOptions(), { credentialId });
    expect([response.id, response.rawId]).toEqual([credentialId, credentialId]);
  });

  it('refuses what a browser refuses: an excluded credential, no ES256, an RP ID foreign to the origin, bad base64url', async () => {
    const { authenticator, credential } = await enrolled();
    const excluded = await registrationOptions({ excludeCredentials: [{ id: credential.id }] });
    expect(() => authenticator.register(excluded)).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    const rsaOnly = await registrationOptions({ supportedAlgorithmIDs: [-257] });
    expect(() => authenticator.register(rsaOnly)).toThrow(expect.objectContaining({ name: 'NotSupportedError' }));
    const foreign = await registrationOptions({ rpID: 'other.example' });
    expect(() => authenticator.register(foreign)).toThrow(expect.objectContaining({ name: 'SecurityError' }));
    const plain = new SoftwareAuthenticator({ origin: 'http://market.test' });
    expect(() => plain.register(excluded)).toThrow(expect.objectContaining({ name: 'SecurityError' }));
    const garbled = { ...(await registrationOptions()), challenge: 'not base64url!' };
    expect(() => authenticator.register(garbled)).toThrow(/challenge is not base64url/);
  });

  it('accepts a subdomain origin and http://localhost, as browsers do', async () => {
    const sub = new SoftwareAuthenticator({ origin: 'https://shop.market.test' });
    expect(sub.register(await registrationOptions()).type).toBe('public-key');
    const local = new SoftwareAuthenticator({ origin: 'http://localhost:4000' });
    const creation = await registrationOptions({ rpID: 'localhost' });
    const { verified } = await verifyRegistrationResponse({
      response: local.register(creation),
      expectedChallenge: creation.challenge,
      expectedOrigin: 'http://localhost:4000',
      expectedRPID: 'localhost',
    });
    expect(verified).toBe(true);
  });
});

describe('SoftwareAuthenticator authentication', () => {
  it('signs assertions that verify, with a counter that advances', async () => {
    const { authenticator, credential } = await enrolled();
    const first = await verifyAssertion(authenticator, credential);
    expect(first).toMatchObject({
      verified: true,
      authenticationInfo: { credentialID: credential.id, newCounter: 1, userVerified: true, origin, rpID },
    });
    const second = await verifyAssertion(authenticator, { ...credential, counter: 1 });
    expect(second).toMatchObject({ verified: true, authenticationInfo: { newCounter: 2 } });
    expect(authenticator.credentials[0].signCount).toBe(2);
  });

  it('uses a discoverable credential for an empty allowCredentials and returns its user handle', async () => {
    const { authenticator, creation, credential } = await enrolled();
    const options = await generateAuthenticationOptions({ rpID });
    const response = authenticator.authenticate(options);
    expect(response.id).toBe(credential.id);
    expect(response.response.userHandle).toBe(creation.user.id);
    expect(isoBase64URL.toBuffer(response.response.userHandle!)).toEqual(userID);
    const { verified } = await verifyAuthenticationResponse({
      response,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential,
    });
    expect(verified).toBe(true);
  });

  it('has a non-discoverable credential answer only when allowed, without a user handle', async () => {
    const { authenticator, credential } = await enrolled(
      {},
      { authenticatorSelection: { residentKey: 'discouraged' } },
    );
    expect(authenticator.credentials[0].discoverable).toBe(false);
    const allowed = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }] });
    expect(authenticator.authenticate(allowed).response.userHandle).toBeUndefined();
    const open = await generateAuthenticationOptions({ rpID });
    expect(() => authenticator.authenticate(open)).toThrow(expect.objectContaining({ name: 'NotAllowedError' }));
  });

  it('fails as a browser does when no credential fits the RP ID or allowCredentials', async () => {
    const { authenticator } = await enrolled({ origin: 'https://shop.market.test' });
    const unknown = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: 'AAAA' }] });
    expect(() => authenticator.authenticate(unknown)).toThrow(/No credential for RP ID "market.test"/);
    const otherRp = await generateAuthenticationOptions({ rpID: 'shop.market.test' });
    expect(() => authenticator.authenticate(otherRp)).toThrow(expect.objectContaining({ name: 'NotAllowedError' }));
  });

  it('picks the credential a test names among several', async () => {
    const authenticator = new SoftwareAuthenticator({ origin });
    authenticator.register(await registrationOptions());
    const second = authenticator.register(await registrationOptions()).id;
    const options = await generateAuthenticationOptions({ rpID });
    expect(authenticator.authenticate(options).id).toBe(authenticator.credentials[0].id);
    expect(authenticator.authenticate(options, { credentialId: second }).id).toBe(second);
  });

  it.each([
    ['another origin', { origin: 'https://market.test.evil.example' }, /origin/],
    ['another RP ID hash', { rpId: 'evil.example' }, /RP ID/],
    ['another challenge', { challenge: isoBase64URL.fromUTF8String('stale') }, /challenge/],
    ['a swapped type', { type: 'webauthn.create' }, /type/],
    ['no user verification where it is required', { userVerified: false }, /verification required/],
    ['no user presence', { userPresent: false }, /not present/],
  ])('is refused with %s', async (_name, overrides, message) => {
    const { authenticator, credential } = await enrolled();
    await expect(verifyAssertion(authenticator, credential, overrides)).rejects.toThrow(message);
  });

  it('is refused when the counter is not above the stored one, and signs a valid signature regardless', async () => {
    const { authenticator, credential } = await enrolled();
    await expect(verifyAssertion(authenticator, { ...credential, counter: 5 }, { signCount: 5 })).rejects.toThrow(
      'Response counter value 5 was lower than expected 5',
    );
    await expect(verifyAssertion(authenticator, { ...credential, counter: 5 }, { signCount: 3 })).rejects.toThrow(
      'Response counter value 3 was lower than expected 5',
    );
    await expect(
      verifyAssertion(authenticator, { ...credential, counter: 5 }, { signCount: 6 }),
    ).resolves.toMatchObject({ verified: true, authenticationInfo: { newCounter: 6 } });
    expect(authenticator.credentials[0].signCount).toBe(0);
  });

  it('rejects an earlier assertion once a later one was accepted (two prompts answered out of order)', async () => {
    const { authenticator, credential } = await enrolled();
    const options = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }] });
    const [early, late] = [authenticator.authenticate(options), authenticator.authenticate(options)];
    const verify = (response: typeof early, counter: number) =>
      verifyAuthenticationResponse({
        response,
        expectedChallenge: options.challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        credential: { ...credential, counter },
      });
    await expect(verify(late, 0)).resolves.toMatchObject({ verified: true, authenticationInfo: { newCounter: 2 } });
    await expect(verify(early, 2)).rejects.toThrow('Response counter value 1 was lower than expected 2');
  });

  it('acts as a counterless synced passkey with signCountStep 0', async () => {
    const { authenticator, credential } = await enrolled({ signCountStep: 0, backupEligible: true, backedUp: true });
    for (let i = 0; i < 2; i++) {
      await expect(verifyAssertion(authenticator, credential)).resolves.toMatchObject({
        verified: true,
        authenticationInfo: { newCounter: 0, credentialDeviceType: 'multiDevice', credentialBackedUp: true },
      });
    }
  });

  it('produces a signature that does not verify when tampered with', async () => {
    const { authenticator, credential } = await enrolled();
    const result = await verifyAssertion(authenticator, credential, { tamperSignature: true });
    expect(result.verified).toBe(false);
  });

  it("does not verify against another credential's key when claiming its id", async () => {
    const authenticator = new SoftwareAuthenticator({ origin });
    const victim = await enrolled();
    authenticator.register(await registrationOptions());
    const response = await verifyAssertion(authenticator, victim.credential, {
      claimedCredentialId: victim.credential.id,
      credentialId: authenticator.credentials[0].id,
    });
    expect(response.verified).toBe(false);
  });

  it('passes verification without UV when the server does not require it, and reports it', async () => {
    const { authenticator, credential } = await enrolled({ userVerified: false }, {});
    const result = await verifyAssertion(authenticator, credential, {}, false);
    expect(result).toMatchObject({ verified: true, authenticationInfo: { userVerified: false } });
  });

  it('writes the authenticator data a verifier parses: RP ID hash, UP/UV flags, big-endian counter', async () => {
    const { authenticator, credential } = await enrolled({ signCountStep: 0x01020304 });
    const options = await generateAuthenticationOptions({ rpID });
    const response = authenticator.authenticate(options, { userHandle: null });
    expect(response.response.userHandle).toBeUndefined();
    const authData = isoBase64URL.toBuffer(response.response.authenticatorData);
    expect(authData.length).toBe(37);
    const parsed = parseAuthenticatorData(authData);
    expect(parsed.flags).toMatchObject({ up: true, uv: true, at: false, be: false, bs: false });
    expect(parsed.counter).toBe(0x01020304);
    expect([...authData.slice(33, 37)]).toEqual([1, 2, 3, 4]);
    const clientData = JSON.parse(isoBase64URL.toUTF8String(response.response.clientDataJSON));
    expect(clientData).toEqual({ type: 'webauthn.get', challenge: options.challenge, origin, crossOrigin: false });
    expect(credential.id).toBe(response.id);
  });
});

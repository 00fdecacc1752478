import { generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AccessTokenSigner, AccessTokenVerifier } from './access-token';
import { Role } from '../contracts/roles';
import { MemoryStore } from '../store';
import { SessionVersions } from './session-versions';

const settings = { issuer: 'marketplace-test', audience: 'marketplace-test-api' };
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const signer = new AccessTokenSigner(privatePem, settings);
const viewer = { id: '5a3f3c9e-8f1e-4a51-9a8e-2b7c1d0e6f10', role: Role.CUSTOMER };

afterEach(() => jest.restoreAllMocks());

describe('AccessTokenVerifier', () => {
  it('verifies a token once and remembers it for the next requests', () => {
    const verifier = new AccessTokenVerifier(publicPem, settings);
    const token = signer.sign(viewer, 1);
    const check = jest.spyOn(jwt, 'verify');
    expect(verifier.verify(token)).toEqual(viewer);
    expect(verifier.verify(token)).toEqual(viewer);
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('refuses a remembered token once it has expired', () => {
    const verifier = new AccessTokenVerifier(publicPem, settings);
    const token = signer.sign(viewer, 1, 60);
    expect(verifier.verify(token)).toEqual(viewer);
    const later = Date.now() + 61_000;
    jest.spyOn(Date, 'now').mockReturnValue(later);
    expect(() => verifier.verify(token)).toThrow('Access token expired');
  });

  it('never remembers a failure: a tampered token fails every time', () => {
    const verifier = new AccessTokenVerifier(publicPem, settings);
    const [header, payload, signature] = signer.sign(viewer, 1).split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'ADMIN' }),
    ).toString('base64url');
    const check = jest.spyOn(jwt, 'verify');
    for (let attempt = 0; attempt < 2; attempt++)
      expect(() => verifier.verify(`${header}.${forged}.${signature}`)).toThrow('Invalid access token');
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('refuses tokens of another issuer, audience or key', () => {
    const verifier = new AccessTokenVerifier(publicPem, settings);
    expect(() =>
      verifier.verify(new AccessTokenSigner(privatePem, { ...settings, issuer: 'someone-else' }).sign(viewer, 1)),
    ).toThrow('Invalid access token');
    expect(() =>
      verifier.verify(new AccessTokenSigner(privatePem, { ...settings, audience: 'another-api' }).sign(viewer, 1)),
    ).toThrow('Invalid access token');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => verifier.verify(new AccessTokenSigner(other, settings).sign(viewer, 1))).toThrow(
      'Invalid access token',
    );
  });

  it('refuses a token signed with the right key but without exp, or without a session version', () => {
    const verifier = new AccessTokenVerifier(publicPem, settings);
    const claims = { role: viewer.role, sub: viewer.id, iss: settings.issuer, aud: settings.audience };
    const withoutExp = jwt.sign({ ...claims, sv: 1 }, privatePem, { algorithm: 'RS256' });
    expect(() => verifier.verify(withoutExp)).toThrow('Invalid access token');
    const withoutVersion = jwt.sign(claims, privatePem, { algorithm: 'RS256', expiresIn: 60 });
    expect(() => verifier.verify(withoutVersion)).toThrow('Invalid access token');
    const fractionalVersion = jwt.sign({ ...claims, sv: 1.5 }, privatePem, { algorithm: 'RS256', expiresIn: 60 });
    expect(() => verifier.verify(fractionalVersion)).toThrow('Invalid access token');
  });

  it('asks the session versions on every request, though the signature check is remembered', async () => {
    const sessions = new SessionVersions(new MemoryStore());
    const verifier = new AccessTokenVerifier(publicPem, settings, sessions);
    const token = signer.sign(viewer, 1);
    await expect(verifier.fromAuthorizationHeader(`Bearer ${token}`)).rejects.toThrow('Unknown session');
    await sessions.raise(viewer.id, 1);
    await expect(verifier.fromAuthorizationHeader(`Bearer ${token}`)).resolves.toEqual(viewer);
    await sessions.raise(viewer.id, 2);
    await expect(verifier.fromAuthorizationHeader(`Bearer ${token}`)).rejects.toThrow('Session ended');
    await expect(verifier.fromAuthorizationHeader(`Bearer ${signer.sign(viewer, 2)}`)).resolves.toEqual(viewer);
  });

  it('carries the session id (`sid`) and refuses a token of a session ended alone', async () => {
    const sessions = new SessionVersions(new MemoryStore());
    const verifier = new AccessTokenVerifier(publicPem, settings, sessions);
    const [ended, other] = [randomUUID(), randomUUID()];
    await sessions.raise(viewer.id, 1);
    const token = signer.sign(viewer, 1, 60, { id: ended });
    await expect(verifier.sessionFromAuthorizationHeader(`Bearer ${token}`)).resolves.toEqual({
      viewer,
      sessionVersion: 1,
      sessionId: ended,
    });
    await sessions.endSessions([ended]);
    await expect(verifier.fromAuthorizationHeader(`Bearer ${token}`)).rejects.toThrow('Session ended');
    expect(await verifier.sessionEnded(viewer.id, 1, ended)).toBe(true);
    await expect(
      verifier.fromAuthorizationHeader(`Bearer ${signer.sign(viewer, 1, 60, { id: other })}`),
    ).resolves.toEqual(viewer);
    const claims = { role: viewer.role, sub: viewer.id, iss: settings.issuer, aud: settings.audience, sv: 1 };
    for (const sid of [42, 'not-a-uuid', ended.toUpperCase()]) {
      const bad = jwt.sign({ ...claims, sid }, privatePem, { algorithm: 'RS256', expiresIn: 60 });
      expect(() => verifier.verify(bad)).toThrow('Invalid access token');
    }
  });
});

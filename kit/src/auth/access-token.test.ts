import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AccessTokenSigner, AccessTokenVerifier } from './access-token';
import { Role } from '../contracts/roles';

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
});

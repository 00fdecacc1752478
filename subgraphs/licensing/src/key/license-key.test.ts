import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { TestSubgraph, globalId, uuidOf } from '@marketplace/kit/testing';
import { baseUrl, licensed, sqlDuring, startLicensing, validate } from '../testing';

/** Keys verify offline with the public key alone; anything tampered with is INVALID_SIGNATURE. */
let licensing: TestSubgraph;
beforeAll(async () => {
  licensing = await startLicensing({ LICENSE_VALIDITY_DAYS: '30' });
});
afterAll(() => licensing.close());

/** Exactly what VERIFY.md tells vendors to paste: node:crypto only; `productId` as the API answers it. */
function verifyOffline(key: string, publicKeyPem: string, productId: string): Record<string, unknown> | null {
  const [prefix, payload, signature] = key.split('.');
  if (prefix !== 'MP1' || !payload || !signature) return null;
  if (!verify(null, Buffer.from(payload), createPublicKey(publicKeyPem), Buffer.from(signature, 'base64url')))
    return null;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  if (claims.v !== 1 || `Product:${claims.pid}` !== productId) return null;
  if (claims.exp !== null && claims.exp < Date.now() / 1000) return null;
  return claims;
}

const tamper = (key: string, part: 1 | 2) => {
  const parts = key.split('.');
  const bytes = Buffer.from(parts[part], 'base64url');
  bytes[bytes.length - 1] ^= 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
};

it('publishes the public key by REST and GraphQL, the same one', async () => {
  const response = await fetch(`${baseUrl(licensing)}/licensing/public-key`);
  expect(response.status).toBe(200);
  const rest = (await response.json()) as { algorithm: string; publicKeyPem: string; keyId: string };
  expect(rest.algorithm).toBe('Ed25519');
  expect(rest.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  expect(rest.keyId).toMatch(/^[0-9a-f]{16}$/);
  const { licensePublicKey } = await licensing.client.data<{ licensePublicKey: typeof rest }>(
    '{ licensePublicKey { algorithm publicKeyPem keyId } }',
  );
  expect(licensePublicKey).toEqual(rest);
});

it('a key carries license, product, owner, limit and expiry, and verifies with the public key alone', async () => {
  const { publicKeyPem, keyId } = (await (await fetch(`${baseUrl(licensing)}/licensing/public-key`)).json()) as {
    publicKeyPem: string;
    keyId: string;
  };
  const { owner, order, license, key } = await licensed(licensing);
  expect(key).toMatch(/^MP1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  const productId = globalId('Product', order.items[0].productId);
  const claims = verifyOffline(key, publicKeyPem, productId);
  expect(claims).toEqual({
    v: 1,
    lid: uuidOf(license.id),
    pid: order.items[0].productId,
    sub: owner.id,
    max: 3,
    iat: expect.any(Number),
    exp: expect.any(Number),
    kid: keyId,
  });
  // The key names the license, product and owner by the uuids of their API ids (`License:<lid>`).
  expect([`License:${String(claims!.lid)}`, `User:${String(claims!.sub)}`]).toEqual([
    license.id,
    globalId('User', owner.id),
  ]);
  expect(verifyOffline(key, publicKeyPem, globalId('Product', randomUUID()))).toBeNull();
  // LICENSE_VALIDITY_DAYS=30: the key and the license expire together.
  expect((claims!.exp as number) - (claims!.iat as number)).toBe(30 * 86_400);
  expect(new Date(license.expiresAt!).getTime()).toBe((claims!.exp as number) * 1000);
  expect(new Date(license.issuedAt).getTime()).toBe((claims!.iat as number) * 1000);
});

it.each([
  ['a changed payload', (key: string) => tamper(key, 1)],
  ['a changed signature', (key: string) => tamper(key, 2)],
  ['another prefix', (key: string) => key.replace(/^MP1/, 'MP2')],
  ['a missing part', (key: string) => key.split('.').slice(0, 2).join('.')],
  ['garbage', () => 'not a key at all'],
  ['an overlong key', (key: string) => key + 'A'.repeat(5000)],
])('%s fails offline and is INVALID_SIGNATURE, answered without the database', async (_case, change) => {
  const { publicKeyPem } = (await (await fetch(`${baseUrl(licensing)}/licensing/public-key`)).json()) as {
    publicKeyPem: string;
  };
  const { key, order } = await licensed(licensing);
  const bad = change(key);
  expect(verifyOffline(bad, publicKeyPem, globalId('Product', order.items[0].productId))).toBeNull();
  const { result, statements } = await sqlDuring(licensing, () => validate(licensing, bad, 'machine-1'));
  expect(result).toEqual({ valid: false, code: 'INVALID_SIGNATURE', license: null });
  expect(statements).toEqual([]);
});

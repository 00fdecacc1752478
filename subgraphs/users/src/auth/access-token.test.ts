import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { AccessTokenSigner, Role, Viewer, loadTokenKeys, readCommonConfig } from '@marketplace/kit';
import { TestSubgraph, jwtWithClaims, uuidOf } from '@marketplace/kit/testing';
import { register, startUsers } from '../testing';

/**
 * The subgraph accepts only RS256 tokens signed with the run's key, for its issuer and
 * audience. Anything else in `Authorization` fails the whole request: HTTP 401, no data.
 */
let users: TestSubgraph;
let signer: AccessTokenSigner;
let publicKeyPem: string;
const config = readCommonConfig();
const settings = { issuer: config.jwt.issuer, audience: config.jwt.audience };

beforeAll(async () => {
  users = await startUsers();
  // The same development keys the subgraph loaded: DATA_DIR comes from the jest global setup.
  const keys = loadTokenKeys(config);
  publicKeyPem = keys.publicKeyPem;
  signer = new AccessTokenSigner(keys.privateKeyPem!, settings);
});
afterAll(() => users.close());

const ME = `{ me { id role } }`;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const claimsFor = (viewer: Viewer) => ({
  sub: viewer.id,
  role: viewer.role,
  iss: settings.issuer,
  aud: settings.audience,
  iat: now(),
  exp: now() + 600,
  jti: randomUUID(),
});

function meWith(authorization: string) {
  return users.client.request<{ me: { id: string; role: string } | null }>(ME, { headers: { authorization } });
}

async function expectRefused(authorization: string, message: string) {
  const result = await meWith(authorization);
  expect(result.status).toBe(401);
  expect(result.data).toBeUndefined();
  expect(result.errors).toEqual([{ message, extensions: { code: 'UNAUTHENTICATED' } }]);
}

describe('a valid access token', () => {
  it('makes its subject the viewer', async () => {
    const session = await register(users);
    const result = await meWith(`Bearer ${signer.sign({ id: uuidOf(session.user.id), role: Role.CUSTOMER }, 1)}`);
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ me: { id: session.user.id, role: 'CUSTOMER' } });
  });

  it('carries its role to authorization checks', async () => {
    const session = await register(users);
    const USERS = `{ users(first: 1) { totalCount } }`;
    const asAdmin = await users.client.request(USERS, {
      token: signer.sign({ id: uuidOf(session.user.id), role: Role.ADMIN }, 1),
    });
    expect(asAdmin.data?.users.totalCount).toBeGreaterThan(0);
    const asCustomer = await users.client.request(USERS, {
      token: signer.sign({ id: uuidOf(session.user.id), role: Role.CUSTOMER }, 1),
    });
    expect(asCustomer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('no header at all means an anonymous viewer, not an error', async () => {
    const result = await users.client.request(ME);
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ me: null });
  });
});

describe('refused access tokens', () => {
  const viewer: Viewer = { id: randomUUID(), role: Role.CUSTOMER };

  it('an expired token', async () => {
    await expectRefused(`Bearer ${signer.sign(viewer, 1, -10)}`, 'Access token expired');
  });

  it.each([
    ['not a JWT', 'not-a-jwt'],
    ['three garbage parts', 'aaa.bbb.ccc'],
    ['a truncated signature', () => signer.sign(viewer, 1).slice(0, -10)],
    [
      'a tampered payload',
      () => {
        const [header, , signature] = signer.sign(viewer, 1).split('.');
        return `${header}.${b64({ ...claimsFor(viewer), role: Role.ADMIN })}.${signature}`;
      },
    ],
  ])('a malformed token: %s', async (_label, token) => {
    await expectRefused(`Bearer ${typeof token === 'function' ? token() : token}`, 'Invalid access token');
  });

  it('a token signed with another RSA key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    await expectRefused(
      `Bearer ${new AccessTokenSigner(privateKey, settings).sign(viewer, 1)}`,
      'Invalid access token',
    );
  });

  it('an unsigned token (alg: none)', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claimsFor({ ...viewer, role: Role.ADMIN }))}.`;
    await expectRefused(`Bearer ${token}`, 'Invalid access token');
  });

  it('an HS256 token using the public key as the HMAC secret', async () => {
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claimsFor({ ...viewer, role: Role.ADMIN }))}`;
    const signature = createHmac('sha256', publicKeyPem).update(unsigned).digest('base64url');
    await expectRefused(`Bearer ${unsigned}.${signature}`, 'Invalid access token');
  });

  it.each([
    ['another issuer', { ...settings, issuer: 'someone-else' }],
    ['another audience', { ...settings, audience: 'another-app' }],
  ])('a token for %s', async (_label, otherSettings) => {
    const keys = loadTokenKeys(config);
    await expectRefused(
      `Bearer ${new AccessTokenSigner(keys.privateKeyPem!, otherSettings).sign(viewer, 1)}`,
      'Invalid access token',
    );
  });

  it('a token signed with the real key but without exp (it would never expire)', async () => {
    const session = await register(users);
    const withoutExp: Record<string, unknown> = {
      ...claimsFor({ id: uuidOf(session.user.id), role: Role.CUSTOMER }),
      sv: 1,
    };
    delete withoutExp.exp;
    const token = jwtWithClaims(withoutExp, loadTokenKeys(config).privateKeyPem!);
    await expectRefused(`Bearer ${token}`, 'Invalid access token');
  });

  it('a token signed with the real key for a user who does not exist', async () => {
    await expectRefused(
      `Bearer ${signer.sign({ id: randomUUID(), role: Role.ADMIN }, 1)}`,
      'Unknown session: sign in again',
    );
  });

  it('a token with an unknown role claim', async () => {
    await expectRefused(
      `Bearer ${signer.sign({ id: viewer.id, role: 'SUPERUSER' as Role }, 1)}`,
      'Invalid access token',
    );
  });

  it.each([
    ['Basic credentials', 'Basic dXNlcjpwYXNzd29yZA=='],
    ['a bare token', 'TOKEN_PLACEHOLDER'],
    ['another scheme', 'Token TOKEN_PLACEHOLDER'],
    ['an empty Bearer', 'Bearer '],
    ['characters no JWT has', 'Bearer abc$def.ghi'],
    ['two tokens', 'Bearer TOKEN_PLACEHOLDER TOKEN_PLACEHOLDER'],
  ])('a non-Bearer Authorization header: %s', async (_label, header) => {
    await expectRefused(
      header.replace(/TOKEN_PLACEHOLDER/g, signer.sign(viewer, 1)),
      'Authorization header must be "Bearer <token>"',
    );
  });

  it('fails the request before any resolver runs, even one that needs no viewer', async () => {
    const result = await users.client.request('{ __typename }', {
      headers: { authorization: `Bearer ${signer.sign(viewer, 1, -10)}` },
    });
    expect(result.status).toBe(401);
    expect(result.data).toBeUndefined();
  });
});

describe('concurrent requests', () => {
  it('each get their own viewer, or their own refusal', async () => {
    const sessions = await Promise.all(Array.from({ length: 6 }, () => register(users)));
    const requests = sessions.flatMap((session, i) => [
      {
        expected: session.user.id,
        authorization: `Bearer ${signer.sign({ id: uuidOf(session.user.id), role: Role.CUSTOMER }, 1)}`,
      },
      {
        expected: null,
        authorization: `Bearer ${signer.sign({ id: uuidOf(session.user.id), role: Role.CUSTOMER }, 1, -10 - i)}`,
      },
    ]);
    const results = await Promise.all(requests.map((request) => meWith(request.authorization)));
    results.forEach((result, i) => {
      if (requests[i].expected) expect(result.data?.me?.id).toBe(requests[i].expected);
      else expect(result.status).toBe(401);
    });
  });
});

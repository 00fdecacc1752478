import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AccessTokenSigner, Role, createSessionVersions, envReader, readCommonConfig } from '@marketplace/kit';
import { jwtWithClaims, until } from '@marketplace/kit/testing';
import { ProbeStack, startProbeStack, startTestGateway } from '../testing/stack';

/** Who is asking, as the gateway works it out per request and tells the subgraph. */
const WHOAMI = 'query Whoami { whoami { viewerId role requestId clientIp } }';

let stack: ProbeStack;

beforeAll(async () => {
  stack = await startProbeStack();
});

afterAll(async () => {
  await stack?.close();
});

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

describe('forwarding to subgraphs', () => {
  it('forwards the verified token, so the subgraph sees the same viewer', async () => {
    const data = await stack.client.data(WHOAMI, { token: stack.token(Role.VENDOR) });
    expect(data.whoami).toMatchObject({ viewerId: 'user-vendor', role: 'VENDOR' });
  });

  it('runs anonymous operations without an Authorization header', async () => {
    const data = await stack.client.data(WHOAMI);
    expect(data.whoami).toMatchObject({ viewerId: null, role: null });
  });

  it('forwards the caller’s request id and echoes it in the response', async () => {
    const result = await stack.client.request(WHOAMI, { headers: { 'x-request-id': 'checkout-42.retry_1' } });
    expect(result.data?.whoami.requestId).toBe('checkout-42.retry_1');
    expect(result.headers.get('x-request-id')).toBe('checkout-42.retry_1');
  });

  it('creates a request id when the caller sends none (or a malformed one) and forwards that one', async () => {
    for (const headers of [{}, { 'x-request-id': 'bad id with spaces' }] as Record<string, string>[]) {
      const result = await stack.client.request(WHOAMI, { headers });
      const echoed = result.headers.get('x-request-id');
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
      expect(result.data?.whoami.requestId).toBe(echoed);
    }
  });

  it('forwards the socket address as the client IP, ignoring X-Forwarded-For and a client-sent x-client-ip', async () => {
    const data = await stack.client.data(WHOAMI, {
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-client-ip': '198.51.100.1' },
    });
    expect(data.whoami.clientIp).toBe('127.0.0.1');
  });

  it('believes X-Forwarded-For only when TRUST_PROXY is set', async () => {
    const trusting = await startTestGateway(stack.supergraphSdl, stack.dataDir, { TRUST_PROXY: 'true' });
    try {
      const data = await trusting.client.data(WHOAMI, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(data.whoami.clientIp).toBe('203.0.113.9');
    } finally {
      await trusting.close();
    }
  });
});

describe('authentication at the gateway', () => {
  const otherKeys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const claims = () => ({
    sub: 'user-admin',
    role: 'ADMIN',
    iss: 'marketplace-users',
    aud: 'marketplace',
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 600,
  });

  const badTokens: [string, () => string][] = [
    ['expired', () => `Bearer ${stack.signer.sign({ id: 'user-1', role: Role.CUSTOMER }, -60)}`],
    ['malformed', () => 'Bearer not-a-jwt'],
    ['not a bearer header', () => 'Basic dXNlcjpwYXNz'],
    [
      'signed with another key',
      () =>
        `Bearer ${new AccessTokenSigner(otherKeys.privateKey, { issuer: 'marketplace-users', audience: 'marketplace' }).sign({ id: 'user-1', role: Role.ADMIN }, 1)}`,
    ],
    ['alg: none', () => `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`],
    [
      'HS256 signed with the public key',
      () => {
        const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims())}`;
        const publicKey = readFileSync(`${stack.dataDir}/keys/jwt-public.pem`, 'utf8');
        return `Bearer ${unsigned}.${createHmac('sha256', publicKey).update(unsigned).digest('base64url')}`;
      },
    ],
  ];

  it.each(badTokens)(
    'refuses a token that is %s with 401 UNAUTHENTICATED and calls no subgraph',
    async (_name, header) => {
      const authorization = header();
      let result: Awaited<ReturnType<typeof stack.client.request>> | undefined;
      const calls = await stack.subgraphCallsDuring(async () => {
        result = await stack.client.request(WHOAMI, { headers: { authorization } });
      });
      expect(calls).toBe(0);
      expect(result?.status).toBe(401);
      expect(result?.data ?? null).toBeNull();
      expect(result?.errors?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
      expect(stack.logs.text()).not.toContain(authorization.slice('Bearer '.length));
    },
  );

  it('refuses a token signed with the real key but without exp (issue 18 item 9), calling no subgraph', async () => {
    const privateKey = readFileSync(`${stack.dataDir}/keys/jwt-private.pem`, 'utf8');
    const withoutExp: Record<string, unknown> = { ...claims(), sv: 1 };
    delete withoutExp.exp;
    const authorization = `Bearer ${jwtWithClaims(withoutExp, privateKey)}`;
    stack.token(Role.ADMIN); // the subject has a session: only the missing exp is wrong
    const calls = await stack.subgraphCallsDuring(async () => {
      const result = await stack.client.request(WHOAMI, { headers: { authorization } });
      expect(result.status).toBe(401);
      expect(result.errors?.[0]).toEqual({ message: 'Invalid access token', extensions: { code: 'UNAUTHENTICATED' } });
    });
    expect(calls).toBe(0);
  });

  it('refuses a correctly signed token for a user without a session (unknown subject), calling no subgraph', async () => {
    const privateKey = readFileSync(`${stack.dataDir}/keys/jwt-private.pem`, 'utf8');
    const token = new AccessTokenSigner(privateKey, { issuer: 'marketplace-users', audience: 'marketplace' }).sign(
      { id: randomUUID(), role: Role.ADMIN },
      1,
    );
    const calls = await stack.subgraphCallsDuring(async () => {
      const result = await stack.client.request(WHOAMI, { token });
      expect(result.status).toBe(401);
      expect(result.errors?.[0]).toEqual({
        message: 'Unknown session: sign in again',
        extensions: { code: 'UNAUTHENTICATED' },
      });
    });
    expect(calls).toBe(0);
  });

  it('refuses a token within seconds of its session being ended, and accepts the next version', async () => {
    const userId = `user-${randomUUID()}`;
    const viewer = { id: userId, role: Role.CUSTOMER };
    const token = stack.signer.sign(viewer);
    expect((await stack.client.data(WHOAMI, { token })).whoami.viewerId).toBe(userId);
    // What the users subgraph publishes on logout, password or role change.
    const sessions = createSessionVersions(readCommonConfig(envReader({ ...process.env, DATA_DIR: stack.dataDir })));
    try {
      await sessions.raise(userId, 2);
      const refused = await until(
        async () => {
          const result = await stack.client.request(WHOAMI, { token });
          return result.status === 401 ? result : undefined;
        },
        'the ended session to be refused',
        5_000,
      );
      expect(refused.errors?.[0].message).toBe('Session ended: sign in again');
      const privateKey = readFileSync(`${stack.dataDir}/keys/jwt-private.pem`, 'utf8');
      const next = new AccessTokenSigner(privateKey, { issuer: 'marketplace-users', audience: 'marketplace' }).sign(
        viewer,
        2,
      );
      expect((await stack.client.data(WHOAMI, { token: next })).whoami.viewerId).toBe(userId);
    } finally {
      await sessions.close();
    }
  });

  it('says an expired token is expired', async () => {
    const result = await stack.client.request(WHOAMI, {
      token: stack.signer.sign({ id: 'user-1', role: Role.CUSTOMER }, -60),
    });
    expect(result.errors?.[0].message).toBe('Access token expired');
  });
});

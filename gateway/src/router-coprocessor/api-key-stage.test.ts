import { createServer, IncomingMessage, Server } from 'node:http';
import { GatewaySigner, TokenSession, closeServer, createLogger, createStore, listen, portOf } from '@marketplace/kit';
import { LogCapture } from '@marketplace/kit/testing';
import { API_KEY_HEADER, ApiKeyExchange } from '../edge/api-key-exchange';
import { RequestRateLimiter } from '../edge/rate-limit';
import { RouterApiKeys, answerRouterRequest } from './api-key-stage';
import type { RouterRequestPayload } from './protocol';

/**
 * The coprocessor's RouterRequest stage against a stand-in for the users exchange route and
 * a verifier that reads the stand-in's tokens: keys swapped for tokens, refused, counted.
 * (e2e/src/api-keys-transports.test.ts runs it against the real users subgraph.)
 */
const signer = new GatewaySigner('a test secret of thirty-two bytes!!');
const GOOD = 'mk_0123456789abcdef_good';
const usable = new Set([GOOD]);
const asked: IncomingMessage[] = [];
let server: Server;
let usersUrl: string;
const log = createLogger({ name: 'test', destination: new LogCapture() });

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req);
    const key = req.headers[API_KEY_HEADER] as string;
    if (!usable.has(key)) return void res.writeHead(401).end('{}');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ accessToken: `token-of-${key.slice(-4)}`, apiKeyId: `id-${key.slice(-4)}` }));
  });
  await listen(server, 0, '127.0.0.1', 'users stand-in');
  usersUrl = `http://127.0.0.1:${portOf(server)}/graphql`;
});
afterAll(() => closeServer(server));
beforeEach(() => {
  asked.length = 0;
  usable.clear();
  usable.add(GOOD);
});

/** Reads the stand-in's tokens as a key's (a real verifier checks a signed JWT: the e2e test). */
const verifier = {
  sessionFromAuthorizationHeader: async (header: string | undefined): Promise<TokenSession | null> => {
    if (!header?.startsWith('Bearer token-of-')) throw new Error('not a stand-in token');
    return {
      viewer: { id: 'vendor-1', role: 'VENDOR', apiKey: { id: 'id-good', scopes: ['sales:read'] } },
      sessionVersion: 1,
    } as TokenSession;
  },
};

function keysWith(options: { cacheSeconds?: number; perMinute?: number } = {}): RouterApiKeys {
  const apiKeys = new ApiKeyExchange(usersUrl, signer, options.cacheSeconds ?? 0, log);
  if (options.perMinute === undefined) return { apiKeys, verifier };
  const store = createStore(undefined, `test:${Math.random()}`);
  const limiter = new RequestRateLimiter(
    store,
    { enabled: true, perUserPerMinute: options.perMinute, perIpPerMinute: options.perMinute },
    { log },
  );
  return { apiKeys, verifier, limiter };
}

const payload = (authorization?: string): RouterRequestPayload => ({
  version: 1,
  stage: 'RouterRequest',
  control: 'continue',
  id: 'router-request-1',
  headers: {
    ...(authorization ? { Authorization: [authorization] } : {}),
    'x-request-id': ['req-9'],
    'x-client-ip': ['203.0.113.7'],
  },
});

it('swaps a working key for the token it grants, keeping every other header, and asks users signed', async () => {
  const answer = await answerRouterRequest(payload(`Bearer ${GOOD}`), {
    keys: keysWith(),
    trustClientIp: true,
    log,
  });
  expect(answer).toEqual({
    ...payload(),
    headers: { 'x-request-id': ['req-9'], 'x-client-ip': ['203.0.113.7'], authorization: ['Bearer token-of-good'] },
  });
  expect(asked).toHaveLength(1);
  const identity = {
    method: 'POST',
    path: '/internal/api-key-grants',
    clientIp: '203.0.113.7',
    requestId: 'req-9',
  };
  expect(signer.verifyIdentity(asked[0].headers['x-gateway-signature'] as string, identity)).toBe('valid');
});

it('vouches for no client address unless told to trust the forwarded one', async () => {
  await answerRouterRequest(payload(`Bearer ${GOOD}`), { keys: keysWith(), trustClientIp: false, log });
  expect(asked[0].headers['x-client-ip']).toBeUndefined();
});

it('passes a request without a key on untouched, asking nobody', async () => {
  const withJwt = payload('Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig');
  expect(await answerRouterRequest(withJwt, { keys: keysWith(), trustClientIp: false, log })).toBe(withJwt);
  expect(await answerRouterRequest(payload(), { keys: keysWith(), trustClientIp: false, log })).toEqual(payload());
  expect(asked).toHaveLength(0);
});

it('answers an unknown or malformed key 401 UNAUTHENTICATED, one answer for all, never echoing the key', async () => {
  const keys = keysWith();
  for (const key of ['mk_0123456789abcdef_wrong', 'mk_short', 'mk_!!!']) {
    const answer = await answerRouterRequest(payload(`Bearer ${key}`), { keys, trustClientIp: false, log });
    expect(answer).toEqual({
      ...payload(),
      control: { break: 401 },
      headers: { 'content-type': ['application/json'] },
      body: { errors: [{ message: 'Invalid API key', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
  }
});

it('stops a revoked key at once with API_KEY_CACHE_SECONDS=0, and within the bound otherwise', async () => {
  let now = 1_000_000;
  const remembering: RouterApiKeys = {
    apiKeys: new ApiKeyExchange(usersUrl, signer, 5, log, () => now),
    verifier,
  };
  const uncached = keysWith();
  const ask = (keys: RouterApiKeys) =>
    answerRouterRequest(payload(`Bearer ${GOOD}`), { keys, trustClientIp: false, log });
  expect((await ask(uncached)).control).toBe('continue');
  expect((await ask(remembering)).control).toBe('continue');
  usable.delete(GOOD);
  expect((await ask(uncached)).control).toEqual({ break: 401 });
  // Remembered: still served until its exchange is 5 s old, then refused.
  expect((await ask(remembering)).control).toBe('continue');
  now += 5_001;
  expect((await ask(remembering)).control).toEqual({ break: 401 });
});

it("counts each key against its own budget: over it, 429 RATE_LIMITED with Retry-After, the key's token not forwarded", async () => {
  const keys = keysWith({ perMinute: 2 });
  const controls = [];
  let last;
  for (let i = 0; i < 3; i += 1) {
    last = await answerRouterRequest(payload(`Bearer ${GOOD}`), { keys, trustClientIp: false, log });
    controls.push(last.control);
  }
  expect(controls).toEqual(['continue', 'continue', { break: 429 }]);
  expect(last).toMatchObject({
    headers: { 'content-type': ['application/json'], 'Retry-After': [expect.stringMatching(/^\d+$/)] },
    body: { errors: [{ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } }] },
  });
  expect(JSON.stringify(last)).not.toContain('token-of-good');
});

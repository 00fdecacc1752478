import { createServer, IncomingMessage, Server } from 'node:http';
import { GatewaySigner, closeServer, createLogger, listen, portOf } from '@marketplace/kit';
import { LogCapture } from '@marketplace/kit/testing';
import { API_KEY_GRANT_PATH, API_KEY_HEADER, ApiKeyExchange, isApiKeyAuthorization } from './api-key-exchange';

/** The gateway's side of the exchange against a stand-in for the users route: signing, sharing, remembering. */
const signer = new GatewaySigner('a test secret of thirty-two bytes!!');
const GOOD = 'mk_0123456789abcdef_good';
let server: Server;
let usersUrl: string;
const asked: IncomingMessage[] = [];
let answerSlowly = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req);
    const signature = signer.verifyIdentity(req.headers['x-gateway-signature'] as string, {
      method: req.method!,
      path: req.url!,
      clientIp: req.headers['x-client-ip'] as string,
      requestId: req.headers['x-request-id'] as string,
    });
    const answer = () => {
      if (req.url !== API_KEY_GRANT_PATH || signature !== 'valid') return res.writeHead(403).end('{}');
      if (req.headers[API_KEY_HEADER] !== GOOD) return res.writeHead(401).end('{}');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accessToken: `token-${asked.length}`, apiKeyId: 'key-1', expiresIn: 120 }));
    };
    if (answerSlowly) setTimeout(answer, 50);
    else answer();
  });
  await listen(server, 0, '127.0.0.1', 'users stand-in');
  usersUrl = `http://127.0.0.1:${portOf(server)}/graphql`;
});
afterAll(() => closeServer(server));
beforeEach(() => {
  asked.length = 0;
  answerSlowly = false;
});

const identity = { clientIp: '203.0.113.9', requestId: 'req-1' };
function exchangeWith(cacheSeconds: number, now?: () => number) {
  const log = createLogger({ name: 'test', destination: new LogCapture() });
  return new ApiKeyExchange(usersUrl, signer, cacheSeconds, log, now);
}

it('tells keys from JWTs', () => {
  expect(isApiKeyAuthorization(`Bearer ${GOOD}`)).toBe(true);
  expect(isApiKeyAuthorization('Bearer eyJhbGciOi.x.y')).toBe(false);
  expect(isApiKeyAuthorization(undefined)).toBe(false);
});

it('asks the users route signed, and forwards the token it grants instead of the key', async () => {
  const grant = await exchangeWith(5).exchange(`Bearer ${GOOD}`, identity);
  expect(grant).toEqual({ authorization: 'Bearer token-1', apiKeyId: 'key-1' });
  expect(asked).toHaveLength(1);
  expect(asked[0].headers['x-client-ip']).toBe(identity.clientIp);
});

it('shares one exchange between concurrent requests and remembers it for cacheSeconds only', async () => {
  let now = 1_000_000;
  const exchange = exchangeWith(5, () => now);
  answerSlowly = true;
  const grants = await Promise.all(Array.from({ length: 5 }, () => exchange.exchange(`Bearer ${GOOD}`, identity)));
  expect(new Set(grants.map((grant) => grant.authorization)).size).toBe(1);
  expect(asked).toHaveLength(1);
  expect(exchange.isRemembered(`Bearer ${GOOD}`)).toBe(true);
  now += 5_001;
  expect(exchange.isRemembered(`Bearer ${GOOD}`)).toBe(false);
  await exchange.exchange(`Bearer ${GOOD}`, identity);
  expect(asked).toHaveLength(2);
  exchange.forget(`Bearer ${GOOD}`);
  await exchange.exchange(`Bearer ${GOOD}`, identity);
  expect(asked).toHaveLength(3);
});

it('never remembers a refusal, and asks every time with cacheSeconds 0', async () => {
  const exchange = exchangeWith(5);
  for (let i = 0; i < 2; i += 1)
    await expect(exchange.exchange('Bearer mk_0123456789abcdef_bad', identity)).rejects.toMatchObject({
      message: 'Invalid API key',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  expect(asked).toHaveLength(2);
  const uncached = exchangeWith(0);
  await uncached.exchange(`Bearer ${GOOD}`, identity);
  await uncached.exchange(`Bearer ${GOOD}`, identity);
  expect(asked).toHaveLength(4);
});

it('refuses as UNAUTHENTICATED, and logs, when the users subgraph cannot answer or refuses the signature', async () => {
  const log = createLogger({ name: 'test', destination: new LogCapture() });
  const unreachable = new ApiKeyExchange('http://127.0.0.1:1/graphql', signer, 5, log);
  await expect(unreachable.exchange(`Bearer ${GOOD}`, identity)).rejects.toMatchObject({
    extensions: { code: 'UNAUTHENTICATED' },
  });
  const wrongSecret = new ApiKeyExchange(usersUrl, new GatewaySigner('another secret of thirty-two bytes!'), 5, log);
  await expect(wrongSecret.exchange(`Bearer ${GOOD}`, identity)).rejects.toMatchObject({
    message: 'API keys cannot be checked right now; try again shortly',
  });
});

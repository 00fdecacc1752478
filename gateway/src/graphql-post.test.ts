import { Role } from '@marketplace/kit';
import { metricSum, scrapeMetrics } from '@marketplace/kit/testing';
import { ProbeStack, startProbeStack } from './testing/stack';

/**
 * Plain `POST /graphql` (JSON, no Origin) takes the lean path; a browser's request (with an
 * Origin) takes Express. Each request below goes both ways and must get the same answer.
 */
let stack: ProbeStack;
beforeAll(async () => {
  stack = await startProbeStack();
});
afterAll(() => stack?.close());

/** An origin the gateway's CORS allows outside production, so Express serves the request. */
const BROWSER = { origin: 'http://localhost:3000' };
const WHOAMI = JSON.stringify({ query: 'query Whoami { whoami { viewerId role } }' });

async function send(body: string, headers: Record<string, string>) {
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: response.status,
    body: await response.text(),
    contentType: response.headers.get('content-type'),
    requestId: response.headers.get('x-request-id'),
    rateLimit: response.headers.get('ratelimit-limit') ?? response.headers.get('x-ratelimit-limit'),
    /** Express's `res.send` tags every body; the lean path does not. */
    express: response.headers.get('etag') !== null,
  };
}

/** The request both ways: the lean answer, and the browser's answer from Express. */
async function bothWays(body: string, headers: Record<string, string> = {}) {
  const lean = await send(body, headers);
  const browser = await send(body, { ...headers, ...BROWSER });
  expect(lean.express).toBe(false);
  expect(browser.express).toBe(true);
  return { lean, browser };
}

const same = ({ status, body, contentType, rateLimit }: Awaited<ReturnType<typeof send>>) => ({
  status,
  body,
  contentType,
  rateLimit,
});

describe('the lean POST path and Express answer alike', () => {
  it.each([
    ['an anonymous query', WHOAMI, {}],
    ['a signed-in query', WHOAMI, { authorization: 'signed-in' }],
    ['a bad token (401)', WHOAMI, { authorization: 'Bearer not-a-token' }],
    ['malformed JSON (400)', '{"query": ', {}],
    ['an empty body (400)', '', {}],
    ['no query (400)', '{"variables":{}}', {}],
    [
      'an unknown operation name (400)',
      JSON.stringify({ query: 'query A { whoami { role } }', operationName: 'B' }),
      {},
    ],
    ['a query over the limits (400)', JSON.stringify({ query: `{ ${'a: whoami { role } '.repeat(200)} }` }), {}],
    ['charset=utf-8', WHOAMI, { 'content-type': 'application/json; charset=utf-8' }],
  ])('%s', async (_case, body, headers: Record<string, string>) => {
    const authorization =
      headers.authorization === 'signed-in' ? `Bearer ${stack.token(Role.VENDOR)}` : headers.authorization;
    const { lean, browser } = await bothWays(body, { ...headers, ...(authorization ? { authorization } : {}) });
    expect(same(lean)).toEqual(same(browser));
    expect(lean.requestId).toMatch(/^[0-9a-f-]{36}$/);
    if (lean.status >= 400) expect(JSON.parse(lean.body).errors[0].extensions.code).toEqual(expect.any(String));
  });

  it('refuses a JSON body that is not an object both ways (the messages differ: Express names the token)', async () => {
    const { lean, browser } = await bothWays('"{ whoami { role } }"');
    for (const answer of [lean, browser]) {
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('BAD_REQUEST');
    }
  });

  it('refuses a body over 1 MiB with 413 both ways, declared or not', async () => {
    const huge = JSON.stringify({ query: '{ whoami { role } }', variables: { padding: 'x'.repeat(2 ** 20) } });
    const { lean, browser } = await bothWays(huge);
    expect([lean.status, browser.status]).toEqual([413, 413]);
    expect(JSON.parse(lean.body)).toEqual({
      errors: [{ message: 'request entity too large', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('leaves compressed bodies, other content types and other routes to Express', async () => {
    const gzip = await send(WHOAMI, { 'content-encoding': 'gzip' });
    expect(gzip.express).toBe(true);
    const text = await send(WHOAMI, { 'content-type': 'text/plain' });
    expect(text).toMatchObject({ express: true, status: 400 });
    const query = await fetch(`${stack.gateway.url}?query=${encodeURIComponent('{ whoami { role } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(query.status).toBe(200);
  });

  it('counts lean requests in the HTTP metrics under the /graphql route', async () => {
    const count = async () =>
      metricSum(await scrapeMetrics(stack.gateway.url), 'http_request_duration_seconds_count', {
        method: 'POST',
        route: '/graphql',
        status: '200',
      });
    const before = await count();
    for (let i = 0; i < 3; i++) expect((await send(WHOAMI, {})).status).toBe(200);
    expect((await count()) - before).toBe(3);
  });
});

import { gzipSync } from 'node:zlib';
import { metricSum, scrapeMetrics } from '@marketplace/kit/testing';
import { ProbeStack, startProbeStack, startTestGateway } from '../testing/stack';

/** What a client sees of the HTTP front door, before any GraphQL runs. */
const WHOAMI = 'query Whoami { whoami { viewerId role requestId clientIp } }';

let stack: ProbeStack;

beforeAll(async () => {
  stack = await startProbeStack();
});

afterAll(async () => {
  await stack?.close();
});

describe('CSRF prevention', () => {
  it('refuses a simple GET without a preflight header, and serves one with it', async () => {
    const url = `${stack.gateway.url}?query=${encodeURIComponent('{ whoami { requestId } }')}`;
    let refused: Response | undefined;
    const calls = await stack.subgraphCallsDuring(async () => {
      refused = await fetch(url);
    });
    expect(calls).toBe(0);
    expect(refused?.status).toBe(400);
    expect(await refused?.text()).toMatch(/Cross-Site Request Forgery/);
    const allowed = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(allowed.status).toBe(200);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'refuses a POST sent as %s',
    async (contentType) => {
      let response: Response | undefined;
      const calls = await stack.subgraphCallsDuring(async () => {
        response = await fetch(stack.gateway.url, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body: JSON.stringify({ query: '{ whoami { requestId } }' }),
        });
      });
      expect(calls).toBe(0);
      expect(response?.status).toBe(400);
      const body = (await response?.json()) as { errors: { message: string }[] };
      expect(body.errors[0].message).toMatch(/Cross-Site Request Forgery/);
    },
  );
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });

  it('allows a localhost frontend by default outside production', async () => {
    const response = await preflight(stack.gateway.url, 'http://localhost:5173');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const actual = await stack.client.request(WHOAMI, { headers: { origin: 'http://localhost:5173' } });
    expect(actual.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(actual.headers.get('access-control-expose-headers')).toMatch(/x-request-id/i);
  });

  it('does not allow a foreign origin', async () => {
    const response = await preflight(stack.gateway.url, 'https://evil.example');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await stack.client.request(WHOAMI, { headers: { origin: 'https://evil.example' } });
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the CORS_ORIGINS when they are configured', async () => {
    const configured = await startTestGateway(stack.supergraphSdl, stack.dataDir, {
      CORS_ORIGINS: 'https://shop.example, https://admin.shop.example',
    });
    try {
      expect(
        (await preflight(configured.gateway.url, 'https://admin.shop.example')).headers.get(
          'access-control-allow-origin',
        ),
      ).toBe('https://admin.shop.example');
      expect(
        (await preflight(configured.gateway.url, 'http://localhost:5173')).headers.get('access-control-allow-origin'),
      ).toBeNull();
      expect(
        (await preflight(configured.gateway.url, 'https://shop.example.evil.com')).headers.get(
          'access-control-allow-origin',
        ),
      ).toBeNull();
    } finally {
      await configured.close();
    }
  });
});

describe('POST /graphql bodies', () => {
  async function postRaw(body: BodyInit, headers: Record<string, string> = {}) {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      requestId: response.headers.get('x-request-id'),
      body: (await response.json()) as {
        data?: unknown;
        errors?: { message: string; extensions?: { code?: string } }[];
      },
    };
  }

  it.each([
    ['malformed JSON', '{"query": ', /JSON/],
    ['a JSON string instead of an object', '"{ whoami { role } }"', /JSON/],
  ])('answers %s with 400 BAD_REQUEST, a JSON body and the request id', async (_case, body, message) => {
    let answer: Awaited<ReturnType<typeof postRaw>> | undefined;
    const calls = await stack.subgraphCallsDuring(async () => {
      answer = await postRaw(body, { 'x-request-id': 'bad-body-1' });
    });
    expect(calls).toBe(0);
    expect(answer).toMatchObject({
      status: 400,
      contentType: 'application/json; charset=utf-8',
      requestId: 'bad-body-1',
      body: { errors: [{ message: expect.stringMatching(message), extensions: { code: 'BAD_REQUEST' } }] },
    });
  });

  it.each([
    ['an empty body', ''],
    ['an object without a query', '{"variables":{}}'],
  ])('answers %s with 400 BAD_REQUEST', async (_case, body) => {
    const answer = await postRaw(body);
    expect(answer.status).toBe(400);
    expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.body.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
  });

  it('refuses a body over 1 MiB with 413, whether its length is declared or streamed', async () => {
    const huge = JSON.stringify({ query: '{ whoami { role } }', variables: { padding: 'x'.repeat(2 ** 20) } });
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(huge));
        controller.close();
      },
    });
    // Declared: refused from the header (malformed-requests.test.ts sends the header alone); streamed: by express.json.
    for (const [body, message] of [
      [huge, 'The operation is larger than 1048576 bytes'],
      [streamed, 'request entity too large'],
    ] as const) {
      const answer = await postRaw(body);
      expect(answer).toMatchObject({
        status: 413,
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        body: { errors: [{ message, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] },
      });
    }
  });

  it('reads a gzip-compressed body and a charset in the content type', async () => {
    const body = JSON.stringify({ query: WHOAMI });
    const gzipped = await postRaw(gzipSync(body), { 'content-encoding': 'gzip' });
    expect(gzipped.status).toBe(200);
    expect(gzipped.body.data).toMatchObject({ whoami: { role: null } });
    const withCharset = await postRaw(body, { 'content-type': 'application/json; charset=utf-8' });
    expect(withCharset.status).toBe(200);
  });

  it.each([
    [undefined, 'application/json; charset=utf-8'],
    ['*/*', 'application/json; charset=utf-8'],
    ['application/json', 'application/json; charset=utf-8'],
    ['application/graphql-response+json', 'application/graphql-response+json; charset=utf-8'],
    ['application/graphql-response+json, application/json;q=0.9', 'application/graphql-response+json; charset=utf-8'],
  ])('answers Accept: %s with %s', async (accept, contentType) => {
    const answer = await postRaw(JSON.stringify({ query: WHOAMI }), accept ? { accept } : {});
    expect(answer).toMatchObject({ status: 200, contentType, body: { data: { whoami: { role: null } } } });
  });

  it('refuses an Accept it cannot answer with 406', async () => {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/csv' },
      body: JSON.stringify({ query: WHOAMI }),
    });
    expect(response.status).toBe(406);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('times every GraphQL request in the HTTP metrics under the /graphql route', async () => {
    const count = async () =>
      metricSum(await scrapeMetrics(stack.gateway.url), 'http_request_duration_seconds_count', {
        method: 'POST',
        route: '/graphql',
        status: '200',
      });
    const before = await count();
    for (let i = 0; i < 3; i++) expect((await postRaw(JSON.stringify({ query: WHOAMI }))).status).toBe(200);
    expect((await count()) - before).toBe(3);
  });
});

import { createHmac, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IntrospectionQuery, getIntrospectionQuery } from 'graphql';
import { AccessTokenSigner, Role } from '@marketplace/kit';
import { ProbeStack, startProbeStack, startTestGateway } from './testing/stack';

const WHOAMI = 'query Whoami { whoami { viewerId role requestId clientIp } }';

let stack: ProbeStack;

beforeAll(async () => {
  stack = await startProbeStack();
});

afterAll(async () => {
  await stack?.close();
});

/** Subgraph requests made while `work` runs. */
async function subgraphCallsDuring(work: () => Promise<unknown>): Promise<number> {
  const before = stack.stats.graphqlRequests;
  await work();
  return stack.stats.graphqlRequests - before;
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

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
        `Bearer ${new AccessTokenSigner(otherKeys.privateKey, { issuer: 'marketplace-users', audience: 'marketplace' }).sign({ id: 'user-1', role: Role.ADMIN })}`,
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
      const calls = await subgraphCallsDuring(async () => {
        result = await stack.client.request(WHOAMI, { headers: { authorization } });
      });
      expect(calls).toBe(0);
      expect(result?.status).toBe(401);
      expect(result?.data ?? null).toBeNull();
      expect(result?.errors?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
      expect(stack.logs.text()).not.toContain(authorization.slice('Bearer '.length));
    },
  );

  it('says an expired token is expired', async () => {
    const result = await stack.client.request(WHOAMI, {
      token: stack.signer.sign({ id: 'user-1', role: Role.CUSTOMER }, -60),
    });
    expect(result.errors?.[0].message).toBe('Access token expired');
  });
});

describe('operation limits', () => {
  const nested = (levels: number) =>
    `query Deep { probe(id: "p") { ${'child { '.repeat(levels - 2)}id${' }'.repeat(levels - 2)} } }`;

  it('accepts an operation exactly at the depth limit (12)', async () => {
    const data = await stack.client.data(nested(12));
    expect(JSON.stringify(data)).toContain('"id":"p.1.2.3.4.5.6.7.8.9.10"');
  });

  it('refuses an operation one level deeper, before any subgraph is called', async () => {
    let code: string | undefined;
    const calls = await subgraphCallsDuring(async () => {
      code = await stack.client.errorCode(nested(13));
    });
    expect(code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(calls).toBe(0);
  });

  it('follows fragments when measuring depth', async () => {
    const query = `
      query Sneaky { probe(id: "p") { ...A } }
      fragment A on Probe { child { child { child { ...B } } } }
      fragment B on Probe { child { child { child { ...C } } } }
      fragment C on Probe { child { child { child { child { child { id } } } } } }`;
    let result: Awaited<ReturnType<typeof stack.client.request>> | undefined;
    const calls = await subgraphCallsDuring(async () => {
      result = await stack.client.request(query);
    });
    expect(calls).toBe(0);
    expect(result?.status).toBe(400);
    expect(result?.errors?.[0]).toMatchObject({
      message: 'Operation "Sneaky" is 13 levels deep; the limit is 12',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('accepts 30 aliases and refuses 31 without calling a subgraph', async () => {
    const aliased = (count: number) =>
      `{ ${Array.from({ length: count }, (_, i) => `p${i}: probe(id: "${i}") { id }`).join(' ')} }`;
    const data = await stack.client.data(aliased(30));
    expect(Object.keys(data)).toHaveLength(30);
    let result: Awaited<ReturnType<typeof stack.client.request>> | undefined;
    const calls = await subgraphCallsDuring(async () => {
      result = await stack.client.request(aliased(31));
    });
    expect(calls).toBe(0);
    expect(result?.errors?.[0]).toMatchObject({
      message: 'The operation uses 31 aliases; the limit is 30',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('answers an operation name the document lacks with a 400 naming it, not an internal error', async () => {
    let response: Awaited<ReturnType<typeof post>> | undefined;
    const calls = await subgraphCallsDuring(async () => {
      response = await post({ query: WHOAMI, operationName: 'Hello' });
    });
    expect(response?.status).toBe(400);
    expect(JSON.parse(response!.text).errors).toEqual([
      { message: 'Unknown operation named "Hello"', extensions: { code: 'BAD_REQUEST' } },
    ]);
    expect(calls).toBe(0);
  });

  it('refuses a document past the token limit at parse time', async () => {
    const huge = `{ whoami { ${'requestId '.repeat(5_000)} } }`;
    let code: string | undefined;
    const calls = await subgraphCallsDuring(async () => {
      code = await stack.client.errorCode(huge);
    });
    expect(code).toBe('GRAPHQL_PARSE_FAILED');
    expect(calls).toBe(0);
  });

  it('answers GraphiQL’s full introspection query at the default limits, from the gateway alone', async () => {
    let data: IntrospectionQuery | undefined;
    const calls = await subgraphCallsDuring(async () => {
      data = await stack.client.data<IntrospectionQuery>(
        getIntrospectionQuery({
          descriptions: true,
          specifiedByUrl: true,
          directiveIsRepeatable: true,
          schemaDescription: true,
          inputValueDeprecation: true,
        }),
      );
    });
    expect(calls).toBe(0);
    expect(data?.__schema.queryType.name).toBe('Query');
    expect(data?.__schema.types.map((type) => type.name)).toContain('Probe');
  });

  it('still counts introspection fields toward depth', async () => {
    const deep = `{ __schema { types { ${'fields { type { '.repeat(5)}name${' } }'.repeat(5)} } } }`;
    expect(await stack.client.errorCode(deep)).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('errors from subgraphs', () => {
  it('keeps BAD_USER_INPUT and its fields', async () => {
    const result = await stack.client.request('{ fail(kind: "badInput") }');
    expect(result.status).toBe(200);
    expect(result.errors).toEqual([
      {
        message: 'Invalid input: input.email must be an email address',
        path: ['fail'],
        extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'input.email', message: 'must be an email address' }] },
      },
    ]);
  });

  it.each([
    ['conflict', 'CONFLICT', { existingId: 'probe-1' }],
    ['forbidden', 'FORBIDDEN', {}],
    ['notFound', 'NOT_FOUND', {}],
  ])('keeps %s as %s with its details', async (kind, code, details) => {
    const result = await stack.client.request(`{ fail(kind: "${kind}") }`);
    expect(result.errors?.[0].extensions).toEqual({ code, ...details });
    expect(result.errors?.[0].path).toEqual(['fail']);
  });

  it('hides an unexpected subgraph exception behind INTERNAL_SERVER_ERROR', async () => {
    const response = await post({ query: '{ fail(kind: "crash") }' });
    const body = JSON.parse(response.text);
    expect(body.errors[0]).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(response.text).not.toMatch(/hunter2|secret internal|stacktrace|\.js:\d+/);
  });

  it('never sends stack traces, whatever fails', async () => {
    const responses = [
      await post({ query: '{ nope }' }),
      await post({ query: '{ whoami {' }),
      await post({ query: '{ fail(kind: "crash") }' }),
      await post({ query: WHOAMI }, { authorization: 'Bearer x.y.z' }),
      await fetch(stack.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query": ',
      }).then(async (r) => ({ status: r.status, text: await r.text() })),
    ];
    for (const response of responses) {
      expect(response.status).toBeGreaterThanOrEqual(200);
      expect(response.text).not.toMatch(/stacktrace|\s+at\s+\S+\s+\(|\.js:\d+/);
      expect(JSON.parse(response.text).errors.length).toBeGreaterThan(0);
    }
  });
});

describe('CSRF prevention', () => {
  it('refuses a simple GET without a preflight header, and serves one with it', async () => {
    const url = `${stack.gateway.url}?query=${encodeURIComponent('{ whoami { requestId } }')}`;
    let refused: Response | undefined;
    const calls = await subgraphCallsDuring(async () => {
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
      const calls = await subgraphCallsDuring(async () => {
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

describe('operation logs', () => {
  it('writes one line per operation with request id, name and duration, never the token', async () => {
    const token = stack.token(Role.ADMIN);
    await stack.client.data(WHOAMI, {
      token,
      headers: { 'x-request-id': 'log-line-check' },
      variables: { unused: 'secret-variable' },
    });
    const lines = stack.logs
      .records()
      .filter((record) => record.requestId === 'log-line-check' && record.msg === 'graphql operation');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      service: 'gateway',
      operationName: 'Whoami',
      operationType: 'query',
      viewerId: 'user-admin',
    });
    expect(typeof lines[0].durationMs).toBe('number');
    expect(stack.logs.text()).not.toContain(token);
    expect(stack.logs.text()).not.toContain('secret-variable');
  });
});

describe('start-up', () => {
  it('names a malformed <NAME>_URL override', async () => {
    await expect(
      startTestGateway(stack.supergraphSdl, stack.dataDir, { PROBE_URL: 'ftp://probe/graphql' }),
    ).rejects.toThrow('PROBE_URL must use http or https://');
  });
});

import { randomUUID } from 'node:crypto';
import { IntrospectionQuery, getIntrospectionQuery } from 'graphql';
import { Role } from '@marketplace/kit';
import { globalId } from '@marketplace/kit/testing';
import { ProbeStack, startProbeStack, startTestGateway } from './testing/stack';

/** The request pipeline end to end: limits, errors, the operation log and start-up checks. */
const WHOAMI = 'query Whoami { whoami { viewerId role requestId clientIp } }';

let stack: ProbeStack;

beforeAll(async () => {
  stack = await startProbeStack();
});

afterAll(async () => {
  await stack?.close();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('operation limits', () => {
  const P = globalId('Probe', '00000000-0000-4000-8000-00000000000a');
  const nested = (levels: number) =>
    `query Deep { probe(id: "${P}") { ${'child { '.repeat(levels - 2)}id${' }'.repeat(levels - 2)} } }`;

  it('accepts an operation exactly at the depth limit (12)', async () => {
    const data = await stack.client.data(nested(12));
    expect(JSON.stringify(data)).toContain(`"id":"${P}.1.2.3.4.5.6.7.8.9.10"`);
  });

  it('refuses an operation one level deeper, before any subgraph is called', async () => {
    let code: string | undefined;
    const calls = await stack.subgraphCallsDuring(async () => {
      code = await stack.client.errorCode(nested(13));
    });
    expect(code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(calls).toBe(0);
  });

  it('follows fragments when measuring depth', async () => {
    const query = `
      query Sneaky { probe(id: "${P}") { ...A } }
      fragment A on Probe { child { child { child { ...B } } } }
      fragment B on Probe { child { child { child { ...C } } } }
      fragment C on Probe { child { child { child { child { child { id } } } } } }`;
    let result: Awaited<ReturnType<typeof stack.client.request>> | undefined;
    const calls = await stack.subgraphCallsDuring(async () => {
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
      `{ ${Array.from({ length: count }, (_, i) => `p${i}: probe(id: "${globalId('Probe', randomUUID())}") { id }`).join(' ')} }`;
    const data = await stack.client.data(aliased(30));
    expect(Object.keys(data)).toHaveLength(30);
    let result: Awaited<ReturnType<typeof stack.client.request>> | undefined;
    const calls = await stack.subgraphCallsDuring(async () => {
      result = await stack.client.request(aliased(31));
    });
    expect(calls).toBe(0);
    expect(result?.errors?.[0]).toMatchObject({
      message: 'Aliases limit of 30 exceeded, found 31.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('answers an operation name the document lacks with a 400 naming it, not an internal error', async () => {
    let response: Awaited<ReturnType<typeof post>> | undefined;
    const calls = await stack.subgraphCallsDuring(async () => {
      response = await post({ query: WHOAMI, operationName: 'Hello' });
    });
    expect(response?.status).toBe(400);
    expect(JSON.parse(response!.text).errors).toEqual([
      { message: 'Unknown operation named "Hello"', extensions: { code: 'UNKNOWN_OPERATION_NAME' } },
    ]);
    expect(calls).toBe(0);
  });

  it('refuses a document past the token limit at parse time', async () => {
    const huge = `{ whoami { ${'requestId '.repeat(5_000)} } }`;
    let code: string | undefined;
    const calls = await stack.subgraphCallsDuring(async () => {
      code = await stack.client.errorCode(huge);
    });
    expect(code).toBe('GRAPHQL_PARSE_FAILED');
    expect(calls).toBe(0);
  });

  it('answers GraphiQL’s full introspection query at the default limits, from the gateway alone', async () => {
    let data: IntrospectionQuery | undefined;
    const calls = await stack.subgraphCallsDuring(async () => {
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
    ['conflict', 'CONFLICT', { reason: 'NAME_TAKEN', fields: [{ field: 'input.handle', message: 'is taken' }] }],
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
      method: 'POST',
      operationName: 'Whoami',
      operationType: 'query',
      status: 200,
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

import { createHash } from 'node:crypto';
import { RawAnswer, RawRequest, jsonOf, rawRequest } from '../testing/raw-request';
import { ProbeStack, startProbeStack } from '../testing/stack';

/**
 * Issue 18 item 4: malformed requests answered 500 (several operations and no name, an empty
 * operationName) or INTERNAL_SERVER_ERROR (a persisted-query hash mismatch, version 99). Every
 * malformed shape here is a 4xx with a specific code, and none reaches a subgraph.
 */
describe('malformed GraphQL requests', () => {
  let stack: ProbeStack;
  beforeAll(async () => {
    stack = await startProbeStack();
  });
  afterAll(() => stack.close());

  const json = { 'content-type': 'application/json' };
  const post = (body: unknown): RawRequest => ({
    method: 'POST',
    path: '/graphql',
    headers: json,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  // Apollo's CSRF prevention wants a preflight-forcing header on GET.
  const get = (search: Record<string, string>): RawRequest => ({
    path: `/graphql?${new URLSearchParams(search).toString()}`,
    headers: { 'apollo-require-preflight': 'true' },
  });
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const apq = (version: unknown, sha256Hash: unknown) => ({ persistedQuery: { version, sha256Hash } });

  it.each<[string, RawRequest, number, string]>([
    // The probes.
    [
      'several operations and no operationName',
      post({ query: 'query A{__typename} query B{__typename}' }),
      400,
      'OPERATION_NAME_REQUIRED',
    ],
    [
      'several operations and an empty operationName',
      post({ query: 'query A{__typename} query B{__typename}', operationName: '' }),
      400,
      'OPERATION_NAME_REQUIRED',
    ],
    ['an empty operationName', post({ query: '{ __typename }', operationName: '' }), 400, 'UNKNOWN_OPERATION_NAME'],
    [
      'a persisted-query hash that is not the query’s',
      post({ query: '{ __typename }', extensions: apq(1, sha256('{ whoami { requestId } }')) }),
      400,
      'PERSISTED_QUERY_HASH_MISMATCH',
    ],
    [
      'persisted-query version 99',
      post({ query: '{ __typename }', extensions: apq(99, sha256('{ __typename }')) }),
      400,
      'PERSISTED_QUERY_VERSION_UNSUPPORTED',
    ],
    // Other shapes.
    [
      'persisted-query version 99 without a query',
      post({ extensions: apq(99, sha256('{ __typename }')) }),
      400,
      'PERSISTED_QUERY_VERSION_UNSUPPORTED',
    ],
    [
      'a persistedQuery that is not an object',
      post({ query: '{ __typename }', extensions: { persistedQuery: 'yes' } }),
      400,
      'PERSISTED_QUERY_INVALID',
    ],
    [
      'a persistedQuery without sha256Hash',
      post({ query: '{ __typename }', extensions: { persistedQuery: { version: 1 } } }),
      400,
      'PERSISTED_QUERY_INVALID',
    ],
    [
      'a persisted-query hash mismatch by GET',
      get({ query: '{ __typename }', extensions: JSON.stringify(apq(1, 'f'.repeat(64))) }),
      400,
      'PERSISTED_QUERY_HASH_MISMATCH',
    ],
    [
      'an operation name the document lacks',
      post({ query: '{ __typename }', operationName: 'Nope' }),
      400,
      'UNKNOWN_OPERATION_NAME',
    ],
    [
      'several operations and no operationName by GET',
      get({ query: 'query A{__typename} query B{__typename}' }),
      400,
      'OPERATION_NAME_REQUIRED',
    ],
    ['a query that is not a string', post({ query: 5 }), 400, 'BAD_REQUEST'],
    ['no query at all', post({ variables: {} }), 400, 'BAD_REQUEST'],
    ['variables that are not an object', post({ query: '{ __typename }', variables: 'x' }), 400, 'BAD_REQUEST'],
    ['variables that are an array', post({ query: '{ __typename }', variables: [1] }), 400, 'BAD_REQUEST'],
    ['an operationName that is not a string', post({ query: '{ __typename }', operationName: 5 }), 400, 'BAD_REQUEST'],
    ['extensions that are not an object', post({ query: '{ __typename }', extensions: 'x' }), 400, 'BAD_REQUEST'],
    ['a batch', post([{ query: '{ __typename }' }, { query: '{ __typename }' }]), 400, 'BAD_REQUEST'],
    ['invalid JSON', post('{"query":'), 400, 'BAD_REQUEST'],
    ['JSON null', post('null'), 400, 'BAD_REQUEST'],
    ['an empty body', post(''), 400, 'BAD_REQUEST'],
    [
      'a text/plain body (a CSRF shape)',
      { method: 'POST', path: '/graphql', headers: { 'content-type': 'text/plain' }, body: '{"query":"{__typename}"}' },
      400,
      'BAD_REQUEST',
    ],
    [
      'an unknown content-type',
      {
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/x-foo' },
        body: '{"query":"{__typename}"}',
      },
      400,
      'BAD_REQUEST',
    ],
    ['GET with variables that are not JSON', get({ query: '{ __typename }', variables: 'nope' }), 400, 'BAD_REQUEST'],
    ['GET with extensions that are not JSON', get({ query: '{ __typename }', extensions: '[' }), 400, 'BAD_REQUEST'],
    [
      'GET with a mutation',
      get({ query: 'mutation { setProbeOrderStatus(id: "1", status: "x") }' }),
      405,
      'BAD_REQUEST',
    ],
    ['PUT', { ...post({ query: '{ __typename }' }), method: 'PUT' }, 405, 'BAD_REQUEST'],
    ['a syntax error', post({ query: '{ __typename' }), 400, 'GRAPHQL_PARSE_FAILED'],
    ['only a fragment', post({ query: 'fragment F on Query { __typename }' }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    [
      'a subscription over HTTP',
      post({ query: 'subscription { orderUpdated(orderId: "1") { id } }' }),
      400,
      'BAD_REQUEST',
    ],
  ])('answers %s with %i %s, without calling a subgraph', async (_what, request, status, code) => {
    let answer: RawAnswer | undefined;
    const calls = await stack.subgraphCallsDuring(async () => {
      answer = await rawRequest(stack.gateway.url, request);
    });
    expect({ status: answer!.status, codes: jsonOf(answer!).errors?.map((error) => error.extensions?.code) }).toEqual({
      status,
      codes: [code],
    });
    expect(answer!.text).not.toMatch(/INTERNAL_SERVER_ERROR|stacktrace/);
    expect(calls).toBe(0);
  });

  it('still serves automatic persisted queries: registered with the right hash, then run by hash alone', async () => {
    const query = '{ whoami { clientIp } }';
    const extensions = apq(1, sha256(query));
    const unknown = await rawRequest(stack.gateway.url, post({ extensions }));
    expect(jsonOf(unknown).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await rawRequest(stack.gateway.url, post({ query, extensions }));
    expect(registered.status).toBe(200);
    const byHash = await rawRequest(stack.gateway.url, post({ extensions }));
    expect(jsonOf<{ data: unknown }>(byHash)).toEqual({ data: { whoami: { clientIp: '127.0.0.1' } } });
  });

  it('runs the named operation of several', async () => {
    const answer = await rawRequest(
      stack.gateway.url,
      post({ query: 'query A { whoami { clientIp } } query B { __typename }', operationName: 'B' }),
    );
    expect(jsonOf<{ data: unknown }>(answer)).toEqual({ data: { __typename: 'Query' } });
  });

  /** Issue 18 item 6, GraphQL side: express.json waited for the whole body before refusing it. */
  it('refuses an operation declaring 1 MiB + 1 from the header, before any body arrives', async () => {
    const answer = await rawRequest(stack.gateway.url, {
      method: 'POST',
      path: '/graphql',
      headers: { ...json, 'content-length': String(2 ** 20 + 1) },
      withholdBody: true,
    });
    expect(answer.status).toBe(413);
    expect(jsonOf(answer).errors).toEqual([
      { message: 'The operation is larger than 1048576 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } },
    ]);
  });

  it('answers 100 Continue to an operation that fits, and refuses one over 1 MiB without inviting it', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const fits = await rawRequest(stack.gateway.url, { ...post(body), headers: { ...json, expect: '100-continue' } });
    expect(fits).toMatchObject({ continued: true, status: 200 });
    const tooLarge = await rawRequest(stack.gateway.url, {
      method: 'POST',
      path: '/graphql',
      headers: { ...json, expect: '100-continue', 'content-length': String(2 ** 20 + 1) },
      withholdBody: true,
    });
    expect(tooLarge).toMatchObject({ continued: false, status: 413 });
  });

  it('refuses a chunked operation over 1 MiB with 413, not 500', async () => {
    const answer = await rawRequest(stack.gateway.url, {
      method: 'POST',
      path: '/graphql',
      headers: { ...json, 'transfer-encoding': 'chunked' },
      body: JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(2 ** 20) } }),
    });
    expect(answer.status).toBe(413);
    expect(jsonOf(answer).errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

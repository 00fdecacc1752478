import { GatewaySigner, envReader } from '@marketplace/kit';
import { LogCapture } from '@marketplace/kit/testing';
import { jsonOf, rawRequest } from '../testing/raw-request';
import { PROBE_ENTITIES_QUERY, routerSubgraphRequest } from './example-payload';
import type { SubgraphRequestPayload } from './protocol';
import { MAX_PAYLOAD_BYTES, RunningRouterCoprocessor, startRouterCoprocessor } from './server';

const SECRET = 'router-coprocessor-test-secret-0123456789';
const signer = new GatewaySigner(SECRET);
const SUBGRAPH_URI = 'http://catalog:4002/graphql';
const logs = new LogCapture();
let coprocessor: RunningRouterCoprocessor;

beforeAll(async () => {
  coprocessor = await startRouterCoprocessor({
    env: envReader({ NODE_ENV: 'production', SUBGRAPH_SIGNING_SECRET: SECRET, LOG_LEVEL: 'info' }),
    port: 0,
    host: '127.0.0.1',
    logDestination: logs,
  });
});
afterAll(() => coprocessor.close());

/** A POST to the coprocessor as the router makes one: the payload as JSON. */
function post(payload: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return rawRequest(coprocessor.url, { method: 'POST', path: '/', headers, body });
}

async function signed(payload: SubgraphRequestPayload): Promise<SubgraphRequestPayload> {
  const answer = await post(payload);
  expect(answer.status).toBe(200);
  return jsonOf<SubgraphRequestPayload>(answer);
}

describe('the router coprocessor, SubgraphRequest stage', () => {
  it('answers the payload it was sent, with the body signed and the identity headers set', async () => {
    const payload = routerSubgraphRequest(SUBGRAPH_URI, {
      authorization: ['Bearer some.access.token'],
      'x-request-id': ['req-42'],
      'apollographql-client-name': ['web'],
    });
    const answer = await signed(payload);

    // What the router requires back unchanged, and what it did not ask to change.
    const { body, headers, ...rest } = answer;
    const { body: sentBody, headers: sentHeaders, ...sentRest } = payload;
    expect(rest).toEqual(sentRest);
    expect(body).toEqual({ ...sentBody, extensions: { 'hmac-signature': expect.any(String) } });
    expect(Object.keys(body)[0]).toBe('query');
    expect(signer.verifyBody(body)).toBe('valid');

    expect(headers).toEqual({
      ...sentHeaders,
      'x-gateway-signature': [expect.stringMatching(/^t=\d+,v1=[A-Za-z0-9_-]+$/)],
    });
    const identity = {
      method: 'POST',
      path: '/graphql',
      requestId: 'req-42',
      bodySignature: body.extensions?.['hmac-signature'] as string,
    };
    expect(signer.verifyIdentity(headers['x-gateway-signature'][0], identity)).toBe('valid');
  });

  it('signs the path the subgraph sees, query string included, and the method sent', async () => {
    const payload = { ...routerSubgraphRequest(`${SUBGRAPH_URI}?via=router`), method: 'post' };
    const { headers, body } = await signed(payload);
    const identity = {
      method: 'POST',
      path: '/graphql?via=router',
      requestId: payload.id,
      bodySignature: body.extensions?.['hmac-signature'] as string,
    };
    expect(signer.verifyIdentity(headers['x-gateway-signature'][0], identity)).toBe('valid');
    expect(signer.verifyIdentity(headers['x-gateway-signature'][0], { ...identity, path: '/graphql' })).toBe(
      'mismatch',
    );
  });

  it('without an x-request-id, forwards the router’s id for the client request, so one id follows every fetch', async () => {
    const { headers } = await signed(routerSubgraphRequest(SUBGRAPH_URI));
    expect(headers['x-request-id']).toEqual(['666d677225c1bc6d7c54a52b409dbd4e']);
  });

  it('drops the forwarded x-client-ip unless told to trust it, and replaces any signature a caller sent', async () => {
    const payload = routerSubgraphRequest(SUBGRAPH_URI, {
      'X-Client-IP': ['198.51.100.7'],
      'x-gateway-signature': ['t=1,v1=forged'],
    });
    const { headers } = await signed(payload);
    expect(Object.keys(headers).map((name) => name.toLowerCase())).not.toContain('x-client-ip');
    expect(headers['x-gateway-signature']).toHaveLength(1);
    expect(headers['x-gateway-signature'][0]).not.toBe('t=1,v1=forged');
  });

  it('keeps variables and extensions the router sent, and signs them as the subgraph will read them', async () => {
    const payload = routerSubgraphRequest(SUBGRAPH_URI);
    payload.body.extensions = { persistedQuery: { version: 1 }, 'hmac-signature': 'forged' };
    const { body } = await signed(payload);
    expect(body.variables).toEqual(payload.body.variables);
    expect(body.extensions).toEqual({ persistedQuery: { version: 1 }, 'hmac-signature': expect.any(String) });
    expect(body.extensions?.['hmac-signature']).not.toBe('forged');
    expect(signer.verifyBody(JSON.parse(JSON.stringify(body)))).toBe('valid');
    expect(signer.verifyBody({ ...body, query: PROBE_ENTITIES_QUERY.replace('level', '') })).toBe('mismatch');
  });
});

describe('what the coprocessor refuses, each with a clear 4xx and no crash', () => {
  const refusalOf = async (answer: Awaited<ReturnType<typeof post>>) => ({
    status: answer.status,
    message: jsonOf(answer).errors?.[0]?.message,
  });

  it.each([
    ['malformed JSON', '{"version":1,"stage":', 400, /JSON/],
    ['a JSON value that is not an object', '"SubgraphRequest"', 400, /JSON|object/],
    ['another protocol version', { ...routerSubgraphRequest(SUBGRAPH_URI), version: 2 }, 400, /version 2/],
    ['another stage', { ...routerSubgraphRequest(SUBGRAPH_URI), stage: 'SupergraphRequest' }, 400, /SupergraphRequest/],
    ['a RouterResponse', { ...routerSubgraphRequest(SUBGRAPH_URI), stage: 'RouterResponse' }, 400, /RouterResponse/],
    [
      'a RouterRequest without headers',
      { version: 1, stage: 'RouterRequest', control: 'continue', id: 'r-1' },
      400,
      /coprocessor\.router\.request\.headers/,
    ],
    [
      'an API key at the SubgraphRequest stage (router.yaml skipping RouterRequest)',
      routerSubgraphRequest(SUBGRAPH_URI, { authorization: ['Bearer mk_0123456789abcdef_secret'] }),
      403,
      /API key/,
    ],
    ['a payload without a body', { ...routerSubgraphRequest(SUBGRAPH_URI), body: undefined }, 400, /body/],
    ['a body without a query', { ...routerSubgraphRequest(SUBGRAPH_URI), body: { variables: {} } }, 400, /body/],
    ['a payload without headers', { ...routerSubgraphRequest(SUBGRAPH_URI), headers: undefined }, 400, /headers/],
    ['headers not as lists', { ...routerSubgraphRequest(SUBGRAPH_URI), headers: { a: 'b' } }, 400, /headers/],
    ['a payload without a uri', { ...routerSubgraphRequest(SUBGRAPH_URI), uri: undefined }, 400, /uri/],
    ['a uri that is not http', { ...routerSubgraphRequest(SUBGRAPH_URI), uri: 'file:///etc/passwd' }, 400, /uri/],
    ['a payload without an id', { ...routerSubgraphRequest(SUBGRAPH_URI), id: undefined }, 400, /id/],
  ])('%s', async (_what, payload, status, message) => {
    expect(await refusalOf(await post(payload))).toEqual({ status, message: expect.stringMatching(message) });
  });

  it('a payload that is not JSON', async () => {
    const answer = await post(JSON.stringify(routerSubgraphRequest(SUBGRAPH_URI)), { 'content-type': 'text/plain' });
    expect(await refusalOf(answer)).toEqual({ status: 415, message: expect.stringMatching(/JSON/) });
  });

  it('a declared oversize payload, from its Content-Length, without reading it', async () => {
    const answer = await rawRequest(coprocessor.url, {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/json', 'content-length': String(MAX_PAYLOAD_BYTES + 1) },
      withholdBody: true,
    });
    expect(answer.status).toBe(413);
  });

  it('an oversize payload sent chunked, once it passes the limit', async () => {
    const payload = routerSubgraphRequest(SUBGRAPH_URI);
    payload.body.variables = { padding: 'x'.repeat(MAX_PAYLOAD_BYTES) };
    const answer = await rawRequest(coprocessor.url, {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: JSON.stringify(payload),
    });
    expect(await refusalOf(answer)).toEqual({ status: 413, message: expect.stringMatching(/too large/) });
  });

  it('other routes', async () => {
    expect((await rawRequest(coprocessor.url, { method: 'POST', path: '/graphql', body: '{}' })).status).toBe(404);
  });

  it('logs each refusal with its reason, and still answers its health check afterwards', async () => {
    await post({ ...routerSubgraphRequest(SUBGRAPH_URI), stage: 'SubgraphResponse' });
    const refusals = logs.records().filter((record) => record.msg === 'coprocessor payload refused');
    expect(refusals.map((record) => record.reason)).toContainEqual(expect.stringMatching(/SubgraphResponse/));
    const health = await rawRequest(coprocessor.url, { path: '/health' });
    expect({ status: health.status, body: jsonOf(health) }).toEqual({
      status: 200,
      body: { status: 'ok', service: 'router-coprocessor' },
    });
  });
});

describe('the RouterRequest stage without USERS_URL', () => {
  const routerRequest = (headers: Record<string, string[]>) => ({
    version: 1,
    stage: 'RouterRequest',
    control: 'continue',
    id: 'router-request-1',
    headers,
  });

  it('passes a request without an API key on unchanged', async () => {
    const payload = routerRequest({ authorization: ['Bearer some.access.token'], 'x-request-id': ['req-7'] });
    const answer = await post(payload);
    expect({ status: answer.status, body: jsonOf(answer) }).toEqual({ status: 200, body: payload });
  });

  it('answers a request with a key 401 UNAUTHENTICATED itself, so no subgraph sees the key', async () => {
    const answer = jsonOf<Record<string, unknown>>(
      await post(routerRequest({ authorization: ['Bearer mk_0123456789abcdef_secret'] })),
    );
    expect(answer).toMatchObject({
      id: 'router-request-1',
      control: { break: 401 },
      headers: { 'content-type': ['application/json'] },
      body: { errors: [{ message: 'API keys are not accepted here', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
    expect(JSON.stringify(answer)).not.toContain('mk_');
  });
});

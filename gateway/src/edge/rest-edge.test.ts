import { createHash, randomBytes } from 'node:crypto';
import { RawAnswer, jsonOf, rawRequest } from '../testing/raw-request';
import { ProbeStack, startProbeStack } from '../testing/stack';

/** Small limits, so the tests need not send 100 MiB: artifact uploads, then every other route. */
const ARTIFACT_MAX_BYTES = 1_000;
const REST_EDGE_MAX_BODY_BYTES = 4 * 2 ** 20;

/** The record `find` returns once it is there: the line is written when the response closes, after the client has it. */
async function waitForRecord(find: () => Record<string, unknown> | undefined): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const record = find();
    if (record) return record;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no such log record within 1 s');
}

/** The gateway's REST edge: bytes streamed to the owning subgraph, untouched, with the gateway's headers. */
describe('REST edge', () => {
  let stack: ProbeStack;
  beforeAll(async () => {
    stack = await startProbeStack({
      REST_EDGE_ROUTES: '/files=probe,/files-hang=probe,/orphan=nosuch,/uploads=probe,/downloads=probe',
      REST_EDGE_TIMEOUT_MS: '500',
      ARTIFACT_MAX_BYTES: String(ARTIFACT_MAX_BYTES),
      REST_EDGE_MAX_BODY_BYTES: String(REST_EDGE_MAX_BODY_BYTES),
    });
  });
  afterAll(() => stack.close());
  const edge = (path: string) => new URL(path, stack.gateway.url).toString();

  it('streams an upload body byte for byte, with path, query and headers', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    const response = await fetch(edge('/files/model.bin?version=2'), {
      method: 'PUT',
      body,
      headers: {
        'content-type': 'application/octet-stream',
        authorization: 'Bearer opaque-upload-token',
        'x-request-id': 'upload-req-1',
        'x-client-ip': '6.6.6.6',
      },
    });
    expect(response.status).toBe(201);
    const echoed = (await response.json()) as {
      name: string;
      query: unknown;
      size: number;
      sha256: string;
      headers: Record<string, string>;
    };
    expect(echoed).toMatchObject({
      name: 'model.bin',
      query: { version: '2' },
      size: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    });
    expect(echoed.headers.authorization).toBe('Bearer opaque-upload-token');
    expect(echoed.headers['x-request-id']).toBe('upload-req-1');
    // The client cannot choose its own IP: the gateway sets what it saw.
    expect(echoed.headers['x-client-ip']).toBe('127.0.0.1');
    expect(response.headers.get('x-request-id')).toBe('upload-req-1');
  });

  it('never forwards an API key: without a users subgraph to exchange it, 401 UNAUTHENTICATED', async () => {
    const response = await fetch(edge('/files/model.bin'), {
      method: 'PUT',
      body: 'x',
      headers: { authorization: 'Bearer mk_0123456789abcdef_secret' },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      errors: [{ message: 'API keys are not accepted here', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  });

  it('signs the identity it forwards over method and path, replacing any signature a client sends', async () => {
    const response = await fetch(edge('/files/signed.bin?v=1'), {
      method: 'PUT',
      body: 'x',
      headers: { 'x-request-id': 'signed-req-1', 'x-gateway-signature': 't=1,v1=forged' },
    });
    expect(response.status).toBe(201);
    const { headers } = (await response.json()) as { headers: Record<string, string> };
    const identity = { method: 'PUT', path: '/files/signed.bin?v=1', clientIp: '127.0.0.1', requestId: 'signed-req-1' };
    const signer = stack.probe.gatewaySigner;
    expect(signer.verifyIdentity(headers['x-gateway-signature'], identity)).toBe('valid');
    expect(signer.verifyIdentity(headers['x-gateway-signature'], { ...identity, path: '/files/other.bin' })).toBe(
      'mismatch',
    );
  });

  it('logs one line per request: route, method, status and duration, never the path or its token', async () => {
    const token = `secret-token-${randomBytes(6).toString('hex')}`;
    const earlier = stack.logs.lines.length;
    const response = await fetch(edge(`/files/${token}?size=10`));
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const line = await waitForRecord(() =>
      stack.logs
        .records()
        .slice(earlier)
        .find((record) => record.msg === 'http request'),
    );
    expect(line).toMatchObject({ route: '/files', subgraph: 'probe', method: 'GET', status: 200, aborted: false });
    expect(typeof line.durationMs).toBe('number');
    expect(stack.logs.text()).not.toContain(token);
  });

  it("streams a large download back with the subgraph's headers", async () => {
    const response = await fetch(edge('/files/artifact.zip?size=5000000'));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-probe-file')).toBe('artifact.zip');
    expect((await response.arrayBuffer()).byteLength).toBe(5_000_000);
  });

  it('answers 404 for a route whose subgraph is not in the supergraph, 504 when the subgraph does not answer in time', async () => {
    const orphan = await fetch(edge('/orphan/x'));
    expect(orphan.status).toBe(404);
    expect(await orphan.json()).toEqual({
      errors: [{ message: 'No nosuch subgraph in this supergraph', extensions: { code: 'NOT_FOUND' } }],
    });
    const hung = await fetch(edge('/files-hang'));
    expect(hung.status).toBe(504);
    expect(await hung.json()).toEqual({
      errors: [{ message: 'The probe service did not answer in time', extensions: { code: 'GATEWAY_TIMEOUT' } }],
    });
  });

  it('forwards neither hop-by-hop headers nor Expect, and says how the client reached the gateway', async () => {
    const answer = await rawRequest(stack.gateway.url, {
      method: 'PUT',
      path: '/files/hop.bin',
      headers: {
        'content-type': 'application/octet-stream',
        'proxy-authorization': 'Basic c2VjcmV0',
        'keep-alive': 'timeout=5',
        te: 'trailers',
        expect: '100-continue',
        'x-custom': 'kept',
      },
      body: 'abc',
    });
    expect(answer.status).toBe(201);
    // The client's connection is the gateway's to manage: rawRequest asked to close it, the subgraph's keep-alive is its own.
    expect(answer.headers.connection).toBe('close');
    expect(answer.headers['keep-alive']).toBeUndefined();
    const { headers } = jsonOf<{ headers: Record<string, string> }>(answer);
    for (const name of ['proxy-authorization', 'keep-alive', 'te', 'expect']) expect(headers[name]).toBeUndefined();
    expect(headers).toMatchObject({
      'x-custom': 'kept',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': new URL(stack.gateway.url).host,
      'x-client-ip': '127.0.0.1',
    });
  });

  it('does not send REST routes through GraphQL body parsing or limits', async () => {
    const response = await fetch(edge('/files/not-json'), {
      method: 'PUT',
      body: '{ this is not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { size: number }).size).toBe(18);
  });
});

/**
 * Issue 18 item 1: `forward()` resolved `..` and `%2e%2e`, so a client reached any path of the
 * subgraphs behind the REST edge (their /graphql past the gateway's limits, their /metrics).
 */
describe('REST edge paths', () => {
  let stack: ProbeStack;
  beforeAll(async () => {
    stack = await startProbeStack({ REST_EDGE_ROUTES: '/files=probe,/uploads=probe,/downloads=probe' });
  });
  afterAll(() => stack.close());

  const refusal = (answer: RawAnswer) => {
    expect(answer.status).toBe(400);
    const [error] = jsonOf(answer).errors ?? [];
    expect(error?.extensions?.code).toBe('BAD_REQUEST');
    expect(error?.message).toMatch(/^Refused: the path /);
  };

  it("refuses the issue's POST /uploads/%2e%2e/graphql without reaching the subgraph's GraphQL", async () => {
    let answer: RawAnswer | undefined;
    const calls = await stack.subgraphCallsDuring(async () => {
      answer = await rawRequest(stack.gateway.url, {
        method: 'POST',
        path: '/uploads/%2e%2e/graphql',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ _service { sdl } }"}',
      });
    });
    refusal(answer!);
    expect(answer!.text).not.toContain('sdl');
    expect(calls).toBe(0);
  });

  it("refuses the issue's GET /downloads/../metrics sent as is", async () => {
    const answer = await rawRequest(stack.gateway.url, { path: '/downloads/../metrics' });
    refusal(answer);
    expect(answer.text).not.toContain('process_cpu');
  });

  it.each([
    ['an encoded dot segment in capitals', '/files/%2E%2E/graphql'],
    ['a half-encoded dot segment', '/files/.%2e/graphql'],
    ['a dot segment at the end', '/files/x/..'],
    ['a single-dot segment', '/files/./x'],
    ['a dot segment whose slashes are encoded', '/files/x%2f..%2f..%2fgraphql'],
    ['an encoded slash', '/files/a%2Fb'],
    ['a backslash', '/files/..\\graphql'],
    ['an encoded backslash', '/files/..%5cgraphql'],
    ['double encoding', '/files/%252e%252e/graphql'],
    ['a path parameter', '/files/..;/graphql'],
    ['an encoded semicolon', '/files/x%3b/graphql'],
    ['an encoded NUL', '/files/x%00.bin'],
    ['malformed percent-encoding', '/files/%zz'],
    ['an absolute-form target naming another host', 'http://127.0.0.1:1/files/x'],
  ])('refuses %s: %s', async (_what, path) => {
    refusal(await rawRequest(stack.gateway.url, { path }));
  });

  it('forwards a path that stays under its prefix, dots inside names and in the query untouched', async () => {
    const answer = await rawRequest(stack.gateway.url, { path: '/files/v1..2.tar.gz?from=../x&size=3' });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-probe-file']).toBe('v1..2.tar.gz');
    expect(answer.text).toHaveLength(3);
    const encoded = await rawRequest(stack.gateway.url, { path: '/files/model%20v2.bin?size=1' });
    expect(encoded.status).toBe(200);
    expect(encoded.headers['x-probe-file']).toBe('model v2.bin');
  });

  it('answers 502 with a JSON error when the subgraph is down', async () => {
    await stack.stopSubgraph();
    const answer = await rawRequest(stack.gateway.url, { path: '/files/x.bin' });
    expect(answer.status).toBe(502);
    expect(jsonOf(answer)).toEqual({
      errors: [{ message: 'The probe service is unavailable', extensions: { code: 'BAD_GATEWAY' } }],
    });
  });
});

/** Issue 18 item 6: a declared oversize upload with no body yet hung through the gateway. */
describe('REST edge body limits', () => {
  let stack: ProbeStack;
  beforeAll(async () => {
    stack = await startProbeStack({
      REST_EDGE_ROUTES: '/files=probe,/uploads=probe',
      ARTIFACT_MAX_BYTES: String(ARTIFACT_MAX_BYTES),
      REST_EDGE_MAX_BODY_BYTES: String(REST_EDGE_MAX_BODY_BYTES),
    });
  });
  afterAll(() => stack.close());

  const tooLarge = (answer: RawAnswer, limit: number) => {
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    expect(jsonOf(answer)).toEqual({
      errors: [
        { message: `The request body is larger than ${limit} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } },
      ],
    });
  };

  it('refuses an upload declaring ARTIFACT_MAX_BYTES + 1 from the header, before any body arrives', async () => {
    const answer = await rawRequest(stack.gateway.url, {
      method: 'PUT',
      path: '/uploads/artifact.zip',
      headers: { 'content-type': 'application/zip', 'content-length': String(ARTIFACT_MAX_BYTES + 1) },
      withholdBody: true,
    });
    tooLarge(answer, ARTIFACT_MAX_BYTES);
  });

  it('refuses it without inviting the body when the client waits for 100 Continue, and invites a fitting one', async () => {
    const upload = (size: number) =>
      rawRequest(stack.gateway.url, {
        method: 'PUT',
        path: '/uploads/artifact.zip',
        headers: { expect: '100-continue', 'content-length': String(size) },
        body: Buffer.alloc(size, 2),
      });
    const refused = await upload(ARTIFACT_MAX_BYTES + 1);
    expect(refused.continued).toBe(false);
    tooLarge(refused, ARTIFACT_MAX_BYTES);
    const accepted = await upload(ARTIFACT_MAX_BYTES);
    expect(accepted).toMatchObject({ continued: true, status: 201 });
    expect(jsonOf<{ size: number }>(accepted).size).toBe(ARTIFACT_MAX_BYTES);
  });

  it('forwards an upload of exactly ARTIFACT_MAX_BYTES', async () => {
    const answer = await rawRequest(stack.gateway.url, {
      method: 'PUT',
      path: '/uploads/artifact.zip',
      headers: { 'content-type': 'application/zip' },
      body: Buffer.alloc(ARTIFACT_MAX_BYTES, 1),
    });
    expect(answer.status).toBe(201);
    expect(jsonOf<{ size: number }>(answer).size).toBe(ARTIFACT_MAX_BYTES);
  });

  it('holds every other route to REST_EDGE_MAX_BODY_BYTES', async () => {
    const answer = await rawRequest(stack.gateway.url, {
      method: 'POST',
      path: '/files/hook',
      headers: { 'content-type': 'application/json', 'content-length': String(REST_EDGE_MAX_BODY_BYTES + 1) },
      withholdBody: true,
    });
    tooLarge(answer, REST_EDGE_MAX_BODY_BYTES);
  });
});

import { Server, createServer } from 'node:http';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GatewaySigner, createLogger } from '@marketplace/kit';
import type { GatewayContext } from '../edge/request-context';
import { SubgraphDataSource } from './subgraph-data-source';
import { createSubgraphFetcher } from './subgraph-fetcher';

/** The test subgraph answers with the status, content type, body and Cache-Control the request's variables name. */
interface Script {
  status?: number;
  type?: string;
  body?: string;
  cacheControl?: string;
}
let server: Server;
let url: string;
let seen: { headers: Record<string, unknown>; body: unknown }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw) as { variables?: { script?: Script } };
      seen.push({ headers: req.headers, body });
      const script = body.variables?.script ?? {};
      res.statusCode = script.status ?? 200;
      res.setHeader('content-type', script.type ?? 'application/json');
      if (script.cacheControl) res.setHeader('cache-control', script.cacheControl);
      res.end(script.body ?? JSON.stringify({ data: { ok: true } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => (seen = []));

const log = createLogger({ name: 'test', level: 'silent' });
const fetcher = createSubgraphFetcher({ timeoutMs: 2_000 });
afterAll(() => fetcher.close());

const context = (authorization?: string): GatewayContext => ({
  requestId: 'req-1',
  clientIp: '203.0.113.7',
  viewer: null,
  authorization,
  log,
});

/** An incoming operation as the executor hands it over, with a policy that records what it is restricted to. */
function operation(script: Script | undefined, ctx = context()) {
  const restricted: unknown[] = [];
  const options = {
    kind: 'incoming operation',
    request: {
      query: 'query Op__catalog__0($script:Script){ok}',
      operationName: 'Op__catalog__0',
      variables: { script },
    },
    incomingRequestContext: { overallCachePolicy: { restrict: (hint: unknown) => restricted.push(hint) } },
    context: ctx,
  } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;
  return { options, restricted };
}

const signer = new GatewaySigner('s'.repeat(32));

describe('SubgraphDataSource', () => {
  const source = (target = url) => new SubgraphDataSource('catalog', target, fetcher.send, log, signer);

  it('posts the operation as JSON with who is asking, and returns the subgraph’s answer', async () => {
    const { options } = operation(undefined, context('Bearer t'));
    await expect(source().process(options)).resolves.toEqual({ data: { ok: true } });
    expect(seen).toHaveLength(1);
    expect(seen[0].headers).toMatchObject({
      'content-type': 'application/json',
      'x-request-id': 'req-1',
      'x-client-ip': '203.0.113.7',
      authorization: 'Bearer t',
    });
    expect(seen[0].body).toEqual({
      query: 'query Op__catalog__0($script:Script){ok}',
      operationName: 'Op__catalog__0',
      variables: {},
      extensions: { 'hmac-signature': expect.any(String) },
    });
  });

  it('signs the body as Hive Gateway does and the identity it forwards over the body signature', async () => {
    await source().process(operation(undefined).options);
    const [{ headers, body }] = seen;
    expect(signer.verifyBody(body)).toBe('valid');
    const identity = {
      method: 'POST',
      path: '/graphql',
      clientIp: '203.0.113.7',
      requestId: 'req-1',
      bodySignature: signer.signParams(body as object),
    };
    const header = headers['x-gateway-signature'] as string;
    expect(signer.verifyIdentity(header, identity)).toBe('valid');
    expect(signer.verifyIdentity(header, { ...identity, clientIp: '198.51.100.1' })).toBe('mismatch');
  });

  it('sends no authorization for an anonymous caller', async () => {
    await source().process(operation(undefined).options);
    expect(seen[0].headers.authorization).toBeUndefined();
  });

  it.each([
    ['max-age=60, public', { maxAge: 60, scope: 'PUBLIC' }],
    ['max-age=30, private', { maxAge: 30, scope: 'PRIVATE' }],
    ['no-store', { maxAge: 0 }],
    [undefined, { maxAge: 0 }],
  ])('folds Cache-Control %s into the operation’s cache policy', async (cacheControl, hint) => {
    const { options, restricted } = operation({ cacheControl });
    await source().process(options);
    expect(restricted).toEqual([hint]);
  });

  it('keeps a subgraph’s own coded error from a non-2xx answer', async () => {
    const body = JSON.stringify({ errors: [{ message: 'Sign in first', extensions: { code: 'UNAUTHENTICATED' } }] });
    await expect(source().process(operation({ status: 401, body }).options)).rejects.toMatchObject({
      message: 'Sign in first',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it.each([
    [
      'an HTML error page',
      { status: 502, type: 'text/html', body: '<h1>Bad gateway</h1>' },
      'The catalog service answered HTTP 502',
    ],
    ['broken JSON with an error status', { status: 500, body: '{"errors":' }, 'The catalog service answered HTTP 500'],
    [
      'a 200 that is not JSON',
      { type: 'text/plain', body: 'ok' },
      'A backing service is unavailable; try again shortly',
    ],
    ['a 200 with broken JSON', { body: '{"data":' }, 'A backing service is unavailable; try again shortly'],
    ['a JSON array', { body: '[]' }, 'A backing service is unavailable; try again shortly'],
  ])('answers %s with DOWNSTREAM_SERVICE_ERROR and no URL', async (_case, script, message) => {
    const failure = await source()
      .process(operation(script).options)
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ message, extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' } });
    expect(JSON.stringify(failure)).not.toContain('127.0.0.1');
  });

  it('answers an unreachable subgraph with DOWNSTREAM_SERVICE_ERROR', async () => {
    await expect(source('http://127.0.0.1:1/graphql').process(operation(undefined).options)).rejects.toMatchObject({
      message: 'A backing service is unavailable; try again shortly',
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' },
    });
  });

  it('refuses an operation without a query', async () => {
    const { options } = operation(undefined);
    delete (options.request as { query?: string }).query;
    await expect(source().process(options)).rejects.toThrow('Missing query');
    expect(seen).toHaveLength(0);
  });
});

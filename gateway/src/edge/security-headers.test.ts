import { envReader, loadSubgraphSigningSecret, loadTokenKeys, readCommonConfig } from '@marketplace/kit';
import { RawAnswer, RawRequest, rawRequest } from '../testing/raw-request';
import { ProbeStack, TestGateway, startProbeStack, startTestGateway } from '../testing/stack';

/** Issue 18 item 5: nosniff, Referrer-Policy and frame protection on every answer, not only the playground's. */
describe('security headers', () => {
  let stack: ProbeStack;
  beforeAll(async () => {
    stack = await startProbeStack({ REST_EDGE_ROUTES: '/files=probe,/files-hang=probe', REST_EDGE_TIMEOUT_MS: '300' });
  });
  afterAll(() => stack.close());

  const json = { 'content-type': 'application/json' };
  const answers: [string, RawRequest, number][] = [
    ['a GraphQL POST', { method: 'POST', path: '/graphql', headers: json, body: '{"query":"{ __typename }"}' }, 200],
    [
      'a GraphQL GET',
      { path: '/graphql?query=%7B__typename%7D', headers: { 'apollo-require-preflight': 'true' } },
      200,
    ],
    ['a GraphQL error', { method: 'POST', path: '/graphql', headers: json, body: '{"query":"{ nope }"}' }, 400],
    ['an unreadable body', { method: 'POST', path: '/graphql', headers: json, body: '{"query":' }, 400],
    ['a CORS preflight', { method: 'OPTIONS', path: '/graphql', headers: { origin: 'http://localhost:3000' } }, 204],
    ['a REST edge download', { path: '/files/a.bin?size=10' }, 200],
    ['a REST edge upload', { method: 'PUT', path: '/files/a.bin', body: 'abc' }, 201],
    ['a REST edge refusal', { path: '/files/%2e%2e/graphql' }, 400],
    ['a REST edge timeout', { path: '/files-hang' }, 504],
    ['/health', { path: '/health' }, 200],
    ['/metrics', { path: '/metrics' }, 200],
    ['a 404', { path: '/nowhere' }, 404],
    ['a playground asset', { path: '/playground/assets/graphiql.min.css' }, 200],
  ];

  const expectProtected = (answer: RawAnswer) => {
    expect(answer.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
    expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(answer.headers['x-powered-by']).toBeUndefined();
  };

  it.each(answers)('are on %s', async (_what, request, status) => {
    const answer = await rawRequest(stack.gateway.url, request);
    expect(answer.status).toBe(status);
    expectProtected(answer);
    // Outside production the gateway is plain HTTP on localhost: HSTS would pin that host to HTTPS.
    expect(answer.headers['strict-transport-security']).toBeUndefined();
  });

  it("keep the playground's own nonce-based CSP", async () => {
    const answer = await rawRequest(stack.gateway.url, { path: '/graphql', headers: { accept: 'text/html' } });
    expect(answer.status).toBe(200);
    expectProtected(answer);
    const nonce = /<script nonce="([^"]+)">/.exec(answer.text)?.[1];
    expect(nonce).toBeDefined();
    expect(answer.headers['content-security-policy']).toContain(`script-src 'self' 'nonce-${nonce}'`);
  });

  describe('in production', () => {
    let production: TestGateway;
    beforeAll(async () => {
      const config = readCommonConfig(envReader({ ...process.env, DATA_DIR: stack.dataDir }));
      production = await startTestGateway(stack.supergraphSdl, stack.dataDir, {
        NODE_ENV: 'production',
        JWT_PUBLIC_KEY: loadTokenKeys(config).publicKeyPem,
        // Production generates no secret: the one the probe subgraph verifies with.
        SUBGRAPH_SIGNING_SECRET: loadSubgraphSigningSecret(config),
        REST_EDGE_ROUTES: '/files=probe',
        PROBE_URL: stack.probe.subgraph.url,
      });
    });
    afterAll(() => production?.close());

    it.each(answers.filter(([what]) => !/timeout|preflight/.test(what)))('add HSTS on %s', async (_what, request) => {
      const answer = await rawRequest(production.gateway.url, request);
      expectProtected(answer);
      expect(answer.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    });
  });
});

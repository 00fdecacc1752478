import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, print, stripIgnoredCharacters } from 'graphql';
import { useHmacSignatureValidation, useHmacUpstreamSignature } from '@graphql-mesh/hmac-upstream-signature';
import { ConfigError, envReader, readCommonConfig } from '../config';
import { GatewaySigner, IDENTITY_SIGNATURE_MAX_AGE_SECONDS, ForwardedIdentity } from './gateway-signature';
import { loadSubgraphSigningSecret } from './subgraph-signing-secret';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const signer = new GatewaySigner(SECRET);
const QUERY = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { displayName role } } }';
const VARIABLES = { r: [{ __typename: 'User', id: 'u1' }] };
/** What Hive's plugins take from their Yoga: the platform's Fetch API and a logger. */
const quiet = { debug: () => undefined, error: () => undefined, child: () => quiet };

describe('the body signature is Hive Gateway’s HMAC upstream signature', () => {
  it('equals what useHmacUpstreamSignature puts in extensions["hmac-signature"]', async () => {
    const hive = useHmacUpstreamSignature({ secret: SECRET });
    (hive as { onYogaInit: (payload: unknown) => void }).onYogaInit({ yoga: { fetchAPI: globalThis } });
    const executionRequest = { document: parse(QUERY), variables: VARIABLES } as {
      extensions?: Record<string, unknown>;
    };
    const onSubgraphExecute = hive.onSubgraphExecute as (payload: unknown) => Promise<void>;
    await onSubgraphExecute({ subgraphName: 'users', subgraph: {}, executionRequest, log: quiet });
    // Hive sends the document printed without ignored characters: what a subgraph receives and checks.
    expect(executionRequest.extensions?.['hmac-signature']).toBe(
      signer.signParams({ query: stripIgnoredCharacters(print(parse(QUERY))), variables: VARIABLES }),
    );
  });

  it('passes useHmacSignatureValidation, and a tampered body does not', async () => {
    const hive = useHmacSignatureValidation({ secret: SECRET });
    (hive as { onYogaInit: (payload: unknown) => void }).onYogaInit({ yoga: { logger: quiet } });
    const onParams = hive.onParams as (payload: unknown) => Promise<void>;
    const params = signer.signBody({ query: QUERY, variables: VARIABLES });
    await expect(onParams({ params, fetchAPI: globalThis })).resolves.toBeUndefined();
    const tampered = { ...params, variables: { r: [{ __typename: 'User', id: 'u2' }] } };
    await expect(onParams({ params: tampered, fetchAPI: globalThis })).rejects.toThrow(/Invalid HMAC signature/);
  });

  it('verifies its own bodies and refuses a changed query, changed variables or another secret', () => {
    const body = signer.signBody({ query: QUERY, variables: VARIABLES });
    expect(body.extensions['hmac-signature']).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(signer.verifyBody(JSON.parse(JSON.stringify(body)))).toBe('valid');
    expect(signer.verifyBody({ ...body, query: `${QUERY} ` })).toBe('mismatch');
    expect(signer.verifyBody({ ...body, variables: { r: [] } })).toBe('mismatch');
    expect(new GatewaySigner(`${SECRET}x`).verifyBody(body)).toBe('mismatch');
    expect(signer.verifyBody({ query: QUERY })).toBe('absent');
    expect(signer.verifyBody({ query: QUERY, extensions: { 'hmac-signature': 42 } })).toBe('absent');
  });

  it('signs variables as the subgraph parses them: an undefined variable is no variable', () => {
    const body = signer.signBody({ query: QUERY, variables: { gone: undefined } });
    expect(signer.verifyBody(JSON.parse(JSON.stringify(body)))).toBe('valid');
  });
});

describe('x-gateway-signature', () => {
  const identity: ForwardedIdentity = {
    method: 'POST',
    path: '/graphql',
    clientIp: '203.0.113.7',
    requestId: 'req-1',
    bodySignature: 'c2lnbmF0dXJl',
  };
  const now = 1_800_000_000;
  const header = signer.identityHeaders(identity, now)['x-gateway-signature'];

  it('carries the identity headers and a signature over them with a timestamp', () => {
    expect(signer.identityHeaders(identity, now)).toEqual({
      'x-client-ip': '203.0.113.7',
      'x-request-id': 'req-1',
      'x-gateway-signature': expect.stringMatching(new RegExp(`^t=${now},v1=[A-Za-z0-9_-]{43}$`)),
    });
    expect(signer.verifyIdentity(header, identity, now)).toBe('valid');
  });

  it.each<[string, Partial<ForwardedIdentity>]>([
    ['another client IP', { clientIp: '198.51.100.1' }],
    ['no client IP', { clientIp: undefined }],
    ['another request id', { requestId: 'req-2' }],
    ['another method', { method: 'GET' }],
    ['another path', { path: '/uploads/x' }],
    ['another body', { bodySignature: 'b3RoZXI=' }],
  ])('refuses %s', (_case, change) => {
    expect(signer.verifyIdentity(header, { ...identity, ...change }, now)).toBe('mismatch');
  });

  it('refuses a timestamp outside the validity window, either way', () => {
    expect(signer.verifyIdentity(header, identity, now + IDENTITY_SIGNATURE_MAX_AGE_SECONDS)).toBe('valid');
    expect(signer.verifyIdentity(header, identity, now + IDENTITY_SIGNATURE_MAX_AGE_SECONDS + 1)).toBe('stale');
    expect(signer.verifyIdentity(header, identity, now - IDENTITY_SIGNATURE_MAX_AGE_SECONDS - 1)).toBe('stale');
  });

  it('refuses a changed timestamp and malformed values', () => {
    expect(signer.verifyIdentity(header.replace(`t=${now}`, `t=${now + 1}`), identity, now)).toBe('mismatch');
    for (const bad of ['', 'v1=abc', `t=${now}`, `t=${now},v1=`, `t=x,v1=abc`, `${header},v2=abc`]) {
      expect(signer.verifyIdentity(bad, identity, now)).toBe('malformed');
    }
    expect(signer.verifyIdentity(undefined, identity, now)).toBe('absent');
  });
});

describe('SUBGRAPH_SIGNING_SECRET', () => {
  const common = (env: Record<string, string>) => readCommonConfig(envReader(env));

  it('is used as configured', () => {
    expect(loadSubgraphSigningSecret(common({ SUBGRAPH_SIGNING_SECRET: SECRET }))).toBe(SECRET);
  });

  it('must hold at least 32 bytes', () => {
    expect(() => common({ SUBGRAPH_SIGNING_SECRET: 'short' })).toThrow(
      new ConfigError('SUBGRAPH_SIGNING_SECRET', 'must be at least 32 bytes'),
    );
  });

  it('is required in production, in one line naming it', () => {
    expect(() => loadSubgraphSigningSecret(common({ NODE_ENV: 'production' }))).toThrow(
      'config: SUBGRAPH_SIGNING_SECRET is required in production (generated secrets are for development only)',
    );
  });

  it('is generated once into DATA_DIR/keys outside production, readable by its owner only', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'signing-'));
    const first = loadSubgraphSigningSecret(common({ DATA_DIR: dataDir }));
    expect(Buffer.byteLength(first)).toBeGreaterThanOrEqual(32);
    expect(loadSubgraphSigningSecret(common({ DATA_DIR: dataDir, NODE_ENV: 'test' }))).toBe(first);
    const file = join(dataDir, 'keys', 'subgraph-signing.key');
    expect(readFileSync(file, 'utf8')).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

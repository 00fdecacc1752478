import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envReader } from '@marketplace/kit';
import { GraphQLErrorShape, TestSubgraph, globalId, startTestSubgraph } from '@marketplace/kit/testing';
import { createProbeSubgraph } from '../testing/fixture-subgraph';
import { routerSubgraphRequest } from './example-payload';
import type { HeaderMap, SubgraphRequestPayload } from './protocol';
import { RunningRouterCoprocessor, startRouterCoprocessor } from './server';

/**
 * The coprocessor between a router and a real subgraph: what it answers, sent on as Apollo
 * Router sends a subgraph request (the payload's body as JSON, its headers, to its uri), is
 * what the subgraph accepts from the gateway. Both share one DATA_DIR, so the coprocessor
 * signs with the development secret the subgraph generated, as `npm start` would share it.
 */
let dataDir: string;
let probe: TestSubgraph;
const coprocessors: RunningRouterCoprocessor[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'router-coprocessor-'));
  probe = await startTestSubgraph(createProbeSubgraph().module, { DATA_DIR: dataDir });
});
afterAll(async () => {
  await Promise.all(coprocessors.map((coprocessor) => coprocessor.close()));
  await probe.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startCoprocessor(env: Record<string, string> = {}): Promise<RunningRouterCoprocessor> {
  const coprocessor = await startRouterCoprocessor({
    env: envReader({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }),
    port: 0,
    host: '127.0.0.1',
  });
  coprocessors.push(coprocessor);
  return coprocessor;
}

async function throughCoprocessor(
  coprocessor: RunningRouterCoprocessor,
  payload: SubgraphRequestPayload,
): Promise<SubgraphRequestPayload> {
  const answer = await fetch(coprocessor.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  expect(answer.status).toBe(200);
  return (await answer.json()) as SubgraphRequestPayload;
}

/** The subgraph request the router makes from a payload: each header value on its own line, plus its JSON content type. */
async function asRouterSends(payload: SubgraphRequestPayload) {
  const headers = new Headers({ 'content-type': 'application/json' });
  for (const [name, values] of Object.entries(payload.headers)) for (const value of values) headers.append(name, value);
  const response = await fetch(payload.uri, {
    method: payload.method ?? 'POST',
    headers,
    body: JSON.stringify(payload.body),
  });
  const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: GraphQLErrorShape[] };
  return { status: response.status, data: body.data, codes: body.errors?.map((error) => error.extensions?.code) };
}

/** Entity keys as the gateway and the router send them: global ids (`Probe:<uuid>`). */
const PROBE_IDS = [
  globalId('Probe', '7d0c8a52-3c4b-4b7e-9d61-0a4e5f6b7c81'),
  globalId('Probe', '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9'),
];
const probeEntities = (uri: string, headers: HeaderMap = {}) =>
  routerSubgraphRequest(
    uri,
    headers,
    PROBE_IDS.map((id) => ({ __typename: 'Probe', id })),
  );

function whoamiRequest(uri: string, headers: HeaderMap): SubgraphRequestPayload {
  const payload = routerSubgraphRequest(uri, headers);
  payload.body = { query: 'query Whoami__probe__0{whoami{requestId clientIp}}', operationName: 'Whoami__probe__0' };
  return payload;
}

describe('a subgraph behind the router coprocessor', () => {
  it('answers an _entities fetch the coprocessor signed', async () => {
    const coprocessor = await startCoprocessor();
    const payload = probeEntities(probe.subgraph.url, { 'x-request-id': ['router-req-1'] });
    const result = await asRouterSends(await throughCoprocessor(coprocessor, payload));
    expect(result).toEqual({
      status: 200,
      data: {
        _entities: PROBE_IDS.map((id) => ({ id, level: 0 })),
      },
      codes: undefined,
    });
  });

  it('refuses the same fetch without the coprocessor, as it did behind the router before', async () => {
    const payload = probeEntities(probe.subgraph.url, { 'x-request-id': ['router-req-1'] });
    const result = await asRouterSends(payload);
    expect(result.codes).toEqual(['FORBIDDEN']);
    expect(result.data ?? null).toBeNull();
  });

  it('refuses a signed fetch whose representations were changed after signing', async () => {
    const coprocessor = await startCoprocessor();
    const signed = await throughCoprocessor(coprocessor, probeEntities(probe.subgraph.url));
    signed.body.variables = { representations: [{ __typename: 'Probe', id: PROBE_IDS[1] }] };
    const result = await asRouterSends(signed);
    expect({ status: result.status, codes: result.codes }).toEqual({ status: 401, codes: ['UNAUTHENTICATED'] });
  });

  it('accepts the signature on the path the subgraph sees, query string included', async () => {
    const coprocessor = await startCoprocessor();
    const payload = probeEntities(`${probe.subgraph.url}?via=router`);
    const result = await asRouterSends(await throughCoprocessor(coprocessor, payload));
    expect({ status: result.status, codes: result.codes }).toEqual({ status: 200, codes: undefined });
  });

  it('makes the subgraph believe the request id, and the client IP only when told to trust it', async () => {
    const headers = { 'x-request-id': ['router-req-2'], 'x-client-ip': ['203.0.113.9'] };
    const untrusting = await startCoprocessor();
    const trusting = await startCoprocessor({ ROUTER_COPROCESSOR_TRUST_CLIENT_IP: 'true' });
    const whoami = async (coprocessor: RunningRouterCoprocessor) =>
      (await asRouterSends(await throughCoprocessor(coprocessor, whoamiRequest(probe.subgraph.url, headers)))).data;

    expect(await whoami(trusting)).toEqual({ whoami: { requestId: 'router-req-2', clientIp: '203.0.113.9' } });
    // Untrusted: the subgraph sees the peer that connected to it (the router's address; here, this test's).
    expect(await whoami(untrusting)).toEqual({ whoami: { requestId: 'router-req-2', clientIp: '127.0.0.1' } });
    // Unsigned, the subgraph believes neither header.
    const unsigned = await asRouterSends(whoamiRequest(probe.subgraph.url, headers));
    expect(unsigned.data).toEqual({
      whoami: { requestId: expect.not.stringMatching('router-req-2'), clientIp: '127.0.0.1' },
    });
  });

  it('does not start in production without SUBGRAPH_SIGNING_SECRET', async () => {
    await expect(startCoprocessor({ NODE_ENV: 'production' })).rejects.toThrow(/SUBGRAPH_SIGNING_SECRET/);
  });
});

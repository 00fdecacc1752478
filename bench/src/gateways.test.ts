import { readFileSync } from 'node:fs';
import { DemoIds, loadSubgraphSigningSecret, readCommonConfig } from '@marketplace/kit';
import { GraphQLTestClient, globalId, isolatedInfrastructure, tokenFor } from '@marketplace/kit/testing';
import { SUPERGRAPH_PATH, TestSupergraph, startTestSupergraph } from '@marketplace/e2e/testing';
import { GATEWAY_KINDS, GatewayKind, GatewayProcess, startGatewayProcess, supergraphWithUrls } from './gateways';

/**
 * The benchmark's three gateways, each in its own process, in front of one test
 * supergraph's subgraphs: they must answer exactly what the in-process gateway answers,
 * so that the benchmark compares the same work. The pass-through proxy must answer
 * exactly what the subgraph it forwards to answers.
 */
const SUPERGRAPH_SDL = readFileSync(SUPERGRAPH_PATH, 'utf8');
const STOREFRONT = `{ products(first: 5) { edges { node { id name vendor { displayName } category { name } } } } }`;
const ME = `{ me { id displayName } }`;

let supergraph: TestSupergraph;
let subgraphUrls: Record<string, string>;
const gateways = new Map<GatewayKind, GatewayProcess>();
let hop: GatewayProcess<'hop'> | undefined;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  subgraphUrls = Object.fromEntries([...supergraph.subgraphs].map(([name, subgraph]) => [name, subgraph.url]));
  // The children inherit DATA_DIR (the run's token keys) and NODE_ENV from this process;
  // the Redis/RabbitMQ names are the test supergraph's own, the signing secret its subgraphs'.
  const options = {
    supergraphSdl: SUPERGRAPH_SDL,
    subgraphUrls,
    env: {
      LOG_LEVEL: 'warn',
      SUBGRAPH_SIGNING_SECRET: loadSubgraphSigningSecret(readCommonConfig()),
      ...isolatedInfrastructure(supergraph.database.name),
    },
  };
  const started = await Promise.allSettled(GATEWAY_KINDS.map((kind) => startGatewayProcess(kind, options)));
  for (const result of started) if (result.status === 'fulfilled') gateways.set(result.value.kind, result.value);
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  hop = await startGatewayProcess('hop', options);
}, 60_000);

afterAll(async () => {
  await Promise.all([...gateways.values(), ...(hop ? [hop] : [])].map((peer) => peer.close()));
  await supergraph?.close();
});

async function ask(url: string, query: string, token?: string) {
  const { status, data, errors } = await new GraphQLTestClient(url).request(query, { token });
  return { status, data, errors };
}

describe('supergraphWithUrls', () => {
  const urls = () => subgraphUrls;

  it('points every join__graph at the given URL', () => {
    const rewritten = supergraphWithUrls(SUPERGRAPH_SDL, urls());
    for (const [name, url] of Object.entries(urls()))
      expect(rewritten).toContain(`@join__graph(name: "${name}", url: "${url}")`);
    expect(rewritten).not.toContain('localhost:400');
  });

  it('refuses a graph without a URL and a URL without a graph', () => {
    const { users: _users, ...withoutUsers } = urls();
    expect(() => supergraphWithUrls(SUPERGRAPH_SDL, withoutUsers)).toThrow('no URL for subgraph(s) users');
    expect(() => supergraphWithUrls(SUPERGRAPH_SDL, { ...urls(), userz: 'http://127.0.0.1:1/graphql' })).toThrow(
      'no subgraph(s) userz',
    );
  });
});

describe.each(GATEWAY_KINDS)('%s', (kind) => {
  const gateway = () => gateways.get(kind)!;

  it('serves the storefront exactly as the in-process gateway does', async () => {
    const expected = await ask(supergraph.gateway.url, STOREFRONT);
    expect(expected.data?.products.edges).toHaveLength(5);
    expect(await ask(gateway().url, STOREFRONT)).toEqual({ status: 200, data: expected.data, errors: undefined });
  });

  it('forwards the access token: `me` is the signed-in customer', async () => {
    const token = tokenFor(DemoIds.users.alan, 'CUSTOMER');
    const expected = await ask(supergraph.gateway.url, ME, token);
    expect(expected.data).toEqual({
      me: { id: globalId('User', DemoIds.users.alan), displayName: expect.any(String) },
    });
    expect(await ask(gateway().url, ME, token)).toEqual({ status: 200, data: expected.data, errors: undefined });
  });

  it('without a token, `me` is null and there is no error (users answers anonymous callers)', async () => {
    expect(await ask(gateway().url, ME)).toEqual({ status: 200, data: { me: null }, errors: undefined });
  });

  /**
   * A bad token is UNAUTHENTICATED everywhere, but not in the same shape: ours verifies it
   * and refuses the request (HTTP 401, no data); Apollo and Hive pass it on, users refuses
   * it, and they answer HTTP 200 with `me: null` and the subgraph's error (Apollo's stock
   * error also echoes the subgraph's URL and raw response in `extensions.response`).
   */
  it('with a bad token, answers UNAUTHENTICATED', async () => {
    const result = await ask(gateway().url, ME, 'not-a-token');
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    if (kind === 'ours') expect(result).toMatchObject({ status: 401, data: undefined });
    else expect(result).toMatchObject({ status: 200, data: { me: null } });
  });
});

describe('the pass-through proxy', () => {
  const post = (url: string, query: string, token?: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });

  it('answers POST /<subgraph> with exactly what that subgraph answers, token included', async () => {
    const token = tokenFor(DemoIds.users.alan, 'CUSTOMER');
    for (const [subgraph, query, asking] of [
      ['users', ME, token],
      ['catalog', STOREFRONT.replace(/ vendor \{ displayName \}/, ''), undefined],
    ] as const) {
      const [direct, forwarded] = await Promise.all([
        post(subgraphUrls[subgraph], query, asking),
        post(`${hop!.url}/${subgraph}`, query, asking),
      ]);
      const body = await forwarded.text();
      expect({ status: forwarded.status, type: forwarded.headers.get('content-type'), body }).toEqual({
        status: direct.status,
        type: direct.headers.get('content-type'),
        body: await direct.text(),
      });
      expect(JSON.parse(body).errors).toBeUndefined();
    }
    expect(JSON.parse(await (await post(`${hop!.url}/users`, ME, token)).text())).toEqual({
      data: { me: { id: globalId('User', DemoIds.users.alan), displayName: expect.any(String) } },
    });
  });

  it('answers 404, naming the subgraphs, for a path that is not one, and for anything but POST', async () => {
    const unknown = await post(`${hop!.url}/userz`, ME);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('users');
    expect((await fetch(`${hop!.url}/users`)).status).toBe(404);
  });
});

it('a gateway that cannot start rejects with its reason, and leaves no process behind', async () => {
  await expect(
    startGatewayProcess('apollo', {
      supergraphSdl: 'type Query { broken: Int }',
      subgraphUrls: {},
      env: { LOG_LEVEL: 'silent', SUBGRAPH_SIGNING_SECRET: loadSubgraphSigningSecret(readCommonConfig()) },
    }),
  ).rejects.toThrow(/^stock @apollo\/gateway exited with code 1 before it was ready: ./);
});

it('close() ends each child process', async () => {
  const closing = [...gateways.values(), hop!];
  for (const gateway of closing) {
    expect(gateway.rssBytes()).toBeGreaterThan(0);
    // Starting up and answering the tests above took CPU time, counted in 10 ms ticks.
    expect(gateway.cpuMs()).toBeGreaterThanOrEqual(10);
  }
  await Promise.all(closing.map((gateway) => gateway.close()));
  for (const gateway of closing) {
    expect(() => process.kill(gateway.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(() => gateway.rssBytes()).toThrow('has exited');
  }
});

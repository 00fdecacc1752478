import { randomUUID } from 'node:crypto';
import { DemoIds, envReader } from '@marketplace/kit';
import { RawGraphQLSocket, globalId } from '@marketplace/kit/testing';
import { RunningGateway, RunningRouterCoprocessor, startRouterCoprocessor } from '@marketplace/gateway';
import { DEMO_PASSWORD } from '@marketplace/users';
import { signIn } from './testing/privacy';
import { TestSupergraph, startTestSupergraph } from './testing/supergraph';

/**
 * Vendors' API keys on every transport besides GraphQL over HTTP (api-keys-flow.test.ts): the
 * gateway's WebSocket, its REST edge, and Apollo Router through its coprocessor (the router's
 * two calls to it emulated: RouterRequest, then SubgraphRequest sent on to the subgraph). On
 * each a key within its scopes works, beyond them is refused API_KEY_NOT_ALLOWED, stops once
 * revoked (API_KEY_CACHE_SECONDS=0: at once, or a socket at its next sweep), an unknown or
 * malformed key is refused as unauthenticated, and each key has its own budget.
 */
process.env.SESSION_KEY_PREFIX = `${process.env.SESSION_KEY_PREFIX ?? 'test'}:api-keys-transports-${randomUUID()}`;

let supergraph: TestSupergraph;
let limited: RunningGateway;
let coprocessor: RunningRouterCoprocessor;
const sockets: RawGraphQLSocket[] = [];
beforeAll(async () => {
  supergraph = await startTestSupergraph({ API_KEY_CACHE_SECONDS: '0' });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  limited = await supergraph.startGateway({
    API_KEY_CACHE_SECONDS: '0',
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_PER_API_KEY_PER_MINUTE: '2',
  });
  coprocessor = await startRouterCoprocessor({
    env: envReader({
      ...process.env,
      LOG_LEVEL: 'silent',
      USERS_URL: supergraph.subgraphs.get('users')!.url,
      API_KEY_CACHE_SECONDS: '0',
      RATE_LIMIT_PER_API_KEY_PER_MINUTE: '2',
      REDIS_KEY_PREFIX: `test:api-keys-transports-${randomUUID()}`,
    }),
    port: 0,
    host: '127.0.0.1',
  });
}, 60_000);
afterAll(async () => {
  for (const socket of sockets) socket.socket.terminate();
  await coprocessor?.close();
  await supergraph?.close();
});

const gql = () => supergraph.client;
const ADA_VENDOR = globalId('Vendor', DemoIds.vendors.ada);
const BALANCES = `query($v: ID!) { vendor(id: $v) { displayName balances { currency } } }`;
const ORDER_UPDATED = `subscription($o: ID!) { orderUpdated(orderId: $o) { status } }`;
const NOTIFICATION_ADDED = `subscription { notificationAdded { id } }`;
const REVOKE = `mutation($k: ID!) { revokeApiKey(input: { apiKeyId: $k }) { apiKey { id } } }`;
const adaToken = () => signIn(supergraph, 'ada@vendors.local', DEMO_PASSWORD);
const UNKNOWN_KEYS = ['mk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'mk_short', 'mk_!!!'];

async function createKey(scopes: string[]) {
  const { createApiKey } = await gql().data(
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }`,
    { token: await adaToken(), variables: { i: { name: 'transports', scopes } } },
  );
  return createApiKey as { secret: string; apiKey: { id: string } };
}

async function revoke(id: string) {
  await gql().data(REVOKE, { token: await adaToken(), variables: { k: id } });
}

// Answers are read as the client gets them: untyped JSON.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Message = { type: string; id?: string; payload?: Json };
const json = (response: Response): Promise<Json> => response.json();

describe('over the gateway’s WebSocket (graphql-ws, the key in connection_init)', () => {
  async function openWith(key: string, gateway: RunningGateway = supergraph.gateway) {
    const socket = new RawGraphQLSocket(gateway.url);
    sockets.push(socket);
    return { socket, init: await socket.init(key) };
  }
  /** The answer to one operation: its `next` (data or errors), or the `error` graphql-ws sends instead. */
  async function operate(socket: RawGraphQLSocket, query: string, variables: Record<string, unknown> = {}) {
    const id = randomUUID();
    socket.send({ id, type: 'subscribe', payload: { query, variables } });
    return Promise.race<Message>([socket.next('next', id), socket.next('error', id)]);
  }

  it('serves a key’s operations within its scopes, as its vendor, and records its last use', async () => {
    const { secret, apiKey } = await createKey(['SALES_READ']);
    const { socket, init } = await openWith(secret);
    expect(init).toBe('acked');
    for (let i = 0; i < 2; i += 1) {
      const answer = await operate(socket, BALANCES, { v: ADA_VENDOR });
      expect(answer.payload.errors).toBeUndefined();
      expect(answer.payload.data.vendor.balances).not.toBeNull();
    }
    const { apiKeys } = await gql().data(`{ apiKeys { id lastUsedAt } }`, { token: await adaToken() });
    expect(apiKeys.find((key: { id: string }) => key.id === apiKey.id).lastUsedAt).not.toBeNull();
  });

  it('refuses what its scopes do not cover: a query field, and every subscription (none has @apiKeyScope)', async () => {
    const { secret } = await createKey(['LICENSES_VALIDATE', 'CATALOG_WRITE', 'SALES_READ']);
    const narrow = await createKey(['LICENSES_VALIDATE']);
    const { socket } = await openWith(narrow.secret);
    const query = await operate(socket, BALANCES, { v: ADA_VENDOR });
    expect(query.payload.errors[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'API_KEY_NOT_ALLOWED',
      requiredScope: 'sales:read',
    });
    const wide = await openWith(secret);
    for (const [subscription, field] of [
      [ORDER_UPDATED, 'orderUpdated'],
      [NOTIFICATION_ADDED, 'notificationAdded'],
    ]) {
      const answer = await operate(wide.socket, subscription, { o: globalId('Order', randomUUID()) });
      const errors = answer.type === 'error' ? answer.payload : answer.payload.errors;
      expect(errors).toEqual([
        expect.objectContaining({
          message: `API keys may not use Subscription.${field}`,
          extensions: expect.objectContaining({
            code: 'FORBIDDEN',
            reason: 'API_KEY_NOT_ALLOWED',
            requiredScope: null,
            refusedField: `Subscription.${field}`,
          }),
        }),
      ]);
    }
  });

  it('closes the socket of a revoked key with 4401 (at the next sweep or operation), and serves it no more', async () => {
    const { secret, apiKey } = await createKey(['SALES_READ']);
    const { socket, init } = await openWith(secret);
    expect(init).toBe('acked');
    await revoke(apiKey.id);
    expect(await socket.closed).toEqual({ code: 4401, reason: 'Invalid API key' });
    const again = await openWith(secret);
    expect(again.init).toEqual({ code: 4401, reason: 'Invalid API key' });
  }, 20_000);

  it('refuses unknown and malformed keys at connection_init with 4401, one answer for all', async () => {
    for (const key of UNKNOWN_KEYS)
      expect((await openWith(key)).init).toEqual({ code: 4401, reason: 'Invalid API key' });
  });

  it('counts each operation against its key’s own budget: over it, RATE_LIMITED, the socket staying open', async () => {
    const first = await createKey(['SALES_READ']);
    const second = await createKey(['SALES_READ']);
    const { socket } = await openWith(first.secret, limited);
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await operate(socket, BALANCES, { v: ADA_VENDOR }));
    expect(answers.map((answer) => answer.type)).toEqual(['next', 'next', 'error']);
    expect(answers[2].payload[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const other = await openWith(second.secret, limited);
    expect((await operate(other.socket, BALANCES, { v: ADA_VENDOR })).type).toBe('next');
  });
});

describe('on the gateway’s REST edge', () => {
  const edge = (path: string, key: string, gateway: RunningGateway = supergraph.gateway) =>
    fetch(new URL(path, gateway.url), { headers: { authorization: `Bearer ${key}` } });
  const answerOf = async (response: Response) => ({ status: response.status, body: await json(response) });

  it('takes a working key through the same exchange on routes that take a bearer', async () => {
    const { secret } = await createKey(['LICENSES_VALIDATE']);
    const response = await edge('/licensing/public-key', secret);
    expect(response.status).toBe(200);
  });

  it('refuses keys on a route that is a person’s own (data exports): 403 API_KEY_NOT_ALLOWED', async () => {
    const { secret } = await createKey(['SALES_READ', 'CATALOG_WRITE', 'LICENSES_VALIDATE']);
    const { status, body } = await answerOf(await edge('/exports/any-token', secret));
    expect(status).toBe(403);
    expect(body.errors[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'API_KEY_NOT_ALLOWED' });
    expect(body.errors[0].message).toMatch(/data export/);
  });

  it('answers a revoked, unknown or malformed key 401 UNAUTHENTICATED', async () => {
    const { secret, apiKey } = await createKey(['LICENSES_VALIDATE']);
    await revoke(apiKey.id);
    for (const key of [secret, ...UNKNOWN_KEYS]) {
      const { status, body } = await answerOf(await edge('/licensing/public-key', key));
      expect({ status, code: body.errors[0].extensions.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });

  it('counts each key against its own budget: 429 RATE_LIMITED with Retry-After once spent', async () => {
    const first = await createKey(['LICENSES_VALIDATE']);
    const second = await createKey(['LICENSES_VALIDATE']);
    const responses = [];
    for (let i = 0; i < 3; i += 1) responses.push(await edge('/licensing/public-key', first.secret, limited));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 429]);
    expect(responses[2].headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await edge('/licensing/public-key', second.secret, limited)).status).toBe(200);
  });
});

describe('through Apollo Router’s coprocessor (RouterRequest, then SubgraphRequest, as the router calls it)', () => {
  const post = async (payload: unknown) =>
    json(
      await fetch(coprocessor.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      }),
    );

  /** One client request: the RouterRequest answer, and what the vendor subgraph answered if the router went on. */
  async function throughRouter(key: string, query = BALANCES, variables: Record<string, unknown> = { v: ADA_VENDOR }) {
    const id = randomUUID();
    const routerRequest = await post({
      version: 1,
      stage: 'RouterRequest',
      control: 'continue',
      id,
      headers: { authorization: [`Bearer ${key}`], 'x-request-id': [id] },
    });
    if (routerRequest.control !== 'continue') return { routerRequest };
    const uri = supergraph.subgraphs.get('vendor')!.url;
    const subgraphRequest = await post({
      version: 1,
      stage: 'SubgraphRequest',
      control: 'continue',
      id,
      subgraphRequestId: randomUUID(),
      headers: routerRequest.headers,
      body: { query, variables },
      uri,
      method: 'POST',
      serviceName: 'vendor',
    });
    const headers = new Headers({ 'content-type': 'application/json' });
    for (const [name, values] of Object.entries(subgraphRequest.headers as Record<string, string[]>))
      for (const value of values) headers.append(name, value);
    const response = await fetch(uri, { method: 'POST', headers, body: JSON.stringify(subgraphRequest.body) });
    return { routerRequest, subgraph: await json(response) };
  }

  it('swaps a working key for its token, which the subgraph serves within the key’s scopes', async () => {
    const { secret } = await createKey(['SALES_READ']);
    const { routerRequest, subgraph } = await throughRouter(secret);
    expect(routerRequest.headers.authorization).toEqual([expect.not.stringContaining('mk_')]);
    expect(subgraph.errors).toBeUndefined();
    expect(subgraph.data.vendor.balances).not.toBeNull();
  });

  it('leaves the subgraph to refuse what the key’s scopes do not cover: API_KEY_NOT_ALLOWED', async () => {
    const { secret } = await createKey(['LICENSES_VALIDATE']);
    const { subgraph } = await throughRouter(secret);
    expect(subgraph.errors[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'API_KEY_NOT_ALLOWED',
      requiredScope: 'sales:read',
    });
  });

  it('answers a revoked, unknown or malformed key 401 UNAUTHENTICATED itself, asking no subgraph', async () => {
    const { secret, apiKey } = await createKey(['SALES_READ']);
    expect((await throughRouter(secret)).routerRequest.control).toBe('continue');
    await revoke(apiKey.id);
    for (const key of [secret, ...UNKNOWN_KEYS]) {
      const { routerRequest, subgraph } = await throughRouter(key);
      expect(subgraph).toBeUndefined();
      expect(routerRequest).toMatchObject({
        control: { break: 401 },
        body: { errors: [{ message: 'Invalid API key', extensions: { code: 'UNAUTHENTICATED' } }] },
      });
    }
  });

  it('counts each key against its own budget: 429 RATE_LIMITED once spent', async () => {
    const first = await createKey(['SALES_READ']);
    const second = await createKey(['SALES_READ']);
    const controls = [];
    for (let i = 0; i < 3; i += 1) controls.push((await throughRouter(first.secret)).routerRequest.control);
    expect(controls).toEqual(['continue', 'continue', { break: 429 }]);
    expect((await throughRouter(second.secret)).routerRequest.control).toBe('continue');
  });
});

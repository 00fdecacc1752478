import { randomUUID } from 'node:crypto';
import { Role } from '@marketplace/kit';
import { globalId, sessionsRecorded, subscribe, subscriptionClient } from '@marketplace/kit/testing';
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { PROBE_ORDER_UUIDS } from '../testing/fixture-subgraph';
import { ProbeStack, TestGateway, startProbeStack, startTestGateway } from '../testing/stack';

interface Pushed {
  orderUpdated: { id: string; status: string; viewerId: string };
}

const ORDER_UPDATED = 'subscription($id: ID!) { orderUpdated(orderId: $id) { id status viewerId } }';
const SET_STATUS =
  'mutation($id: ID!, $status: String!, $notify: Boolean) { setProbeOrderStatus(id: $id, status: $status, notify: $notify) }';

let stack: ProbeStack;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startProbeStack();
});
afterAll(async () => {
  await Promise.all(clients.map(async (client) => client.dispose()));
  await stack.close();
});

function connect(token?: string, url = stack.gateway.url, onClose?: (code: number, reason: string) => void): Client {
  const client = subscriptionClient(url, token, { onClose });
  clients.push(client);
  return client;
}

async function order(status = 'PENDING_PAYMENT'): Promise<string> {
  const id = globalId('Order', randomUUID());
  await setStatus(id, status, false);
  return id;
}

async function setStatus(id: string, status: string, notify = true): Promise<void> {
  await stack.client.data(SET_STATUS, { variables: { id, status, notify }, token: stack.token(Role.ADMIN) });
}

describe('subscriptions through the gateway (graphql-ws on /graphql)', () => {
  it('pushes the current state first, then the state after each change, with the subscriber as viewer', async () => {
    const id = await order();
    const live = subscribe<Pushed>(connect(stack.token(Role.CUSTOMER)), ORDER_UPDATED, { id });
    expect((await live.push(1)).data).toEqual({
      orderUpdated: { id, status: 'PENDING_PAYMENT', viewerId: 'user-customer' },
    });
    await setStatus(id, 'PAID');
    expect((await live.push(2)).data?.orderUpdated.status).toBe('PAID');
    await setStatus(id, 'FULFILLED');
    expect((await live.push(3)).data?.orderUpdated.status).toBe('FULFILLED');
    live.unsubscribe();
  });

  it('does not push a result equal to the last one, and keeps the alias the client chose', async () => {
    const id = await order();
    const live = subscribe<{ mine: { status: string } }>(
      connect(stack.token()),
      'subscription($id: ID!) { mine: orderUpdated(orderId: $id) { status } }',
      { id },
    );
    await live.push(1);
    await setStatus(id, 'PENDING_PAYMENT'); // nothing the subscriber selected changed
    await setStatus(id, 'PAID');
    expect((await live.push(2)).data).toEqual({ mine: { status: 'PAID' } });
    expect(live.pushes).toHaveLength(2);
    live.unsubscribe();
  });

  it('fans out to every subscriber on every gateway sharing the change feed', async () => {
    const second: TestGateway = await startTestGateway(stack.supergraphSdl, stack.dataDir, {
      REDIS_KEY_PREFIX: stack.probe.subgraph.deps.config.redisKeyPrefix,
    });
    try {
      const id = await order();
      const subscribers = [stack.gateway.url, stack.gateway.url, second.gateway.url].map((url) =>
        subscribe<Pushed>(connect(stack.token(), url), ORDER_UPDATED, { id }),
      );
      await Promise.all(subscribers.map((live) => live.push(1)));
      await setStatus(id, 'PAID');
      const pushed = await Promise.all(subscribers.map((live) => live.push(2)));
      expect(pushed.map((result) => result.data?.orderUpdated.status)).toEqual(['PAID', 'PAID', 'PAID']);
      subscribers.forEach((live) => live.unsubscribe());
    } finally {
      await second.close();
    }
  });

  it('refuses with the subgraph’s code (FORBIDDEN, NOT_FOUND, UNAUTHENTICATED) and ends the subscription', async () => {
    const cases = [
      { token: stack.token(), id: globalId('Order', PROBE_ORDER_UUIDS.forbidden), code: 'FORBIDDEN' },
      { token: stack.token(), id: globalId('Order', randomUUID()), code: 'NOT_FOUND' },
      // The lookup answers null without an error for a hidden object; the subscription's subject is NOT_FOUND.
      { token: stack.token(), id: globalId('Order', PROBE_ORDER_UUIDS.hidden), code: 'NOT_FOUND' },
      // With global ids on: a malformed id, and an id of another type, are refused before any lookup.
      { token: stack.token(), id: 'order-1', code: 'BAD_USER_INPUT' },
      { token: stack.token(), id: globalId('Product', randomUUID()), code: 'BAD_USER_INPUT' },
      { token: undefined, id: await order(), code: 'UNAUTHENTICATED' },
    ];
    for (const { token, id, code } of cases) {
      const live = subscribe(connect(token), ORDER_UPDATED, { id });
      expect(await live.ended).toEqual([]);
      expect(
        live.pushes.map((result) => [result.data ?? null, result.errors?.map((error) => error.extensions?.code)]),
      ).toEqual([[null, [code]]]);
    }
  });

  it('closes a connection whose token is bad with 4403, before any operation', async () => {
    let closed: { code: number; reason: string } | undefined;
    const live = subscribe(
      connect('not-a-token', stack.gateway.url, (code, reason) => (closed = { code, reason })),
      ORDER_UPDATED,
      { id: await order() },
    );
    await live.ended;
    expect(closed?.code).toBe(4403);
    expect(live.pushes).toEqual([]);
    expect(stack.logs.records().some((record) => record.msg === 'websocket refused: bad access token')).toBe(true);
  });

  it('validates like HTTP: unknown fields, operation limits, malformed documents', async () => {
    const client = connect(stack.token());
    const unknown = subscribe(client, 'subscription { orderUpdated(orderId: "x") { nope } }');
    expect((await unknown.ended)[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const twoFields = subscribe(
      client,
      'subscription { a: orderUpdated(orderId: "x") { id } b: orderUpdated(orderId: "y") { id } }',
    );
    expect((await twoFields.ended)[0].message).toMatch(/only one top level field/);
    const aliases = Array.from({ length: 31 }, (_, n) => `a${n}: id`).join(' ');
    const tooMany = subscribe(client, `subscription { orderUpdated(orderId: "x") { ${aliases} } }`);
    expect((await tooMany.ended)[0]).toMatchObject({
      message: expect.stringMatching(/alias/i),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const malformed = subscribe(client, 'subscription {');
    expect((await malformed.ended)[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('runs queries and mutations sent over the socket once, through the same pipeline', async () => {
    const client = connect(stack.token(Role.VENDOR));
    const once = subscribe<{ whoami: { viewerId: string; role: string } }>(client, '{ whoami { viewerId role } }');
    expect(await once.ended).toEqual([]);
    expect(once.pushes.map((result) => result.data)).toEqual([{ whoami: { viewerId: 'user-vendor', role: 'VENDOR' } }]);
  });

  it('answers a subscription sent over HTTP with a clear 400 instead of an internal error', async () => {
    const response = await stack.client.request(ORDER_UPDATED, { variables: { id: 'x' }, token: stack.token() });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/WebSocket/),
      extensions: { code: 'BAD_REQUEST' },
    });
  });

  it('stops following the topic when the client unsubscribes', async () => {
    const id = await order();
    const live = subscribe<Pushed>(connect(stack.token()), ORDER_UPDATED, { id });
    await live.push(1);
    live.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await setStatus(id, 'PAID');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(live.pushes).toHaveLength(1);
  });

  it('is served by the subgraph itself too (Apollo Router passthrough), authenticated by connectionParams or the upgrade header', async () => {
    const id = await order();
    const direct = subscribe<Pushed>(connect(stack.token(), stack.probe.subgraph.url), ORDER_UPDATED, { id });
    expect((await direct.push(1)).data?.orderUpdated).toMatchObject({ id, viewerId: 'user-customer' });

    const authorization = `Bearer ${stack.token(Role.VENDOR)}`;
    // What the router does: the client's Authorization header propagated onto the WebSocket upgrade request.
    class WithUpgradeHeader extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { authorization } });
      }
    }
    const routerLike = createClient({
      url: stack.probe.subgraph.url.replace(/^http/, 'ws'),
      webSocketImpl: WithUpgradeHeader,
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(routerLike);
    await sessionsRecorded();
    const proxied = subscribe<Pushed>(routerLike, ORDER_UPDATED, { id });
    expect((await proxied.push(1)).data?.orderUpdated.viewerId).toBe('user-vendor');
    await setStatus(id, 'PAID');
    expect((await direct.push(2)).data?.orderUpdated.status).toBe('PAID');
    expect((await proxied.push(2)).data?.orderUpdated.status).toBe('PAID');
  });
});

it('refuses a subscription sent over HTTP with a 400 naming the WebSocket endpoint, calling no subgraph', async () => {
  let result: Awaited<ReturnType<typeof stack.client.request>> | undefined;
  const calls = await stack.subgraphCallsDuring(async () => {
    result = await stack.client.request(ORDER_UPDATED, {
      variables: { id: globalId('Order', randomUUID()) },
      token: stack.token(),
    });
  });
  expect(calls).toBe(0);
  expect(result?.status).toBe(400);
  expect(result?.errors).toEqual([
    {
      message: 'Subscriptions are served over WebSocket (graphql-ws) on /graphql',
      extensions: { code: 'BAD_REQUEST' },
    },
  ]);
});

import { randomUUID } from 'node:crypto';
import { Role } from '@marketplace/kit';
import {
  RawGraphQLSocket,
  TestSubscription,
  globalId,
  sessionsRecorded,
  subscribe,
  subscriptionClient,
} from '@marketplace/kit/testing';
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ProbeStack, TestGateway, startProbeStack, startTestGateway } from '../testing/stack';
import { TOO_MANY_CONNECTIONS_CLOSE_CODE } from './socket-limits';

/**
 * The probe (1,000 `{ me { id } }` over one socket, a 20 MB message) and every WebSocket
 * limit: one budget with HTTP (same Redis counters), message size, sockets per IP and per user,
 * operations in flight per socket. Each test gets its own gateway, hence its own counters.
 */

const ME = '{ me { id } }';
const MESSAGE_TOO_BIG = 1009;
const MiB = 2 ** 20;
const ORDER_UPDATED = 'subscription($id: ID!) { orderUpdated(orderId: $id) { id status } }';

let stack: ProbeStack;
const clients: Client[] = [];
const sockets: RawGraphQLSocket[] = [];

beforeAll(async () => {
  stack = await startProbeStack();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map(async (client) => client.dispose()));
  sockets.splice(0).forEach((socket) => socket.socket.terminate());
});
afterAll(async () => {
  await stack?.close();
});

async function withGateway(env: Record<string, string>, work: (gateway: TestGateway) => Promise<void>): Promise<void> {
  // A loaded test machine may keep Redis waiting past the default 250 ms: exact counts must not fail open mid-burst.
  const gateway = await startTestGateway(stack.supergraphSdl, stack.dataDir, {
    RATE_LIMIT_STORE_TIMEOUT_MS: '5000',
    ...env,
  });
  try {
    await work(gateway);
  } finally {
    await gateway.close();
  }
}

function rawSocket(url: string, headers?: Record<string, string>): RawGraphQLSocket {
  const socket = new RawGraphQLSocket(url, headers);
  sockets.push(socket);
  return socket;
}

/** A graphql-ws client; `ip` is sent as X-Forwarded-For on the upgrade request, as a proxy would. */
function connect(gateway: TestGateway, token?: string, ip?: string): Client {
  const client = ip
    ? createClient({
        url: gateway.gateway.url.replace(/^http/, 'ws'),
        webSocketImpl: withHeaders({ 'x-forwarded-for': ip }),
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
        lazy: true,
      })
    : subscriptionClient(gateway.gateway.url, token);
  clients.push(client);
  return client;
}

function withHeaders(headers: Record<string, string>) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  };
}

/** A fresh order of the probe subgraph, set through the shared stack's gateway (no test gateway's budget spent). */
async function probeOrder(): Promise<string> {
  const id = globalId('Order', randomUUID());
  await stack.client.data(
    'mutation($id: ID!) { setProbeOrderStatus(id: $id, status: "PENDING_PAYMENT", notify: false) }',
    { variables: { id }, token: stack.token(Role.ADMIN) },
  );
  return id;
}

async function httpStatus(gateway: TestGateway, options: { token?: string; ip?: string } = {}) {
  if (options.token) await sessionsRecorded();
  const response = await fetch(gateway.gateway.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.ip ? { 'x-forwarded-for': options.ip } : {}),
    },
    body: JSON.stringify({ query: '{ whoami { viewerId } }' }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, code: body.errors?.[0]?.extensions?.code };
}

/** Sends `count` operations at once on one client and sorts what came back. */
async function burst(client: Client, count: number, query = ME) {
  const sent: TestSubscription[] = Array.from({ length: count }, () => subscribe(client, query));
  const ended = await Promise.all(sent.map((live) => live.ended));
  const answered = sent.filter((live, n) => ended[n].length === 0 && live.pushes[0]?.data);
  const refused = ended.filter((errors) => errors.length > 0).map((errors) => errors[0]);
  return { answered, refused };
}

describe('one budget for HTTP and WebSocket', () => {
  it('answers the budget of a burst of { me { id } } on one socket, refuses the rest RATE_LIMITED, and HTTP is then 429', async () => {
    await withGateway({ RATE_LIMIT_PER_USER_PER_MINUTE: '20' }, async (gateway) => {
      const token = stack.token(Role.CUSTOMER);
      const client = connect(gateway, token);
      const connections: unknown[] = [];
      const closes: unknown[] = [];
      client.on('connected', (socket) => connections.push(socket));
      client.on('closed', (event) => closes.push(event));
      // A live subscription keeps the (lazy) client's one socket open throughout; it spends one request.
      const anchor = subscribe(client, ORDER_UPDATED, { id: await probeOrder() });
      await anchor.push(1);

      const { answered, refused } = await burst(client, 60);
      expect(answered).toHaveLength(19);
      expect(answered.map((live) => live.pushes[0].data)).toEqual(
        Array(19).fill({ me: { id: globalId('User', 'user-customer') } }),
      );
      expect(refused).toHaveLength(41);
      for (const error of refused) {
        expect(error).toEqual({
          message: expect.stringMatching(/^Too many requests; try again in \d+ s$/),
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
        });
        expect(error.extensions?.retryAfterSeconds).toBeGreaterThan(0);
      }
      // The socket stays open: the next operation is answered (refused again) on the same connection.
      expect((await subscribe(client, ME).ended)[0].extensions?.code).toBe('RATE_LIMITED');
      expect([connections.length, closes]).toEqual([1, []]);

      // The same user over HTTP: the budget the socket spent is gone there too.
      expect(await httpStatus(gateway, { token })).toEqual({ status: 429, code: 'RATE_LIMITED' });
      // Another user is untouched.
      expect((await httpStatus(gateway, { token: stack.token(Role.VENDOR) })).status).toBe(200);
      anchor.unsubscribe();
    });
  });

  it('spends what HTTP spent: a user who used the budget over HTTP is refused on the socket', async () => {
    await withGateway({ RATE_LIMIT_PER_USER_PER_MINUTE: '3' }, async (gateway) => {
      const token = stack.token(Role.ADMIN);
      for (let n = 0; n < 3; n += 1) expect((await httpStatus(gateway, { token })).status).toBe(200);
      expect((await subscribe(connect(gateway, token), ME).ended)[0].extensions?.code).toBe('RATE_LIMITED');
    });
  });

  it('counts anonymous sockets by client IP (TRUST_PROXY honoured on the upgrade) and signed-in ones by user', async () => {
    const env = { RATE_LIMIT_PER_IP_PER_MINUTE: '5', RATE_LIMIT_PER_USER_PER_MINUTE: '8', TRUST_PROXY: 'true' };
    await withGateway(env, async (gateway) => {
      const anonymous = await burst(connect(gateway, undefined, '203.0.113.7'), 12, '{ whoami { viewerId clientIp } }');
      expect(anonymous.answered).toHaveLength(5);
      expect(anonymous.answered[0].pushes[0].data).toEqual({ whoami: { viewerId: null, clientIp: '203.0.113.7' } });
      expect(anonymous.refused.map((error) => error.extensions?.code)).toEqual(Array(7).fill('RATE_LIMITED'));
      expect(await httpStatus(gateway, { ip: '203.0.113.7' })).toEqual({ status: 429, code: 'RATE_LIMITED' });
      expect((await httpStatus(gateway, { ip: '203.0.113.8' })).status).toBe(200);

      // A signed-in user behind that same exhausted address has a budget of their own.
      const signedIn = await burst(connect(gateway, stack.token(Role.CUSTOMER), '203.0.113.7'), 12);
      expect(signedIn.answered).toHaveLength(8);
      expect(signedIn.refused).toHaveLength(4);
    });
  });

  it('counts a connection_init with a bad token against its IP, as HTTP counts a bad token', async () => {
    await withGateway({ RATE_LIMIT_PER_IP_PER_MINUTE: '2' }, async (gateway) => {
      for (let n = 0; n < 2; n += 1) {
        expect(await rawSocket(gateway.gateway.url).init('not-a-token')).toEqual({
          code: 4403,
          reason: 'Forbidden',
        });
      }
      expect((await httpStatus(gateway)).status).toBe(429);
    });
  });

  it('fails open when the store is down, for sockets as for HTTP', async () => {
    const env = {
      REDIS_URL: 'redis://127.0.0.1:1',
      RATE_LIMIT_STORE_TIMEOUT_MS: '250',
      RATE_LIMIT_PER_USER_PER_MINUTE: '1',
      RATE_LIMIT_PER_IP_PER_MINUTE: '1',
    };
    await withGateway(env, async (gateway) => {
      const signedIn = await burst(connect(gateway, stack.token()), 6);
      const anonymous = await burst(connect(gateway), 6, '{ whoami { viewerId } }');
      expect([signedIn.answered.length, signedIn.refused]).toEqual([6, []]);
      expect([anonymous.answered.length, anonymous.refused]).toEqual([6, []]);
      expect(
        gateway.logs
          .records()
          .some(
            (record) =>
              record.msg === 'rate limit store unavailable: allowing requests without rate limits (fail open)',
          ),
      ).toBe(true);
    });
  });
});

describe('message size', () => {
  /** A `subscribe` message of exactly `bytes` bytes (the padding is an unused variable). */
  function subscribeMessage(id: string, bytes: number): string {
    const empty = JSON.stringify({ id, type: 'subscribe', payload: { query: ME, variables: { pad: '' } } });
    return JSON.stringify({
      id,
      type: 'subscribe',
      payload: { query: ME, variables: { pad: 'x'.repeat(bytes - empty.length) } },
    });
  }

  it('accepts 1 MiB, closes the socket with 1009 on 1 MiB + 1 byte and on the issue’s 20 MB, and stays healthy', async () => {
    await withGateway({}, async (gateway) => {
      const token = stack.token();
      const socket = rawSocket(gateway.gateway.url);
      expect(await socket.init(token)).toBe('acked');
      const exact = subscribeMessage('exact', MiB);
      expect(Buffer.byteLength(exact)).toBe(MiB);
      socket.send(exact);
      expect(await socket.next('next', 'exact')).toMatchObject({
        payload: { data: { me: { id: globalId('User', 'user-customer') } } },
      });

      socket.send(subscribeMessage('over', MiB + 1));
      expect((await socket.closed).code).toBe(MESSAGE_TOO_BIG);

      const huge = rawSocket(gateway.gateway.url);
      expect(await huge.init(token)).toBe('acked');
      huge.send(subscribeMessage('huge', 20 * 10 ** 6));
      expect((await huge.closed).code).toBe(MESSAGE_TOO_BIG);

      // Still serving, both ways, and the refusals were logged as one line each, no stack.
      expect(await subscribe(connect(gateway, token), ME).ended).toEqual([]);
      expect((await httpStatus(gateway, { token })).status).toBe(200);
      const protocolErrors = gateway.logs
        .records()
        .filter((record) => record.msg === 'websocket closed: protocol error');
      expect(protocolErrors).toHaveLength(2);
      expect(protocolErrors[0]).toMatchObject({
        reason: 'Max payload size exceeded',
        wsCode: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
      });
    });
  });

  it('caps a subgraph’s own graphql-ws port at 1 MiB too', async () => {
    const socket = rawSocket(stack.probe.subgraph.url);
    expect(await socket.init(stack.token())).toBe('acked');
    socket.send(subscribeMessage('over', MiB + 1));
    expect((await socket.closed).code).toBe(MESSAGE_TOO_BIG);
  });
});

describe('sockets per IP and per user', () => {
  it('closes the socket over the per-IP cap with 4429 and admits another once one closes', async () => {
    await withGateway({ WS_MAX_SOCKETS_PER_IP: '3', TRUST_PROXY: 'true' }, async (gateway) => {
      const from = { 'x-forwarded-for': '198.51.100.9' };
      const open = [0, 1, 2].map(() => rawSocket(gateway.gateway.url, from));
      expect(await Promise.all(open.map(async (socket) => socket.init()))).toEqual(['acked', 'acked', 'acked']);
      expect(await rawSocket(gateway.gateway.url, from).init()).toEqual({
        code: TOO_MANY_CONNECTIONS_CLOSE_CODE,
        reason: 'Too many connections from this address',
      });
      // Another address is not affected.
      expect(await rawSocket(gateway.gateway.url, { 'x-forwarded-for': '198.51.100.10' }).init()).toBe('acked');

      open[0].socket.close();
      await open[0].closed;
      expect(await rawSocket(gateway.gateway.url, from).init()).toBe('acked');
    });
  });

  it('counts a signed-in socket against its user, not its IP', async () => {
    await withGateway({ WS_MAX_SOCKETS_PER_IP: '2' }, async (gateway) => {
      const users = [Role.CUSTOMER, Role.VENDOR, Role.ADMIN].map((role) => stack.token(role));
      for (const token of users) expect(await rawSocket(gateway.gateway.url).init(token)).toBe('acked');
      const anonymous = [rawSocket(gateway.gateway.url), rawSocket(gateway.gateway.url)];
      expect(await Promise.all(anonymous.map(async (socket) => socket.init()))).toEqual(['acked', 'acked']);
      expect((await rawSocket(gateway.gateway.url).init()) as { code: number }).toMatchObject({
        code: TOO_MANY_CONNECTIONS_CLOSE_CODE,
      });
    });
  });

  it('closes a user’s socket over the per-user cap with 4429, wherever it comes from; other users are not affected', async () => {
    await withGateway({ WS_MAX_SOCKETS_PER_USER: '2', TRUST_PROXY: 'true' }, async (gateway) => {
      const token = stack.token(Role.CUSTOMER);
      const first = rawSocket(gateway.gateway.url, { 'x-forwarded-for': '198.51.100.20' });
      const second = rawSocket(gateway.gateway.url, { 'x-forwarded-for': '198.51.100.21' });
      expect([await first.init(token), await second.init(token)]).toEqual(['acked', 'acked']);
      expect(await rawSocket(gateway.gateway.url, { 'x-forwarded-for': '198.51.100.22' }).init(token)).toEqual({
        code: TOO_MANY_CONNECTIONS_CLOSE_CODE,
        reason: 'Too many connections for this user',
      });
      expect(await rawSocket(gateway.gateway.url).init(stack.token(Role.VENDOR))).toBe('acked');

      first.socket.close();
      await first.closed;
      expect(await rawSocket(gateway.gateway.url).init(token)).toBe('acked');
      expect(gateway.logs.records().filter((record) => record.msg === 'websocket refused: too many sockets')).toEqual([
        expect.objectContaining({ holder: 'user:user-customer', reason: 'Too many connections for this user' }),
      ]);
    });
  });
});

describe('operations in flight per socket', () => {
  it('refuses an operation past the cap with RATE_LIMITED, keeps the socket, and admits one again once one ends', async () => {
    await withGateway({ WS_MAX_OPERATIONS_IN_FLIGHT: '2' }, async (gateway) => {
      const token = stack.token(Role.CUSTOMER);
      const id = await probeOrder();
      const client = connect(gateway, token);
      const live = [subscribe(client, ORDER_UPDATED, { id }), subscribe(client, ORDER_UPDATED, { id })];
      await Promise.all(live.map(async (subscription) => subscription.push(1)));

      expect((await subscribe(client, ME).ended)[0]).toEqual({
        message: 'Too many operations in flight on this socket (at most 2)',
        extensions: { code: 'RATE_LIMITED', maxOperationsInFlight: 2 },
      });
      // Another socket of the same user has its own slots.
      expect(await subscribe(connect(gateway, token), ME).ended).toEqual([]);

      live[0].unsubscribe();
      // The slot is freed when the server has wound the subscription down, a moment after the client's `complete`.
      let ended = await subscribe(client, ME).ended;
      for (let attempt = 0; ended.length > 0 && attempt < 50; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        ended = await subscribe(client, ME).ended;
      }
      expect(ended).toEqual([]);
      live[1].unsubscribe();
    });
  });
});

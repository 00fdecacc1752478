import { DemoIds } from '@marketplace/kit';
import {
  globalId,
  metricSum,
  scrapeMetrics,
  subscribe,
  subscriptionClient,
  tokenFor,
  until,
} from '@marketplace/kit/testing';
import { RESPONSE_CACHE_HEADER } from '@marketplace/gateway';
import type { Client as SocketClient } from 'graphql-ws';
import { Cluster, rollingRestart, startCluster } from './testing/cluster';
import {
  EventAccounting,
  effectsOf,
  eventCountersOf,
  relayLeaderGauge,
  untilFulfilled,
} from './testing/event-accounting';
import type { ServiceProcess } from './testing/service-process';
import { Shop } from './testing/shop';

/**
 * Issue 24, proven on one machine: the supergraph in services mode with two replicas of every
 * subgraph (separate processes, each subgraph's behind a balancer that follows `/ready`) and
 * two gateways, on real Postgres, Redis and RabbitMQ. Events are handled once across replicas,
 * subscriptions, rate limits and caches hold across gateways, the outbox relay's leader can
 * die (SIGKILL) without losing or doubling anything, and a rolling restart of every subgraph
 * under steady purchases fails no request.
 */
const RATE_LIMIT_PER_USER = 30;
/** What the tests measure, printed at the end (docs/operations.md quotes them). */
const measured: Record<string, unknown> = {};

let cluster: Cluster;
let accounting: EventAccounting;
let productIds: string[];
const gatewayUrl = (gateway: ServiceProcess) => `${gateway.origin}/graphql`;
const both = () => cluster.gateways.map(gatewayUrl);
const group = (name: string) => cluster.subgraphs.get(name)!;

beforeAll(async () => {
  const startedAt = Date.now();
  cluster = await startCluster({
    RATE_LIMIT_PER_USER_PER_MINUTE: String(RATE_LIMIT_PER_USER),
    // Anonymous requests all come from 127.0.0.1 here: only the per-user limit is under test.
    RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
  });
  measured.clusterStartMs = Date.now() - startedAt;
  accounting = new EventAccounting(cluster.sql, [...cluster.subgraphs.keys()]);
  const { rows } = await cluster.sql.query<{ id: string }>(
    `SELECT id FROM catalog.products WHERE vendor_id = $1 AND status = 'PUBLISHED' ORDER BY id LIMIT 3`,
    [DemoIds.vendors.ada],
  );
  productIds = rows.map((row) => globalId('Product', row.id));
  // The seed's products reach orders' replica of the catalog by events.
  await until(
    async () => {
      const { rows: known } = await cluster.sql.query(`SELECT 1 FROM orders.products WHERE id = ANY($1::uuid[])`, [
        rows.map((row) => row.id),
      ]);
      return known.length === rows.length ? true : undefined;
    },
    "the seeded products in orders' replica",
    30_000,
  );
}, 300_000);

afterAll(async () => {
  process.stdout.write(`replicas.cluster measurements: ${JSON.stringify(measured)}\n`);
  await cluster?.close();
});

/** Shows every process's output beside a failed assertion. */
async function explained(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    process.stderr.write(`${cluster.output()}\n`);
    throw error;
  }
}

async function expectEveryEventHandledOnce(since: Date): Promise<void> {
  await accounting.settled();
  expect(await accounting.unsent()).toBe(0);
  expect(await accounting.deadLetters()).toBe(0);
  expect(await accounting.missingDeliveries(since)).toEqual([]);
}

async function countersOf(replicas: ServiceProcess[]) {
  return Promise.all(replicas.map(eventCountersOf));
}

it('handles each event once across the replicas of its consumer', () =>
  explained(async () => {
    await accounting.settled();
    const since = await databaseNow();
    const groups = [...cluster.subgraphs.values()];
    const before = new Map(await Promise.all(groups.map(async (g) => [g.name, await countersOf(g.replicas)] as const)));
    const shop = new Shop(both());
    const orders = await shop.purchases(productIds, 6, 2);
    expect(shop.failures).toEqual([]);
    expect(orders).toHaveLength(6);
    await untilFulfilled(cluster.sql, orders);
    await expectEveryEventHandledOnce(since);

    for (const effects of await effectsOf(cluster.sql, orders))
      expect(effects).toEqual({ ...effects, status: 'FULFILLED', licenses: effects.lines, sales: effects.lines });
    const published = await accounting.publishedSince(since);
    const after = new Map(await Promise.all(groups.map(async (g) => [g.name, await countersOf(g.replicas)] as const)));
    const delta = (name: string, replica: number, read: (c: Awaited<ReturnType<typeof eventCountersOf>>) => number) =>
      read(after.get(name)![replica]) - read(before.get(name)![replica]);
    const sumOverReplicas = (name: string, read: Parameters<typeof delta>[2]) =>
      group(name).replicas.reduce((sum, _, replica) => sum + delta(name, replica, read), 0);
    // The relays' counters agree with the outboxes: every event written was published once.
    for (const [type, count] of published) {
      const byReplica = Object.fromEntries(
        groups.map((g) => [g.name, g.replicas.map((_, replica) => delta(g.name, replica, (c) => c.published(type)))]),
      );
      const publishedByRelays = Object.values(byReplica)
        .flat()
        .reduce((sum, n) => sum + n, 0);
      expect({ type, publishedByRelays, byReplica }).toEqual({ type, publishedByRelays: count, byReplica });
    }
    const handledPerReplica: Record<string, number[]> = {};
    for (const { name, replicas } of groups) {
      for (const [type, inbox] of await accounting.inboxSince(name, since)) {
        // Each published event of the type, once per handler of it, across both replicas; no replica saw it again.
        const handled = sumOverReplicas(name, (c) => c.handled(type));
        const duplicates = sumOverReplicas(name, (c) => c.duplicates(type));
        expect({ name, type, events: inbox.events, handled, duplicates }).toEqual({
          name,
          type,
          events: published.get(type),
          handled: inbox.events * inbox.handlers,
          duplicates: 0,
        });
        expect(inbox.rows).toBe(handled);
      }
      handledPerReplica[name] = replicas.map((_, replica) =>
        [...published.keys()].reduce((sum, type) => sum + delta(name, replica, (c) => c.handled(type)), 0),
      );
    }
    // The broker shares a queue's messages between its consumers: both replicas of the busy consumers worked.
    for (const name of ['orders', 'payments', 'licensing', 'vendor'])
      expect({ name, handledPerReplica: handledPerReplica[name].map((n) => n > 0) }).toEqual({
        name,
        handledPerReplica: [true, true],
      });
    measured.handledPerReplica = handledPerReplica;
  }));

it('pushes to a subscriber on gateway B the order changes caused through gateway A', () =>
  explained(async () => {
    const [gatewayA, gatewayB] = both();
    const throughA = new Shop([gatewayA]);
    const token = tokenFor(crypto.randomUUID(), 'CUSTOMER');
    await throughA.data(`mutation AddToCart($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`, {
      variables: { p: productIds[0] },
      token,
    });
    const checkedOut = await throughA.data(
      `mutation Checkout { checkout(input: { idempotencyKey: "subscription-across-gateways", billing: { name: "Sub Scriber", country: "US" } }) { order { id } } }`,
      { token },
    );
    const orderId = checkedOut!.checkout.order.id as string;
    const socket: SocketClient = subscriptionClient(gatewayB, token);
    try {
      const live = subscribe<{ orderUpdated: { status: string } }>(
        socket,
        `subscription($id: ID!) { orderUpdated(orderId: $id) { status } }`,
        { id: orderId },
      );
      expect((await live.push(1)).data?.orderUpdated.status).toBe('PENDING_PAYMENT');
      await throughA.data(
        `mutation CreatePaymentIntent($o: ID!) { createPaymentIntent(input: { orderId: $o }) { payment { id } } }`,
        {
          variables: { o: orderId },
          token,
          notYet: (answer) => answer.errors?.[0]?.extensions?.code === 'NOT_FOUND',
        },
      );
      await throughA.data(
        `mutation SimulatePayment($o: ID!) { simulatePayment(input: { orderId: $o, outcome: SUCCEEDED }) { payment { status } } }`,
        { variables: { o: orderId }, token },
      );
      await live.pushWhere((data) => data.orderUpdated.status === 'FULFILLED', 30_000);
      expect(throughA.failures).toEqual([]);
      const statuses = live.pushes.map((push) => push.data?.orderUpdated.status);
      expect(statuses.filter((status, i) => status !== statuses[i - 1])).toEqual(
        expect.arrayContaining(['PENDING_PAYMENT', 'FULFILLED']),
      );
    } finally {
      await socket.dispose();
    }
  }));

it("counts a user's requests across both gateways against one rate limit", () =>
  explained(async () => {
    const token = tokenFor(crypto.randomUUID(), 'CUSTOMER');
    const shop = new Shop(both());
    const remaining: number[] = [];
    for (let i = 0; i < RATE_LIMIT_PER_USER; i += 1) {
      const answer = (await shop.request(`query Probe { __typename }`, { token }))!;
      expect(answer.status).toBe(200);
      remaining.push(Number(answer.headers.get('ratelimit-remaining')));
    }
    // One counter: A and B in turn count down the same budget.
    expect(remaining).toEqual(Array.from({ length: RATE_LIMIT_PER_USER }, (_, i) => RATE_LIMIT_PER_USER - 1 - i));
    for (const gateway of both()) {
      const refused = (await shop.request(`query Probe { __typename }`, { token, gateway }))!;
      expect({ status: refused.status, code: refused.errors?.[0]?.extensions?.code }).toEqual({
        status: 429,
        code: 'RATE_LIMITED',
      });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  }));

it('drops a cached public answer on gateway B when the change is made through gateway A', () =>
  explained(async () => {
    const [gatewayA, gatewayB] = both();
    const productId = productIds[1];
    const page = async (gateway: string) => {
      const response = await fetch(gateway, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `query Page($id: ID!) { product(id: $id) { id name } }`,
          variables: { id: productId },
        }),
      });
      const body = (await response.json()) as { data: { product: { name: string } } };
      return { name: body.data.product.name, cache: response.headers.get(RESPONSE_CACHE_HEADER) };
    };
    for (const gateway of [gatewayA, gatewayB])
      await until(
        async () => ((await page(gateway)).cache === 'HIT' ? true : undefined),
        `${gateway} to cache the page`,
      );
    const hitsBefore = metricSum(await scrapeMetrics(gatewayB), 'gateway_response_cache_lookups_total', {
      result: 'hit',
    });
    expect((await page(gatewayB)).cache).toBe('HIT');
    expect(metricSum(await scrapeMetrics(gatewayB), 'gateway_response_cache_lookups_total', { result: 'hit' })).toBe(
      hitsBefore + 1,
    );

    const name = `Renamed through gateway A ${Date.now()}`;
    const changedAt = Date.now();
    const shop = new Shop([gatewayA]);
    await shop.data(
      `mutation Rename($id: ID!, $n: String!) { updateProduct(input: { productId: $id, name: $n }) { product { id } } }`,
      {
        variables: { id: productId, n: name },
        token: tokenFor(DemoIds.users.ada, 'VENDOR'),
      },
    );
    expect(shop.failures).toEqual([]);
    // The cached answer would live 60 s (its TTL); the change notice drops it on every gateway at once.
    await until(
      async () => ((await page(gatewayB)).name === name ? true : undefined),
      'gateway B to show the new name',
      5_000,
    );
    measured.crossGatewayInvalidationMs = Date.now() - changedAt;
    expect((await page(gatewayA)).name).toBe(name);
  }));

it("loses and doubles nothing when the outbox relay's leader is killed mid-stream; a standby takes over within seconds", () =>
  explained(async () => {
    const orders = group('orders');
    const gauges = await Promise.all(orders.replicas.map(relayLeaderGauge));
    expect(gauges.sort()).toEqual([0, 1]);
    const leader = orders.replicas[(await Promise.all(orders.replicas.map(relayLeaderGauge))).indexOf(1)];
    const standby = orders.replicas.find((replica) => replica !== leader)!;
    const since = await databaseNow();
    const shop = new Shop(both());
    const stream = shop.purchaseStream(productIds, 3);
    await until(async () => (stream.orders.length >= 3 ? true : undefined), 'purchases under way', 30_000);

    await leader.kill();
    const killedAt = Date.now();
    await until(
      async () => ((await relayLeaderGauge(standby)) === 1 ? true : undefined),
      'the standby to lead',
      10_000,
    );
    const takeoverMs = Date.now() - killedAt;
    const bought = stream.orders.length;
    await until(
      async () => (stream.orders.length >= bought + 3 ? true : undefined),
      'purchases after the takeover',
      30_000,
    );
    const purchased = await stream.stop();
    measured.relayTakeoverMs = takeoverMs;
    measured.purchasesAroundKill = {
      purchased: purchased.length,
      failedRequests: shop.failures.length,
      of: shop.requests,
    };
    expect(takeoverMs).toBeLessThan(5_000);

    // Whatever a client saw of the kill (requests in flight on the killed replica fail), every event
    // written went out and was applied once per handler, and every order paid was fulfilled once.
    await untilFulfilled(cluster.sql, purchased);
    await expectEveryEventHandledOnce(since);
    const { rows: paid } = await cluster.sql.query<{ id: string }>(
      `SELECT id FROM orders.orders WHERE created_at >= $1 AND status IN ('PAID', 'FULFILLED')`,
      [since],
    );
    for (const effects of await effectsOf(
      cluster.sql,
      paid.map((row) => row.id),
    ))
      expect(effects).toEqual({ ...effects, status: 'FULFILLED', licenses: effects.lines, sales: effects.lines });
    leader.start();
    await leader.untilReady(90_000);
  }));

// A client retries an idempotent write the gateway answered DOWNSTREAM_SERVICE_ERROR ("try again
// shortly"): the one failure no drain removes (see Shop). Anything else fails the test.
it('fails no purchase while every subgraph is restarted one replica at a time under steady purchases', () =>
  explained(async () => {
    const since = await databaseNow();
    const shop = new Shop(both());
    const stream = shop.purchaseStream(productIds, 2);
    await until(async () => (stream.orders.length >= 2 ? true : undefined), 'purchases under way', 30_000);
    const restartedAt = Date.now();
    const exitCodes = await Promise.all([...cluster.subgraphs.values()].map(rollingRestart));
    measured.rollingRestartMs = Date.now() - restartedAt;
    const purchased = await stream.stop();
    measured.rollingRestart = {
      purchases: purchased.length,
      requests: shop.requests,
      retriedWrites: shop.retried.length,
      stopMs: [...cluster.subgraphs.values()].flatMap((g) => g.replicas.flatMap((replica) => replica.stopDurations)),
    };
    expect(shop.failures).toEqual([]);
    // Rare (0 to 2 in about 200 requests per run): a few per cent would be a drain that does not work.
    expect(shop.retried.length).toBeLessThanOrEqual(shop.requests / 20);
    expect(exitCodes.flat()).toEqual(Array.from({ length: exitCodes.flat().length }, () => 0));
    await untilFulfilled(cluster.sql, purchased);
    await expectEveryEventHandledOnce(since);
  }));

async function databaseNow(): Promise<Date> {
  return (await cluster.sql.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0].now;
}

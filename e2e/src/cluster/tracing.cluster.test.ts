import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GraphQLTestClient,
  TestDatabase,
  createTestDatabase,
  freePortSettings,
  isolatedInfrastructure,
  until,
  uuidOf,
} from '@marketplace/kit/testing';
import { paymentIntentEvent, signed } from '@marketplace/payments';
import { REPO_ROOT, subgraphs } from '@marketplace/scripts';
import { OtlpReceiver, ReceivedSpan, SpanKinds } from '../testing/otlp-receiver';

/**
 * Issue 24's tracing proof: `npm start`'s program in a child process (the instrumentations
 * patch modules through require hooks, which Jest's module registry bypasses) on a fresh
 * database, with RabbitMQ carrying the events when AMQP_URL is set, exporting over the real
 * OTLP/HTTP JSON exporter to a receiver in this process. One checkout, traced by the client,
 * must come back as one trace from the gateway to the last event handler.
 */
const START_TIMEOUT_MS = 90_000;
jest.setTimeout(4 * 60_000);

const WEBHOOK_SECRET = `whsec_${randomUUID().replace(/-/g, '')}`;
const PORT_VARIABLES = ['GATEWAY_PORT', ...subgraphs.map((module) => `${module.name.toUpperCase()}_PORT`)];

let database: TestDatabase;
let receiver: OtlpReceiver;
let dataDir: string;
let child: ChildProcess;
let output = '';
let gatewayPort: number;
let client: GraphQLTestClient;

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await OtlpReceiver.start();
  dataDir = mkdtempSync(join(tmpdir(), 'marketplace-tracing-'));
  chmodSync(dataDir, 0o755);
  const ports = await freePortSettings(PORT_VARIABLES);
  gatewayPort = Number(ports.GATEWAY_PORT);
  // This run's tracing settings only, whatever the developer's shell exports.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  child = spawn(process.execPath, ['scripts/dist/start.js'], {
    cwd: REPO_ROOT,
    env: {
      ...inherited,
      ...isolatedInfrastructure(database.name),
      ...ports,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PASSWORD_HASH_COST: '10',
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      MAIL_SINK_PORT: '0',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`start exited early:\n${output.slice(-4000)}`);
      return output.includes('Marketplace supergraph is up') || undefined;
    },
    'the supergraph to start',
    START_TIMEOUT_MS,
  );
  client = new GraphQLTestClient(`http://127.0.0.1:${gatewayPort}/graphql`);
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }
  await receiver?.close();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The "client's" trace: every call of the checkout carries it, as a browser's instrumentation would. */
const traceId = randomBytes(16).toString('hex');
const clientSpanId = randomBytes(8).toString('hex');
const traced = { traceparent: `00-${traceId}-${clientSpanId}-01` };

/** JSON log lines of the child (stdout is a pipe, not a terminal). */
const logRecords = () =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

async function checkoutAndPay(): Promise<string> {
  const { register } = await client.data(`mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`, {
    variables: {
      i: { email: `buyer.${randomUUID()}@example.com`, password: 'a long buyer passphrase', displayName: 'Buyer' },
    },
  });
  const token = register.accessToken as string;
  const { products } = await client.data(`{ products(first: 1) { edges { node { id } } } }`);
  const productId = products.edges[0].node.id as string;
  await until(async () => {
    const result = await client.request(
      `mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`,
      {
        variables: { p: productId },
        token,
      },
    );
    return result.data?.addToCart ?? undefined;
  }, 'the product in the orders replica');
  const { checkout } = await client.data(
    `mutation Checkout($k: String!) { checkout(input: { idempotencyKey: $k, billing: { name: "Buyer", country: "US" } }) { order { id } } }`,
    { variables: { k: randomUUID() }, token, headers: traced },
  );
  const orderId = checkout.order.id as string;
  const intent = await until(async () => {
    const result = await client.request(
      `mutation Pay($o: ID!) { createPaymentIntent(input: { orderId: $o }) { payment { id providerRef amount { amount currency } } } }`,
      { variables: { o: orderId }, token, headers: traced },
    );
    return result.data?.createPaymentIntent?.payment ?? undefined;
  }, 'payments to know the order');
  // Stripe's request carries no trace: the webhook finds the checkout's on the payment.
  const event = paymentIntentEvent(
    {
      paymentIntentId: intent.providerRef,
      amount: intent.amount.amount,
      currency: intent.amount.currency,
      metadata: { paymentId: uuidOf(intent.id), orderId: uuidOf(orderId) },
    },
    'succeeded',
  );
  const { body, signature } = await signed(event, WEBHOOK_SECRET);
  const webhook = await fetch(`http://127.0.0.1:${gatewayPort}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });
  expect(webhook.status).toBe(200);
  await until(async () => {
    const { order } = await client.data(`query($id: ID!) { order(id: $id) { status } }`, {
      variables: { id: orderId },
      token,
    });
    return order.status === 'FULFILLED' || undefined;
  }, `order ${orderId} fulfilled`);
  return orderId;
}

const subgraphOf = (span: ReceivedSpan) => span.attributes['marketplace.subgraph'];

it('follows one checkout in one trace: gateway fetches, orders, the payments webhook, licensing and vendor', async () => {
  await checkoutAndPay();
  const spans = () => receiver.trace(traceId);
  const consumedBy = (subgraph: string) =>
    spans().some((span) => span.kind === SpanKinds.CONSUMER && subgraphOf(span) === subgraph);
  await until(
    async () => (consumedBy('licensing') && consumedBy('vendor') ? true : undefined),
    'licensing and vendor spans in the trace',
    30_000,
  );
  const trace = spans();
  const named = (name: string) => trace.filter((span) => span.name === name);

  // The gateway: the request under the client's span, and a fetch per query plan node, each calling a subgraph.
  const gatewayServer = trace.find((span) => span.kind === SpanKinds.SERVER && span.parentSpanId === clientSpanId)!;
  expect(gatewayServer).toBeDefined();
  expect(named('gateway.request').length).toBeGreaterThanOrEqual(2);
  const fetches = named('gateway.fetch');
  expect(fetches.length).toBeGreaterThanOrEqual(2);
  const byId = new Map(trace.map((span) => [span.spanId, span]));
  const ancestors = (span: ReceivedSpan) => {
    const found: ReceivedSpan[] = [];
    for (let at = byId.get(span.parentSpanId ?? ''); at; at = byId.get(at.parentSpanId ?? '')) found.push(at);
    return found;
  };
  // Each fetch node of a plan reaches its subgraph: that subgraph's server span is under the fetch.
  const servers = trace.filter((span) => span.kind === SpanKinds.SERVER && subgraphOf(span) !== undefined);
  for (const fetch of fetches)
    expect(
      servers.some(
        (server) => subgraphOf(server) === fetch.attributes.service && ancestors(server).some((span) => span === fetch),
      ),
    ).toBe(true);
  expect(new Set(fetches.map((fetch) => fetch.attributes.service))).toEqual(new Set(['orders', 'payments']));

  // Payments: Stripe's webhook, handled in the checkout's trace and linked to Stripe's own request.
  const [webhook] = named('stripe webhook payment_intent.succeeded');
  expect(webhook).toBeDefined();
  expect(subgraphOf(webhook)).toBe('payments');
  expect(webhook.links).toHaveLength(1);
  expect(webhook.links[0].traceId).not.toBe(traceId);

  // Across RabbitMQ (or the in-process broker): consumers are children of the producers' spans.
  const producers = new Map(
    trace.filter((span) => span.kind === SpanKinds.PRODUCER).map((span) => [span.spanId, span]),
  );
  const consumers = trace.filter((span) => span.kind === SpanKinds.CONSUMER);
  expect(consumers.length).toBeGreaterThan(0);
  for (const consumer of consumers) expect(producers.has(consumer.parentSpanId ?? '')).toBe(true);
  expect(consumers.find((span) => span.name === 'process order.paid' && subgraphOf(span) === 'vendor')).toBeDefined();
  expect(consumers.some((span) => subgraphOf(span) === 'licensing')).toBe(true);
  // The paid order's events come from the webhook's span.
  expect(ancestors(named('process payment.succeeded')[0]).map((span) => span.spanId)).toContain(webhook.spanId);

  // Postgres queries, from the pg instrumentation.
  expect(
    trace.some((span) => span.kind === SpanKinds.CLIENT && span.attributes['db.system.name'] === 'postgresql'),
  ).toBe(true);
  // Every span came from the one embedded process.
  expect(new Set(trace.map((span) => span.service))).toEqual(new Set(['marketplace']));

  // The log lines of the checkout carry its trace id.
  const checkoutLine = logRecords().find(
    (record) =>
      record.service === 'gateway' && record.msg === 'graphql operation' && record.operationName === 'Checkout',
  );
  expect(checkoutLine).toMatchObject({ trace_id: traceId, status: 200, method: 'POST' });
});

it('ignores a malformed traceparent: the request is answered, in a new trace', async () => {
  const requestId = `malformed-${randomUUID()}`;
  const malformed = '00-not-a-trace-id-01';
  const result = await client.request(`query Malformed { products(first: 1) { edges { node { id } } } }`, {
    headers: { traceparent: malformed, 'x-request-id': requestId },
  });
  expect(result.status).toBe(200);
  expect(result.errors).toBeUndefined();
  const line = await until(
    async () => logRecords().find((record) => record.requestId === requestId && record.msg === 'graphql operation'),
    'the operation log line',
  );
  const newTrace = String(line.trace_id);
  expect(newTrace).toMatch(/^[0-9a-f]{32}$/);
  await until(async () => receiver.trace(newTrace).find((span) => span.name === 'gateway.request'), 'its spans');
  const root = receiver.trace(newTrace).find((span) => span.kind === SpanKinds.SERVER && !span.parentSpanId);
  expect(root).toBeDefined();
});

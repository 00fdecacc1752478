/**
 * The money path, end to end through the gateway: cart → checkout → payment intent →
 * Stripe-signed webhook → PAID pushed over graphql-ws, with every subgraph on one fresh
 * database (events through RabbitMQ when AMQP_URL is set, the change feed through Redis when
 * REDIS_URL is set). Each purchase is timed in phases:
 *
 *   checkout   the `checkout` mutation (cart lock, order, outbox) through the gateway
 *   intent     from the checkout's answer until `createPaymentIntent` succeeds (includes
 *              order.created travelling to payments through the backbone)
 *   webhook    the signed webhook's round trip through the gateway's REST edge
 *   push       from sending the webhook until the subscriber receives PAID (payments →
 *              payment.succeeded → orders → change feed → gateway → federated query → push)
 *
 * Knobs: BENCH_PURCHASES (100, one buyer at a time), BENCH_BUYERS (10 buyers in parallel,
 * BENCH_PURCHASES each / 10), DATABASE_URL (else embedded Postgres).
 */
import { randomUUID } from 'node:crypto';
import { subscribe, subscriptionClient, until, uuidOf } from '@marketplace/kit/testing';
import { paymentIntentEvent, signed } from '@marketplace/payments';
import { TestSupergraph, startTestSupergraph } from '@marketplace/e2e/testing';
import { ensureDatabaseServer } from './harness';
import { percentile } from './stats';

const PURCHASES = Number(process.env.BENCH_PURCHASES ?? 100);
const BUYERS = Number(process.env.BENCH_BUYERS ?? 10);
const WEBHOOK_SECRET = `whsec_bench${randomUUID().replace(/-/g, '')}`;
const PHASES = ['checkout', 'intent', 'webhook', 'push'] as const;
type Timings = Record<(typeof PHASES)[number], number>;

/** The payment `createPaymentIntent` answers, as the simulated webhook needs it. */
interface PaymentIntentAnswer {
  id: string;
  providerRef: string;
  amount: { amount: number; currency: string };
}

async function buyer(supergraph: TestSupergraph, index: number) {
  const { register } = await supergraph.client.data<{ register: { accessToken: string } }>(
    `mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`,
    {
      variables: {
        i: {
          email: `bench.${index}.${randomUUID()}@example.com`,
          password: 'a long bench passphrase',
          displayName: 'Bench',
        },
      },
    },
  );
  return register.accessToken;
}

async function purchase(supergraph: TestSupergraph, token: string, productId: string): Promise<Timings> {
  const gql = <T>(query: string, variables: Record<string, unknown>) =>
    supergraph.client.request<T>(query, { variables, token });
  await until(
    async () =>
      (
        await gql<{ addToCart: { cart: { itemCount: number } } }>(
          `mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`,
          { p: productId },
        )
      ).data?.addToCart ?? undefined,
    'the replica',
  );
  let mark = performance.now();
  const { data, errors } = await gql<{ checkout: { order: { id: string } } | null }>(
    `mutation($k: String!) { checkout(input: { idempotencyKey: $k, billing: { name: "Test Buyer", country: "US" } }) { order { id } } }`,
    {
      k: randomUUID(),
    },
  );
  if (!data?.checkout) throw new Error(`checkout refused: ${JSON.stringify(errors)}`);
  const orderId = data.checkout.order.id;
  const timings = { checkout: performance.now() - mark } as Timings;

  mark = performance.now();
  const intent = await until(
    async () =>
      (
        await gql<{ createPaymentIntent: { payment: PaymentIntentAnswer } }>(
          `mutation($o: ID!) { createPaymentIntent(input: { orderId: $o }) { payment { id providerRef amount { amount currency } } } }`,
          { o: orderId },
        )
      ).data?.createPaymentIntent ?? undefined,
    'payments to know the order',
  );
  timings.intent = performance.now() - mark;

  const socket = subscriptionClient(supergraph.gateway.url, token);
  const live = subscribe<{ orderUpdated: { status: string } }>(
    socket,
    `subscription($id: ID!) { orderUpdated(orderId: $id) { status items { product { name } } } }`,
    { id: orderId },
  );
  await live.push(1);
  const event = paymentIntentEvent(
    {
      paymentIntentId: intent.payment.providerRef,
      amount: intent.payment.amount.amount,
      currency: intent.payment.amount.currency,
      // Stripe's metadata carries what payments put there: the raw uuids behind the API's global ids.
      metadata: { paymentId: uuidOf(intent.payment.id), orderId: uuidOf(orderId) },
    },
    'succeeded',
  );
  const { body, signature } = await signed(event, WEBHOOK_SECRET);
  mark = performance.now();
  const response = await fetch(new URL('/webhooks/stripe', supergraph.gateway.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
  timings.webhook = performance.now() - mark;
  await live.pushWhere((pushed) => ['PAID', 'FULFILLED'].includes(pushed.orderUpdated.status), 30_000);
  timings.push = performance.now() - mark;
  await socket.dispose();
  return timings;
}

function summary(label: string, runs: Timings[], seconds: number): string {
  const cells = PHASES.map((phase) => {
    const sorted = runs.map((run) => run[phase]).sort((a, b) => a - b);
    return `${percentile(sorted, 50).toFixed(1)} / ${percentile(sorted, 99).toFixed(1)}`;
  });
  return `| ${label} | ${runs.length} | ${(runs.length / seconds).toFixed(1)} | ${cells.join(' | ')} |`;
}

async function main() {
  const database = await ensureDatabaseServer('bench-checkout');
  const supergraph = await startTestSupergraph({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, LOG_LEVEL: 'warn' });
  const lines = [
    `| buyers in parallel | purchases | purchases/s | checkout p50 / p99 ms | intent p50 / p99 ms | webhook p50 / p99 ms | webhook → paid push p50 / p99 ms |`,
    '|---|---|---|---|---|---|---|',
  ];
  try {
    for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
    const { products } = await supergraph.client.data<{ products: { edges: { node: { id: string } }[] } }>(
      `{ products(first: 50) { edges { node { id } } } }`,
    );
    const productIds = products.edges.map((edge) => edge.node.id);
    for (const parallel of [1, BUYERS]) {
      const tokens = await Promise.all(Array.from({ length: parallel }, (_, index) => buyer(supergraph, index)));
      const perBuyer = Math.max(1, Math.floor(PURCHASES / parallel));
      const started = performance.now();
      const runs = (
        await Promise.all(
          tokens.map(async (token, index) => {
            const timings: Timings[] = [];
            for (let n = 0; n < perBuyer; n += 1)
              timings.push(await purchase(supergraph, token, productIds[(index + n) % productIds.length]));
            return timings;
          }),
        )
      ).flat();
      lines.push(summary(String(parallel), runs, (performance.now() - started) / 1000));
    }
  } finally {
    await supergraph.close();
    await database.stop();
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`checkout benchmark failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  },
);

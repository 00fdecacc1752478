import { randomUUID } from 'node:crypto';
import { DemoIds, Events, createEnvelope, queryRows } from '@marketplace/kit';
import { globalId, tokenFor, uuidOf } from '@marketplace/kit/testing';
import { paymentIntentEvent, signed } from '@marketplace/payments';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * Events in trouble, through the gateway (issue 20): a refund message that overtook its
 * payment fails in orders and vendor until they give up; the operator sees both dead letters,
 * a replay before the cause is fixed fails again (and breeds no new dead letter), the payment
 * arrives, the replay applies the refund, and every replay is in the audit trail. Then a
 * stopped relay shows in eventBacklog.
 */
const WEBHOOK_SECRET = `whsec_${randomUUID().replace(/-/g, '')}`;
const admin = tokenFor(DemoIds.users.admin, 'ADMIN');
let supergraph: TestSupergraph;
let productId: string;

beforeAll(async () => {
  supergraph = await startTestSupergraph({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, EVENTS_BACKLOG_REPORT_MS: '250' });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  const { products } = await supergraph.client.data(`{ products(first: 1) { edges { node { id } } } }`);
  productId = products.edges[0].node.id;
}, 120_000);
afterAll(async () => {
  await supergraph?.close();
});

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}
const ask = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) =>
  supergraph.client.request(query, { variables, token }) as Promise<Answer<T>>;

interface DeadLetterView {
  id: string;
  subgraph: string;
  type: string;
  handler: string;
  envelope: { payload: { orderId: string } };
  lastError: string;
  attempts: number;
  status: string;
  replays: { requestedBy: { id: string }; outcome: string | null; error: string | null }[];
}
const DEAD_LETTERS = `query($filter: DeadLetterFilter) { deadLetters(filter: $filter) { totalCount edges { node {
  id subgraph type handler envelope lastError attempts status replays { requestedBy { id } outcome error }
} } } }`;
const REPLAY = `mutation($id: ID!) { replayDeadLetter(input: { deadLetterId: $id }) { deadLetter { id status } } }`;

/** The dead letter of `subgraph` about `orderId`, once it satisfies `ready`. */
const letterOf = (subgraph: string, orderId: string, ready: (letter: DeadLetterView) => boolean, what: string) =>
  until(
    async () => {
      const answer = await ask<{ deadLetters: { edges: { node: DeadLetterView }[] } }>(
        DEAD_LETTERS,
        { filter: { subgraph, type: 'payment.refunded' } },
        admin,
      );
      const letter = answer.data?.deadLetters.edges
        .map((edge) => edge.node)
        .find((node) => node.envelope.payload.orderId === orderId);
      return letter && ready(letter) ? letter : undefined;
    },
    `${subgraph}'s dead letter ${what}`,
    30_000,
  );

async function customerOrder() {
  const { register } = await supergraph.client.data(
    `mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`,
    {
      variables: {
        i: { email: `buyer.${randomUUID()}@example.com`, password: 'a long buyer passphrase', displayName: 'B' },
      },
    },
  );
  const token: string = register.accessToken;
  await until(async () => {
    const added = await ask<{ addToCart: unknown }>(
      `mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`,
      { p: productId },
      token,
    );
    return added.data?.addToCart ?? undefined;
  }, 'the product in the orders replica');
  const { checkout } = await supergraph.client.data(
    `mutation($k: String!) { checkout(input: { idempotencyKey: $k, billing: { name: "Test Buyer", country: "US" } }) { order { id } } }`,
    { variables: { k: randomUUID() }, token },
  );
  return { token, orderId: checkout.order.id as string };
}

const orderStatus = async (token: string, orderId: string) =>
  (await supergraph.client.data(`query($id: ID!) { order(id: $id) { status } }`, { variables: { id: orderId }, token }))
    .order.status as string;

it('a refund that overtook its payment: dead-lettered, listed, replayed too early (FAILED), then applied', async () => {
  const { token, orderId } = await customerOrder();
  const intent = await until(async () => {
    const answer = await ask<{
      createPaymentIntent: {
        payment: { id: string; providerRef: string; amount: { amount: number; currency: string } };
      };
    }>(
      `mutation($o: ID!) { createPaymentIntent(input: { orderId: $o }) { payment { id providerRef amount { amount currency } } } }`,
      { o: orderId },
      token,
    );
    return answer.data?.createPaymentIntent ?? undefined;
  }, 'payments to know the order');
  const payment = {
    paymentId: uuidOf(intent.payment.id),
    orderId: uuidOf(orderId),
    amount: intent.payment.amount,
    providerRef: intent.payment.providerRef,
  };
  // payments' refund message arrives before its success message ever did.
  const refund = createEnvelope(
    Events.PaymentRefunded,
    { ...payment, reason: 'requested_by_customer' },
    {
      source: 'payments',
      correlationId: `refund-${randomUUID()}`,
      aggregateId: payment.paymentId,
    },
  );
  await supergraph.subgraphs.get('payments')!.events.transport.publish(refund);

  const dead = await letterOf('orders', payment.orderId, () => true, 'to be listed');
  expect(dead).toMatchObject({
    subgraph: 'orders',
    type: 'payment.refunded',
    handler: 'order-refunded-on-payment-refunded',
    attempts: 5,
    status: 'DEAD',
    replays: [],
  });
  expect(dead.lastError).toMatch(/arrived before payment.succeeded/);
  const ledger = await letterOf('vendor', payment.orderId, () => true, 'to be listed');
  expect(ledger.lastError).toMatch(/arrived before its order.paid/);

  // Replayed before the cause is fixed: FAILED, DEAD again, and no second dead letter.
  expect((await ask(REPLAY, { id: dead.id }, admin)).data).toEqual({
    replayDeadLetter: { deadLetter: { id: dead.id, status: 'REPLAY_REQUESTED' } },
  });
  // The page's statuses and their replays are two reads: wait for an answer where both show the outcome.
  const failed = await letterOf(
    'orders',
    payment.orderId,
    (l) => l.replays[0]?.outcome === 'FAILED' && l.status === 'DEAD',
    'to fail again',
  );
  expect(failed.status).toBe('DEAD');
  expect(failed.replays[0].error).toMatch(/arrived before payment.succeeded/);
  const orders = supergraph.subgraphs.get('orders')!.deps.db;
  const rows = await queryRows<{ n: number }>(
    orders,
    `SELECT count(*)::int AS n FROM dead_letters WHERE routing_key = 'payment.refunded'`,
  );
  expect(rows[0].n).toBe(1);

  // The cause is fixed: Stripe's success arrives and the order is paid.
  const success = paymentIntentEvent(
    {
      paymentIntentId: payment.providerRef,
      amount: payment.amount.amount,
      currency: payment.amount.currency,
      metadata: { paymentId: payment.paymentId, orderId: payment.orderId },
    },
    'succeeded',
  );
  const { body, signature } = await signed(success, WEBHOOK_SECRET);
  const webhook = await fetch(new URL('/webhooks/stripe', supergraph.gateway.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });
  expect(webhook.status).toBe(200);
  await until(
    async () => (['PAID', 'FULFILLED'].includes(await orderStatus(token, orderId)) ? true : undefined),
    'paid',
  );
  await until(
    async () =>
      (
        await queryRows(
          supergraph.subgraphs.get('vendor')!.deps.db,
          `SELECT 1 FROM ledger_orders WHERE order_id = $1`,
          [payment.orderId],
        )
      ).length > 0 || undefined,
    "the vendor's ledger credit",
  );

  for (const letter of [dead, ledger]) expect((await ask(REPLAY, { id: letter.id }, admin)).errors).toBeUndefined();
  const applied = await letterOf('orders', payment.orderId, (l) => l.status === 'REPLAYED', 'to be REPLAYED');
  expect(applied.replays.map((replay) => [replay.outcome, replay.requestedBy.id])).toEqual([
    ['FAILED', globalId('User', DemoIds.users.admin)],
    ['APPLIED', globalId('User', DemoIds.users.admin)],
  ]);
  expect(await orderStatus(token, orderId)).toBe('REFUNDED');
  await letterOf('vendor', payment.orderId, (l) => l.status === 'REPLAYED', 'to be REPLAYED');
  const debits = await queryRows(
    supergraph.subgraphs.get('vendor')!.deps.db,
    `SELECT 1 FROM ledger_entries WHERE order_id = $1 AND kind = 'REFUND'`,
    [payment.orderId],
  );
  expect(debits.length).toBeGreaterThan(0);

  // Settled: a further replay is refused, and every replay is in the audit trail.
  expect((await ask(REPLAY, { id: dead.id }, admin)).errors?.[0].extensions).toMatchObject({
    code: 'CONFLICT',
    reason: 'INVALID_STATUS',
  });
  const trail = await until(async () => {
    const answer = await ask<{
      auditLog: { edges: { node: { action: string; actor: { user: { id: string } }; targetType: string } }[] };
    }>(
      `query($f: AuditLogFilter) { auditLog(filter: $f) { edges { node { action actor { user { id } } targetType } } } }`,
      { f: { action: 'DEAD_LETTER_REPLAYED', targetId: uuidOf(dead.id) } },
      admin,
    );
    return answer.data?.auditLog.edges.length === 2 ? answer.data.auditLog.edges : undefined;
  }, 'two audit records of the replays');
  expect(trail.map((edge) => edge.node)).toEqual([
    {
      action: 'DEAD_LETTER_REPLAYED',
      actor: { user: { id: globalId('User', DemoIds.users.admin) } },
      targetType: 'DeadLetter',
    },
    {
      action: 'DEAD_LETTER_REPLAYED',
      actor: { user: { id: globalId('User', DemoIds.users.admin) } },
      targetType: 'DeadLetter',
    },
  ]);
}, 120_000);

interface BacklogView {
  subgraph: string;
  unsentEventCount: number | null;
  oldestUnsentAgeSeconds: number | null;
  stale: boolean;
}
const backlog = async () =>
  (
    await ask<{ eventBacklog: BacklogView[] }>(
      `{ eventBacklog { subgraph unsentEventCount oldestUnsentAgeSeconds stale } }`,
      {},
      admin,
    )
  ).data!.eventBacklog;

it("eventBacklog: every subgraph reporting; a stopped relay's backlog grows and ages, then drains", async () => {
  const everyone = await until(async () => {
    const entries = await backlog();
    return entries.every((entry) => !entry.stale) ? entries : undefined;
  }, 'every subgraph to report');
  expect(everyone.map((entry) => entry.subgraph)).toEqual([
    'users',
    'vendor',
    'catalog',
    'orders',
    'payments',
    'licensing',
    'operator',
    'notifications',
    'billing',
  ]);
  const relay = supergraph.subgraphs.get('orders')!.events.relay;
  await relay.stop();
  try {
    await customerOrder();
    await customerOrder();
    const stuck = await until(async () => {
      const orders = (await backlog()).find((entry) => entry.subgraph === 'orders')!;
      return (orders.unsentEventCount ?? 0) >= 2 ? orders : undefined;
    }, 'the orders backlog to show');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const later = (await backlog()).find((entry) => entry.subgraph === 'orders')!;
    expect(later.stale).toBe(false);
    expect(later.unsentEventCount).toBeGreaterThanOrEqual(stuck.unsentEventCount!);
    expect(later.oldestUnsentAgeSeconds!).toBeGreaterThan(stuck.oldestUnsentAgeSeconds! + 0.5);
  } finally {
    relay.start();
  }
  await until(async () => {
    const orders = (await backlog()).find((entry) => entry.subgraph === 'orders')!;
    return orders.unsentEventCount === 0 ? true : undefined;
  }, 'the orders backlog to drain');
}, 60_000);

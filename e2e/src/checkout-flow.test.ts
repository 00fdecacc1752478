import { randomUUID } from 'node:crypto';
import { RunningSubgraph, queryRows, startSubgraph } from '@marketplace/kit';
import { subscribe, subscriptionClient, uuidOf } from '@marketplace/kit/testing';
import { StripeEventShape, paymentIntentEvent, paymentsSubgraph, signed } from '@marketplace/payments';
import type { Client } from 'graphql-ws';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * Issue 5's proofs, through the gateway only (real Postgres; RabbitMQ and Redis when
 * configured): cart → checkout → payment intent → Stripe-signed webhook on the gateway's
 * REST edge → PAID pushed over graphql-ws with fields from three subgraphs.
 */
const WEBHOOK_SECRET = `whsec_${randomUUID().replace(/-/g, '')}`;

interface Session {
  id: string;
  token: string;
}

interface OrderPush {
  orderUpdated: {
    id: string;
    status: string;
    items: { product: { name: string; vendor: { displayName: string } } }[];
    payments: { status: string }[];
  };
}

const ORDER_UPDATED = `subscription($id: ID!) { orderUpdated(orderId: $id) { id status items { product { name vendor { displayName } } } payments { status } } }`;

let supergraph: TestSupergraph;
let productIds: string[];
const sockets: Client[] = [];

beforeAll(async () => {
  supergraph = await startTestSupergraph({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  const { products } = await supergraph.client.data(`{ products(first: 3) { edges { node { id } } } }`);
  productIds = products.edges.map((edge: { node: { id: string } }) => edge.node.id);
}, 60_000);
afterAll(async () => {
  await Promise.all(sockets.map(async (socket) => socket.dispose()));
  await supergraph?.close();
});

const gql = () => supergraph.client;
const webhookUrl = () => new URL('/webhooks/stripe', supergraph.gateway.url).href;
const database = () => supergraph.subgraphs.get('payments')!.deps.db;

async function customer(): Promise<Session> {
  const { register } = await gql().data(
    `mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`,
    {
      variables: {
        i: { email: `buyer.${randomUUID()}@example.com`, password: 'a long buyer passphrase', displayName: 'Buyer' },
      },
    },
  );
  return { id: register.user.id, token: register.accessToken };
}

/** Fills the cart; the orders replica learns the seeded products from catalog events, so wait for it. */
async function cartWith(session: Session, ids = productIds.slice(0, 2)): Promise<void> {
  for (const productId of ids) {
    await until(async () => {
      const result = await gql().request(
        `mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`,
        {
          variables: { p: productId },
          token: session.token,
        },
      );
      return result.data?.addToCart ?? undefined;
    }, `product ${productId} in the orders replica`);
  }
}

async function checkout(
  session: Session,
  key = randomUUID(),
): Promise<{ id: string; status: string; total: { amount: number; currency: string } }> {
  const { checkout } = await gql().data(
    `mutation($k: String!) { checkout(input: { idempotencyKey: $k, billing: { name: "Test Buyer", country: "US" } }) { order { id status total { amount currency } } cart { itemCount } } }`,
    {
      variables: { k: key },
      token: session.token,
    },
  );
  // The payload carries the emptied cart, so a client's cache needs no refetch.
  expect(checkout.cart).toEqual({ itemCount: 0 });
  return checkout.order;
}

/** The intent, once payments has heard of the order (order.created travels through the backbone). */
async function paymentIntent(session: Session, orderId: string) {
  return until(async () => {
    const result = await gql().request(
      `mutation($o: ID!) { createPaymentIntent(input: { orderId: $o }) { clientSecret payment { id providerRef amount { amount currency } } } }`,
      {
        variables: { o: orderId },
        token: session.token,
      },
    );
    if (result.errors?.[0]?.extensions?.code === 'NOT_FOUND') return undefined;
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data.createPaymentIntent as {
      clientSecret: string;
      payment: { id: string; providerRef: string; amount: { amount: number; currency: string } };
    };
  }, 'payments to know the order');
}

function stripeEvent(
  orderId: string,
  intent: Awaited<ReturnType<typeof paymentIntent>>,
  outcome: 'succeeded' | 'failed',
): StripeEventShape {
  return paymentIntentEvent(
    {
      paymentIntentId: intent.payment.providerRef,
      amount: intent.payment.amount.amount,
      currency: intent.payment.amount.currency,
      // Stripe's metadata carries our raw uuids (payments put them there), not the API's global ids.
      metadata: { paymentId: uuidOf(intent.payment.id), orderId: uuidOf(orderId) },
    },
    outcome,
  );
}

/** POSTs like Stripe: to the gateway's REST edge, signed with the webhook secret (or `signature` when given). */
async function postWebhook(
  event: StripeEventShape,
  options: { timestamp?: number; secret?: string } = {},
): Promise<number> {
  const { body, signature } = await signed(event, options.secret ?? WEBHOOK_SECRET, options.timestamp);
  const response = await fetch(webhookUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

async function orderOf(session: Session, orderId: string) {
  const { order } = await gql().data(
    `query($id: ID!) { order(id: $id) { status statusHistory { from to } payments { status } } }`,
    { variables: { id: orderId }, token: session.token },
  );
  return order as {
    status: string;
    statusHistory: { from: string | null; to: string }[];
    payments: { status: string }[];
  };
}

/** Paid: PAID, or already FULFILLED when licensing was quicker than the poll. */
const PAID = ['PAID', 'FULFILLED'];
const reachesPaid = (session: Session, orderId: string) =>
  until(
    async () => (PAID.includes((await orderOf(session, orderId)).status) ? true : undefined),
    `order ${orderId} paid`,
  );

function live(session: Session, orderId: string) {
  const socket = subscriptionClient(supergraph.gateway.url, session.token);
  sockets.push(socket);
  return subscribe<OrderPush>(socket, ORDER_UPDATED, { id: orderId });
}

async function outboxCount(type: string, orderId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database(),
    `SELECT count(*)::int AS n FROM outbox WHERE type = $1 AND envelope->'payload'->>'orderId' = $2`,
    [type, uuidOf(orderId)],
  );
  return row.n;
}

it('cart → checkout → intent → signed webhook → PAID pushed to the subscribed client with product names', async () => {
  const buyer = await customer();
  await cartWith(buyer);
  const order = await checkout(buyer);
  expect(order.status).toBe('PENDING_PAYMENT');

  const updates = live(buyer, order.id);
  const first = (await updates.push(1)).data!.orderUpdated;
  expect(first.status).toBe('PENDING_PAYMENT');
  expect(first.items.map((item) => item.product.name).every((name) => name.length > 0)).toBe(true);
  expect(first.items[0].product.vendor.displayName).toEqual(expect.any(String));

  const intent = await paymentIntent(buyer, order.id);
  expect(intent.clientSecret).toMatch(/_secret_/);
  expect(intent.payment.amount).toEqual(order.total);

  expect(await postWebhook(stripeEvent(order.id, intent, 'succeeded'))).toBe(200);
  // Pushes carry the state at push time: PAID may already be FULFILLED (licensing is quick).
  const paid = (await updates.pushWhere((data) => PAID.includes(data.orderUpdated.status))).data!.orderUpdated;
  expect(paid.items.map((item) => item.product.name)).toEqual(first.items.map((item) => item.product.name));
  expect(paid.payments).toEqual([{ status: 'SUCCEEDED' }]);
});

it('the same webhook five times, in reverse order with a late failure → one payment, one transition', async () => {
  const buyer = await customer();
  await cartWith(buyer, productIds.slice(0, 1));
  const order = await checkout(buyer);
  const intent = await paymentIntent(buyer, order.id);
  const failed = stripeEvent(order.id, intent, 'failed');
  const succeeded = stripeEvent(order.id, intent, 'succeeded');
  succeeded.created = failed.created + 5;

  // Each event's five copies race one another; the stale failure comes after the success.
  const deliver = (event: StripeEventShape) => Promise.all(Array.from({ length: 5 }, () => postWebhook(event)));
  expect(await deliver(succeeded)).toEqual([200, 200, 200, 200, 200]);
  expect(await deliver(failed)).toEqual([200, 200, 200, 200, 200]);

  await reachesPaid(buyer, order.id);
  await new Promise((resolve) => setTimeout(resolve, 300)); // room for a wrong late transition to show up
  const final = await orderOf(buyer, order.id);
  // One PAID, no PAYMENT_FAILED (licensing then fulfils the order).
  expect(final.statusHistory.map((change) => change.to).filter((status) => status !== 'FULFILLED')).toEqual([
    'PENDING_PAYMENT',
    'PAID',
  ]);
  expect(final.payments).toEqual([{ status: 'SUCCEEDED' }]);
  expect(await outboxCount('payment.succeeded', order.id)).toBe(1);
  expect(await outboxCount('payment.failed', order.id)).toBe(0);
  const [payments] = await queryRows<{ n: number }>(
    database(),
    `SELECT count(*)::int AS n FROM payments WHERE order_id = $1`,
    [uuidOf(order.id)],
  );
  expect(payments.n).toBe(1);
});

it('a forged or stale signature gets 400 and changes nothing', async () => {
  const buyer = await customer();
  await cartWith(buyer, productIds.slice(0, 1));
  const order = await checkout(buyer);
  const intent = await paymentIntent(buyer, order.id);
  const event = stripeEvent(order.id, intent, 'succeeded');
  expect(await postWebhook(event, { secret: 'whsec_forged' })).toBe(400);
  expect(await postWebhook(event, { timestamp: Math.floor(Date.now() / 1000) - 3_600 })).toBe(400);
  const unsigned = await fetch(webhookUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  expect(unsigned.status).toBe(400);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect((await orderOf(buyer, order.id)).status).toBe('PENDING_PAYMENT');
  expect(await outboxCount('payment.succeeded', order.id)).toBe(0);
  // The genuine event, delivered afterwards, is still applied.
  expect(await postWebhook(event)).toBe(200);
  await reachesPaid(buyer, order.id);
});

it('a customer cannot pay, read or follow another customer’s order', async () => {
  const owner = await customer();
  const other = await customer();
  await cartWith(owner, productIds.slice(0, 1));
  const order = await checkout(owner);
  await paymentIntent(owner, order.id);
  const variables = { variables: { o: order.id }, token: other.token };
  expect(
    await gql().errorCode(
      `mutation($o: ID!) { createPaymentIntent(input: { orderId: $o }) { clientSecret } }`,
      variables,
    ),
  ).toBe('NOT_FOUND');
  // A lookup of someone else's order answers null without an error, exactly as for an unknown one.
  const hidden = await gql().request(`query($o: ID!) { order(id: $o) { id } }`, variables);
  expect({ data: hidden.data, errors: hidden.errors }).toEqual({ data: { order: null }, errors: undefined });
  expect(
    await gql().errorCode(`mutation($o: ID!) { cancelOrder(input: { orderId: $o }) { order { id } } }`, variables),
  ).toBe('NOT_FOUND');
  const spying = live(other, order.id);
  await spying.ended;
  expect(spying.pushes.map((result) => result.errors?.[0]?.extensions?.code)).toEqual(['NOT_FOUND']);
  expect(spying.pushes[0].data ?? null).toBeNull();
});

it('an id of another type is BAD_USER_INPUT, not NOT_FOUND: a product id as orderId, an order id as productId', async () => {
  const buyer = await customer();
  await cartWith(buyer, productIds.slice(0, 1));
  const order = await checkout(buyer);
  const asOrder = await gql().request(
    `mutation($o: ID!) { createPaymentIntent(input: { orderId: $o }) { clientSecret } }`,
    { variables: { o: productIds[0] }, token: buyer.token },
  );
  expect(asOrder.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(asOrder.data?.createPaymentIntent ?? null).toBeNull();
  const asProduct = await gql().request(
    `mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`,
    { variables: { p: order.id }, token: buyer.token },
  );
  expect(asProduct.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(asProduct.data?.addToCart ?? null).toBeNull();
});

it('checkout twice with one key → one order; two concurrent checkouts of one cart → one order', async () => {
  const buyer = await customer();
  await cartWith(buyer, productIds.slice(0, 1));
  const key = randomUUID();
  const [a, b] = await Promise.all([checkout(buyer, key), checkout(buyer, key)]);
  expect(a.id).toBe(b.id);
  expect((await checkout(buyer, key)).id).toBe(a.id);

  await cartWith(buyer, productIds.slice(1, 2));
  const attempts = await Promise.all(
    [randomUUID(), randomUUID()].map((k) =>
      gql().request(
        `mutation($k: String!) { checkout(input: { idempotencyKey: $k, billing: { name: "Test Buyer", country: "US" } }) { order { id } } }`,
        {
          variables: { k },
          token: buyer.token,
        },
      ),
    ),
  );
  expect(attempts.filter((result) => result.data?.checkout).length).toBe(1);
  expect(attempts.find((result) => result.errors)?.errors?.[0]?.extensions).toEqual({
    code: 'CONFLICT',
    reason: 'CART_EMPTY',
  });
  const { me } = await gql().data(`{ me { orders(first: 10) { totalCount } } }`, { token: buyer.token });
  expect(me.orders.totalCount).toBe(2);
});

it('payments down when the webhook arrives → Stripe’s retry later succeeds and the order reaches PAID', async () => {
  const buyer = await customer();
  await cartWith(buyer, productIds.slice(0, 1));
  const order = await checkout(buyer);
  const intent = await paymentIntent(buyer, order.id);
  const event = stripeEvent(order.id, intent, 'succeeded');

  const payments = supergraph.subgraphs.get('payments')!;
  const { port, deps } = payments;
  await payments.close();
  const whileDown = await postWebhook(event);
  expect(whileDown).toBeGreaterThanOrEqual(500);

  const restarted: RunningSubgraph = await startSubgraph(paymentsSubgraph, {
    env: deps.env,
    port,
    databaseUrl: supergraph.database.url,
    logDestination: supergraph.logs,
  });
  supergraph.subgraphs.set('payments', restarted);
  expect(await postWebhook(event)).toBe(200); // Stripe retries the same event
  await reachesPaid(buyer, order.id);
  expect(await outboxCount('payment.succeeded', order.id)).toBe(1);
});

import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Role, queryRows } from '@marketplace/kit';
import type { TestSubgraph } from '@marketplace/kit/testing';
import { chargeRefundedEvent } from '../webhook/stripe-event';
import { person } from '@marketplace/kit/testing';
import {
  PaymentChange,
  REFUND,
  REFUND_LINES,
  RefundChange,
  SIMULATE,
  globalId,
  orderWithLines,
  outboxOf,
  createIntent,
  eventTypes,
  intentEvent,
  metadataOf,
  orderPlaced,
  postEvent,
  startPayments,
  stored,
  uuidOf,
} from '../testing';

/** StripeProvider through the real `stripe` SDK, against a tiny server speaking enough of Stripe's API. */
interface Recorded {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  form: Record<string, string>;
}

const requests: Recorded[] = [];
let server: Server;
let payments: TestSubgraph;
const WEBHOOK_SECRET = 'whsec_test_stripe_mode_secret';
/** A refund of this amount is refused by the mock Stripe. */
const REFUSED_AMOUNT = 777;

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(body));
  });

beforeAll(async () => {
  // `answer` only awaits the request body, which never fails: nothing is left to handle.
  server = createServer((req, res) => void answer(req, res));
  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = Object.fromEntries(new URLSearchParams(await read(req)));
    requests.push({
      method: req.method!,
      path: req.url!,
      idempotencyKey: req.headers['idempotency-key'] as string,
      authorization: req.headers.authorization,
      form,
    });
    const n = requests.length;
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST' && req.url === '/v1/payment_intents') {
      const id = `pi_mock_${n}`;
      res.end(
        JSON.stringify({
          id,
          object: 'payment_intent',
          amount: Number(form.amount),
          currency: form.currency,
          status: 'requires_payment_method',
          client_secret: `${id}_secret_mock${n}`,
          metadata: { paymentId: form['metadata[paymentId]'], orderId: form['metadata[orderId]'] },
        }),
      );
    } else if (req.method === 'POST' && req.url === '/v1/refunds' && form.amount === String(REFUSED_AMOUNT)) {
      res.statusCode = 400;
      res.end(
        JSON.stringify({
          error: { type: 'invalid_request_error', code: 'charge_disputed', message: 'Refused by the mock' },
        }),
      );
    } else if (req.method === 'POST' && req.url === '/v1/refunds') {
      res.end(
        JSON.stringify({
          id: `re_mock_${n}`,
          object: 'refund',
          status: 'pending',
          payment_intent: form.payment_intent,
        }),
      );
    } else {
      res.statusCode = 404;
      res.end(
        JSON.stringify({
          error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.url})` },
        }),
      );
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  payments = await startPayments({
    STRIPE_SECRET_KEY: 'sk_test_mock_key',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_BASE: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  });
});
afterAll(async () => {
  await payments.close();
  await new Promise((resolve) => server.close(resolve));
});

it('createPaymentIntent asks Stripe once, with the amount, currency, metadata and idempotency key, and returns its client secret', async () => {
  const owner = person();
  const order = await orderPlaced(payments, owner, { amount: 1999, currency: 'EUR' });
  const before = requests.length;
  const { payment, clientSecret } = await createIntent(payments, order, owner);
  const sent = requests.slice(before);
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({
    method: 'POST',
    path: '/v1/payment_intents',
    idempotencyKey: `payment-intent:${order.orderId}:1999EUR`,
    authorization: 'Bearer sk_test_mock_key',
    form: {
      amount: '1999',
      currency: 'eur',
      'metadata[paymentId]': uuidOf(payment.id),
      'metadata[orderId]': order.orderId,
      'automatic_payment_methods[enabled]': 'true',
    },
  });
  expect(payment).toMatchObject({
    provider: 'STRIPE',
    providerRef: `pi_mock_${before + 1}`,
    status: 'REQUIRES_PAYMENT',
  });
  expect(clientSecret).toBe(`pi_mock_${before + 1}_secret_mock${before + 1}`);
  // Asking again reuses the stored intent: Stripe is not called a second time.
  expect(await createIntent(payments, order, owner)).toEqual({
    payment: expect.objectContaining({ id: payment.id }),
    clientSecret,
    order: { id: order.id },
  });
  expect(requests).toHaveLength(before + 1);
});

it('refundOrder asks Stripe for a refund of the amount, keyed by the refund; the charge.refunded webhook makes it REFUNDED', async () => {
  const owner = person();
  const order = await orderPlaced(payments, owner);
  const { payment } = await createIntent(payments, order, owner);
  expect((await postEvent(payments, intentEvent(payment, 'succeeded'), { secret: WEBHOOK_SECRET })).status).toBe(200);
  const before = requests.length;
  const result = await payments.client.data<{ refundOrder: PaymentChange }>(REFUND, {
    variables: { input: { orderId: order.id, reason: 'Duplicate purchase' } },
    token: person(Role.ADMIN).token,
  });
  // Stripe has not confirmed yet: the payment stays SUCCEEDED until the webhook says so.
  expect(result.refundOrder).toEqual({
    payment: expect.objectContaining({ id: payment.id, status: 'SUCCEEDED' }),
    order: { id: order.id },
  });
  const [refundRow] = await queryRows<{ id: string }>(
    payments.subgraph.deps.db,
    `SELECT id FROM refunds WHERE payment_id = $1`,
    [uuidOf(payment.id)],
  );
  expect(requests.slice(before)).toEqual([
    expect.objectContaining({
      path: '/v1/refunds',
      idempotencyKey: `refund:${refundRow.id}`,
      form: expect.objectContaining({
        payment_intent: payment.providerRef,
        amount: '2500',
        'metadata[paymentId]': uuidOf(payment.id),
        'metadata[refundId]': refundRow.id,
        'metadata[reason]': 'Duplicate purchase',
      }),
    }),
  ]);
  const refunded = chargeRefundedEvent({
    paymentIntentId: payment.providerRef!,
    amount: 2500,
    currency: 'USD',
    metadata: metadataOf(payment),
    chargeId: 'ch_mock_1',
  });
  expect((await postEvent(payments, refunded, { secret: WEBHOOK_SECRET })).status).toBe(200);
  expect(await stored(payments, payment.id)).toMatchObject({ status: 'REFUNDED', refundReason: 'Duplicate purchase' });
  expect(await eventTypes(payments, payment.id)).toEqual(['payment.succeeded', 'payment.refunded']);
});

it("refundOrder of one line asks Stripe for that line's total; the refund stays REQUESTED (its line reserved) until charge.refunded confirms it, even where the amount would fit another line", async () => {
  const owner = person();
  const order = await orderWithLines(payments, owner, [1_000, 1_000, 3_000]);
  const { payment } = await createIntent(payments, order, owner);
  expect((await postEvent(payments, intentEvent(payment, 'succeeded'), { secret: WEBHOOK_SECRET })).status).toBe(200);
  const before = requests.length;
  const productId = globalId('Product', order.items[1].productId);
  const result = await payments.client.data<{ refundOrder: RefundChange }>(REFUND_LINES, {
    variables: { input: { orderId: order.id, productIds: [productId], reason: 'Second seat not needed' } },
    token: person(Role.ADMIN).token,
  });
  expect(result.refundOrder).toMatchObject({
    payment: { status: 'SUCCEEDED', refunded: { amount: 0, currency: 'USD' } },
    refund: { status: 'REQUESTED', amount: { amount: 1_000 }, products: [{ id: productId }], succeededAt: null },
  });
  const refundId = uuidOf(result.refundOrder.refund.id);
  expect(requests.slice(before)).toEqual([
    expect.objectContaining({
      path: '/v1/refunds',
      idempotencyKey: `refund:${refundId}`,
      form: expect.objectContaining({ amount: '1000', 'metadata[refundId]': refundId }),
    }),
  ]);
  // While it awaits Stripe, the line is taken: a second refund of it is refused.
  const again = await payments.client.request(REFUND_LINES, {
    variables: { input: { orderId: order.id, productIds: [productId], reason: 'again' } },
    token: person(Role.ADMIN).token,
  });
  expect(again.errors?.[0].extensions).toMatchObject({
    code: 'CONFLICT',
    reason: 'LINE_ALREADY_REFUNDED',
    fields: [{ field: 'input.productIds.0', message: expect.stringMatching(/being refunded/) }],
  });
  const confirmed = chargeRefundedEvent({
    paymentIntentId: payment.providerRef!,
    amount: 5_000,
    amountRefunded: 1_000,
    currency: 'USD',
    metadata: metadataOf(payment),
    chargeId: 'ch_mock_lines',
  });
  expect((await postEvent(payments, confirmed, { secret: WEBHOOK_SECRET })).body.outcome).toBe('applied');
  const envelopes = await outboxOf(payments, uuidOf(payment.id));
  expect(envelopes.map((e) => e.type)).toEqual(['payment.succeeded', 'payment.partially_refunded']);
  expect(envelopes[1].payload).toMatchObject({
    refundId,
    reason: 'Second seat not needed',
    refunded: { amount: 1_000, currency: 'USD' },
    lines: [{ productId: order.items[1].productId, amount: { amount: 1_000, currency: 'USD' } }],
  });
  expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED' });
});

it('a refund Stripe refuses is withdrawn: an error, no refund kept, the line free to be refunded again', async () => {
  const owner = person();
  const order = await orderWithLines(payments, owner, [REFUSED_AMOUNT, 1_000]);
  const { payment } = await createIntent(payments, order, owner);
  expect((await postEvent(payments, intentEvent(payment, 'succeeded'), { secret: WEBHOOK_SECRET })).status).toBe(200);
  const productId = globalId('Product', order.items[0].productId);
  const ask = () =>
    payments.client.request(REFUND_LINES, {
      variables: { input: { orderId: order.id, productIds: [productId], reason: 'Refused' } },
      token: person(Role.ADMIN).token,
    });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const result = await ask();
    expect(result.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(
      await queryRows(payments.subgraph.deps.db, `SELECT id FROM refunds WHERE payment_id = $1`, [uuidOf(payment.id)]),
    ).toEqual([]);
  }
  expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED' });
});

it('with a real Stripe key configured, simulatePayment does not exist (the production schema) and nothing is sent', async () => {
  const owner = person();
  const order = await orderPlaced(payments, owner);
  const { payment } = await createIntent(payments, order, owner);
  const result = await payments.client.request(SIMULATE, {
    variables: { input: { orderId: order.id, outcome: 'SUCCEEDED' } },
    token: owner.token,
  });
  expect(result.errors?.[0]).toMatchObject({
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    message: expect.stringMatching(/SimulatePaymentInput|simulatePayment/),
  });
  expect(await stored(payments, payment.id)).toMatchObject({ status: 'REQUIRES_PAYMENT' });
});

it('verifies webhooks with STRIPE_WEBHOOK_SECRET: the generated development secret is refused', async () => {
  const owner = person();
  const order = await orderPlaced(payments, owner);
  const { payment } = await createIntent(payments, order, owner);
  expect(
    (await postEvent(payments, intentEvent(payment, 'succeeded'), { secret: 'whsec_some_other_secret' })).status,
  ).toBe(400);
  expect(await stored(payments, payment.id)).toMatchObject({ status: 'REQUIRES_PAYMENT' });
});

import { randomUUID } from 'node:crypto';
import { Role } from '@marketplace/kit';
import type { TestSubgraph } from '@marketplace/kit/testing';
import { person, startTestSubgraph } from '@marketplace/kit/testing';
import { paymentsSubgraph } from '../index';
import {
  PaymentChange,
  SIMULATE,
  eventTypes,
  globalId,
  orderPlaced,
  pendingPayment,
  startPayments,
  stored,
  uuidOf,
} from '../testing';
import { NO_INTENT_YET } from './payment.errors';

/** simulatePayment: the signed Stripe event, through the real webhook endpoint, when explicitly enabled. */
let payments: TestSubgraph;
beforeAll(async () => {
  payments = await startPayments({ PAYMENT_SIMULATION_ENABLED: 'true' });
});
afterAll(() => payments.close());

const simulate = (orderId: string, outcome: 'SUCCEEDED' | 'FAILED', token?: string, target = payments) =>
  target.client.request<{ simulatePayment: PaymentChange | null }>(SIMULATE, {
    variables: { input: { orderId, outcome } },
    token,
  });

it('the owner pays: SUCCEEDED and payment.succeeded, through the webhook; the payload names the order', async () => {
  const { owner, order, payment } = await pendingPayment(payments);
  const result = await simulate(order.id, 'SUCCEEDED', owner.token);
  expect(result.data?.simulatePayment).toEqual({
    payment: expect.objectContaining({ id: payment.id, status: 'SUCCEEDED', failureReason: null, provider: 'LOCAL' }),
    order: { id: order.id },
  });
  expect(await eventTypes(payments, payment.id)).toEqual(['payment.succeeded']);
  expect(
    payments.logs
      .records()
      .some(
        (r) => r.route === 'stripe-webhook' && r.paymentId === uuidOf(payment.id) && r.msg === 'stripe event handled',
      ),
  ).toBe(true);
});

it("the owner's card is declined: FAILED with the reason; a retry then succeeds", async () => {
  const { owner, order, payment } = await pendingPayment(payments);
  expect((await simulate(order.id, 'FAILED', owner.token)).data?.simulatePayment?.payment).toMatchObject({
    status: 'FAILED',
    failureReason: 'Your card was declined. (simulated)',
  });
  expect((await simulate(order.id, 'SUCCEEDED', owner.token)).data?.simulatePayment?.payment.status).toBe('SUCCEEDED');
  expect(await eventTypes(payments, payment.id)).toEqual(['payment.failed', 'payment.succeeded']);
});

it('an admin may simulate for any order', async () => {
  const { order } = await pendingPayment(payments);
  expect((await simulate(order.id, 'SUCCEEDED', person(Role.ADMIN).token)).data?.simulatePayment?.payment.status).toBe(
    'SUCCEEDED',
  );
});

it('another customer is told the order does not exist, a signed-out visitor UNAUTHENTICATED; nothing changes', async () => {
  const { order, payment } = await pendingPayment(payments);
  const stranger = person();
  const hidden = await simulate(order.id, 'SUCCEEDED', stranger.token);
  expect(hidden.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  expect(hidden.errors).toEqual((await simulate(globalId('Order', randomUUID()), 'SUCCEEDED', stranger.token)).errors);
  expect((await simulate(order.id, 'SUCCEEDED')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  expect(await eventTypes(payments, payment.id)).toEqual([]);
});

it('needs an intent (NOT_FOUND), a known order (NOT_FOUND), an Order id (BAD_USER_INPUT) and an unpaid order (CONFLICT)', async () => {
  const owner = person();
  const order = await orderPlaced(payments, owner);
  const noIntent = await simulate(order.id, 'SUCCEEDED', owner.token);
  expect(noIntent.errors?.[0]).toMatchObject({ message: NO_INTENT_YET, extensions: { code: 'NOT_FOUND' } });
  expect(
    (await simulate(globalId('Order', '00000000-0000-4000-8000-000000000002'), 'SUCCEEDED', owner.token)).errors?.[0]
      .extensions?.code,
  ).toBe('NOT_FOUND');
  expect((await simulate('nope', 'SUCCEEDED', owner.token)).errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    fields: [{ field: 'input.orderId', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' }],
  });
  for (const id of [order.orderId, globalId('Product', order.orderId)])
    expect((await simulate(id, 'SUCCEEDED', owner.token)).errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [
        {
          field: 'input.orderId',
          message: expect.stringMatching(/^must be (a global id|an id of type Order, not Product)/),
        },
      ],
    });
  const paid = await pendingPayment(payments);
  await simulate(paid.order.id, 'SUCCEEDED', paid.owner.token);
  expect((await simulate(paid.order.id, 'FAILED', paid.owner.token)).errors?.[0].extensions).toEqual({
    code: 'CONFLICT',
    reason: 'ALREADY_PAID',
  });
});

describe('without PAYMENT_SIMULATION_ENABLED (the default, in development too): the production schema', () => {
  let unset: TestSubgraph;
  beforeAll(async () => {
    unset = await startTestSubgraph(paymentsSubgraph, { NODE_ENV: 'development' });
  });
  afterAll(() => unset.close());

  /** An order with its intent, asking only for what the production schema has for a local payment. */
  async function pendingOrder() {
    const owner = person();
    const order = await orderPlaced(unset, owner);
    const { createPaymentIntent } = await unset.client.data<{ createPaymentIntent: { payment: { id: string } } }>(
      `mutation($input: CreatePaymentIntentInput!) { createPaymentIntent(input: $input) { payment { id status } } }`,
      { variables: { input: { orderId: order.id } }, token: owner.token },
    );
    return { owner, order, payment: createPaymentIntent.payment };
  }

  it.each([
    ['the owner', 'owner'],
    ['an admin', Role.ADMIN],
  ] as const)('simulatePayment does not exist for %s: a validation error, and nothing is sent', async (_who, role) => {
    const { owner, order, payment } = await pendingOrder();
    const token = role === 'owner' ? owner.token : person(role).token;
    const result = await simulate(order.id, 'SUCCEEDED', token, unset);
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const inline = await unset.client.request(
      `mutation($id: ID!) { simulatePayment(input: { orderId: $id, outcome: SUCCEEDED }) { payment { id } } }`,
      { variables: { id: order.id }, token },
    );
    expect(inline.errors?.[0]).toMatchObject({
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      message: expect.stringMatching(/Cannot query field "simulatePayment" on type "Mutation"/),
    });
    expect(await eventTypes(unset, payment.id)).toEqual([]);
    expect(await stored(unset, payment.id)).toMatchObject({ status: 'REQUIRES_PAYMENT' });
  });

  it('has no SimulatedOutcome, SimulatePaymentInput or PaymentProvider.LOCAL either', async () => {
    const data = await unset.client.data<Record<string, { enumValues?: { name: string }[] } | null>>(
      `{ outcome: __type(name: "SimulatedOutcome") { name } input: __type(name: "SimulatePaymentInput") { name }
         payload: __type(name: "SimulatePaymentPayload") { name } provider: __type(name: "PaymentProvider") { enumValues { name } } }`,
    );
    expect(data).toEqual({ outcome: null, input: null, payload: null, provider: { enumValues: [{ name: 'STRIPE' }] } });
  });
});

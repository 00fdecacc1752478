import { randomUUID } from 'node:crypto';
import { Role } from '@marketplace/kit';
import type { TestSubgraph } from '@marketplace/kit/testing';
import { person } from '@marketplace/kit/testing';
import { PaymentView, SIMULATE, eventTypes, orderPlaced, pendingPayment, startPayments, stored } from '../testing';
import { NO_INTENT_YET } from './simulation.service';

/** simulatePayment: the signed Stripe event, through the real webhook endpoint, when explicitly enabled. */
let payments: TestSubgraph;
beforeAll(async () => {
  payments = await startPayments({ PAYMENT_SIMULATION_ENABLED: 'true' });
});
afterAll(() => payments.close());

const simulate = (orderId: string, outcome: 'SUCCEEDED' | 'FAILED', token?: string) =>
  payments.client.request<{ simulatePayment: PaymentView }>(SIMULATE, { variables: { orderId, outcome }, token });

it('the owner pays: SUCCEEDED and payment.succeeded, through the webhook', async () => {
  const { owner, order, payment } = await pendingPayment(payments);
  const result = await simulate(order.orderId, 'SUCCEEDED', owner.token);
  expect(result.data?.simulatePayment).toMatchObject({ id: payment.id, status: 'SUCCEEDED', failureReason: null });
  expect(await eventTypes(payments, payment.id)).toEqual(['payment.succeeded']);
  expect(
    payments.logs
      .records()
      .some((r) => r.route === 'stripe-webhook' && r.paymentId === payment.id && r.msg === 'stripe event handled'),
  ).toBe(true);
});

it("the owner's card is declined: FAILED with the reason; a retry then succeeds", async () => {
  const { owner, order, payment } = await pendingPayment(payments);
  expect((await simulate(order.orderId, 'FAILED', owner.token)).data?.simulatePayment).toMatchObject({
    status: 'FAILED',
    failureReason: 'Your card was declined. (simulated)',
  });
  expect((await simulate(order.orderId, 'SUCCEEDED', owner.token)).data?.simulatePayment.status).toBe('SUCCEEDED');
  expect(await eventTypes(payments, payment.id)).toEqual(['payment.failed', 'payment.succeeded']);
});

it('an admin may simulate for any order', async () => {
  const { order } = await pendingPayment(payments);
  expect((await simulate(order.orderId, 'SUCCEEDED', person(Role.ADMIN).token)).data?.simulatePayment.status).toBe(
    'SUCCEEDED',
  );
});

it('another customer is told the order does not exist, a signed-out visitor UNAUTHENTICATED; nothing changes', async () => {
  const { order, payment } = await pendingPayment(payments);
  const stranger = person();
  const hidden = await simulate(order.orderId, 'SUCCEEDED', stranger.token);
  expect(hidden.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  expect(hidden.errors).toEqual((await simulate(randomUUID(), 'SUCCEEDED', stranger.token)).errors);
  expect((await simulate(order.orderId, 'SUCCEEDED')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  expect(await eventTypes(payments, payment.id)).toEqual([]);
});

it('needs an intent (NOT_FOUND), a known order (NOT_FOUND), a UUID (BAD_USER_INPUT) and an unpaid order (CONFLICT)', async () => {
  const owner = person();
  const order = await orderPlaced(payments, owner);
  const noIntent = await simulate(order.orderId, 'SUCCEEDED', owner.token);
  expect(noIntent.errors?.[0]).toMatchObject({ message: NO_INTENT_YET, extensions: { code: 'NOT_FOUND' } });
  expect(
    (await simulate('00000000-0000-4000-8000-000000000002', 'SUCCEEDED', owner.token)).errors?.[0].extensions?.code,
  ).toBe('NOT_FOUND');
  expect((await simulate('nope', 'SUCCEEDED', owner.token)).errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: [{ field: 'orderId' }],
  });
  const paid = await pendingPayment(payments);
  await simulate(paid.order.orderId, 'SUCCEEDED', paid.owner.token);
  expect((await simulate(paid.order.orderId, 'FAILED', paid.owner.token)).errors?.[0].extensions).toMatchObject({
    code: 'CONFLICT',
    status: 'SUCCEEDED',
  });
});

describe('without PAYMENT_SIMULATION_ENABLED (the default, in development too)', () => {
  let unset: TestSubgraph;
  beforeAll(async () => {
    unset = await startPayments({ NODE_ENV: 'development' });
  });
  afterAll(() => unset.close());

  it.each([
    ['the owner', 'owner'],
    ['an admin', Role.ADMIN],
  ] as const)('%s is FORBIDDEN and nothing is sent: no free orders', async (_who, role) => {
    const { owner, order, payment } = await pendingPayment(unset);
    const token = role === 'owner' ? owner.token : person(role).token;
    const result = await unset.client.request(SIMULATE, {
      variables: { orderId: order.orderId, outcome: 'SUCCEEDED' },
      token,
    });
    expect(result.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: expect.stringMatching(/PAYMENT_SIMULATION_ENABLED=true/),
    });
    expect(await eventTypes(unset, payment.id)).toEqual([]);
    expect(await stored(unset, payment.id)).toMatchObject({ status: 'REQUIRES_PAYMENT' });
  });
});

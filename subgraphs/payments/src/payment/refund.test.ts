import { Role } from '@marketplace/kit';
import type { TestSubgraph } from '@marketplace/kit/testing';
import { AUTOMATIC_REFUND_REASON } from './refund.service';
import { person } from '@marketplace/kit/testing';
import {
  PaymentChange,
  REFUND,
  createIntent,
  eventTypes,
  intentEvent,
  orderCancelled,
  orderPlaced,
  outboxOf,
  pendingPayment,
  postEvent,
  startPayments,
  stored,
  until,
  uuidOf,
  globalId,
} from '../testing';

/** refundOrder and automatic refunds, with the local provider (its refund comes back through the webhook). */
let payments: TestSubgraph;
beforeAll(async () => {
  payments = await startPayments();
});
afterAll(() => payments.close());

const admin = person(Role.ADMIN);
const refund = (orderId: string, reason: string, token?: string) =>
  payments.client.request<{ refundOrder: PaymentChange }>(REFUND, { variables: { input: { orderId, reason } }, token });

async function paidPayment() {
  const made = await pendingPayment(payments);
  expect((await postEvent(payments, intentEvent(made.payment, 'succeeded'))).status).toBe(200);
  return made;
}

describe('refundOrder', () => {
  it("admin: the local provider's signed charge.refunded lands before the answer: REFUNDED, payment.refunded with the reason", async () => {
    const { order, payment } = await paidPayment();
    const result = await refund(order.id, '  Customer asked within 14 days  ', admin.token);
    expect(result.errors).toBeUndefined();
    expect(result.data?.refundOrder).toEqual({
      payment: expect.objectContaining({ id: payment.id, status: 'REFUNDED', refundedAt: expect.any(String) }),
      order: { id: order.id },
    });
    const envelopes = await outboxOf(payments, uuidOf(payment.id));
    expect(envelopes.map((e) => e.type)).toEqual(['payment.succeeded', 'payment.refunded']);
    expect(envelopes[1].payload).toMatchObject({
      paymentId: uuidOf(payment.id),
      orderId: order.orderId,
      reason: 'Customer asked within 14 days',
      amount: { amount: 2500, currency: 'USD' },
      orderCancelled: false,
    });
    // A second refund finds nothing left to refund.
    const again = await refund(order.id, 'again', admin.token);
    expect(again.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'ALREADY_REFUNDED' });
    expect(again.data?.refundOrder).toBeNull();
  });

  it.each([
    ["the order's owner", 'owner', 'FORBIDDEN'],
    ['another customer', Role.CUSTOMER, 'FORBIDDEN'],
    ['a vendor', Role.VENDOR, 'FORBIDDEN'],
    ['a signed-out visitor', null, 'UNAUTHENTICATED'],
  ] as const)('is %s → %s, and nothing changes', async (_who, role, code) => {
    const { owner, order, payment } = await paidPayment();
    const token = role === 'owner' ? owner.token : role === null ? undefined : person(role).token;
    expect((await refund(order.id, 'not allowed', token)).errors?.[0].extensions?.code).toBe(code);
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED', refundRequestedAt: null });
  });

  it('is CONFLICT unless SUCCEEDED, NOT_FOUND without a payment', async () => {
    const { order } = await pendingPayment(payments);
    expect((await refund(order.id, 'too early', admin.token)).errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'NOT_PAID',
    });
    const noIntent = await orderPlaced(payments, person());
    expect((await refund(noIntent.id, 'nothing paid', admin.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(
      (await refund(globalId('Order', '00000000-0000-4000-8000-000000000001'), 'unknown', admin.token)).errors?.[0]
        .extensions?.code,
    ).toBe('NOT_FOUND');
  });

  it.each<[string, string, { field: string; message: string }[]]>([
    ['ok-order', '', [{ field: 'input.reason', message: 'must not be empty' }]],
    ['ok-order', '   ', [{ field: 'input.reason', message: 'must not be empty' }]],
    ['ok-order', 'x'.repeat(501), [{ field: 'input.reason', message: 'must be at most 500 characters' }]],
    // Ids are checked at the schema's edge (kit/src/ids), before the input's other fields: a bad id is reported alone.
    ['bad', '', [{ field: 'input.orderId', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' }]],
    [
      'bad',
      'a fine reason',
      [{ field: 'input.orderId', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' }],
    ],
    ['payment-id', 'a fine reason', [{ field: 'input.orderId', message: 'must be an id of type Order, not Payment' }]],
  ])('orderId %s with the %#th reason → BAD_USER_INPUT listing every bad field', async (orderId, reason, fields) => {
    const { order, payment } = await paidPayment();
    const ids: Record<string, string> = { 'ok-order': order.id, bad: 'not-a-uuid', 'payment-id': payment.id };
    const result = await refund(ids[orderId], reason, admin.token);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields });
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('accepts a reason of exactly 500 characters', async () => {
    const { order } = await paidPayment();
    expect((await refund(order.id, 'y'.repeat(500), admin.token)).data?.refundOrder?.payment.status).toBe('REFUNDED');
  });
});

describe('automatic refunds: no money kept for a cancelled order', () => {
  it('a payment that succeeds after the order was cancelled is recorded, then refunded', async () => {
    const { order, payment } = await pendingPayment(payments);
    await orderCancelled(payments, order);
    expect((await postEvent(payments, intentEvent(payment, 'succeeded'))).body.outcome).toBe('applied');
    await until(
      async () => ((await stored(payments, payment.id)).status === 'REFUNDED' ? true : undefined),
      'the automatic refund',
    );
    expect(await stored(payments, payment.id)).toMatchObject({ refundReason: AUTOMATIC_REFUND_REASON });
    expect(await eventTypes(payments, payment.id)).toEqual(['payment.succeeded', 'payment.refunded']);
    // The ledger reads orderCancelled: no order.paid will ever come, so there is nothing to debit.
    expect((await outboxOf(payments, uuidOf(payment.id)))[1].payload).toMatchObject({
      reason: AUTOMATIC_REFUND_REASON,
      orderCancelled: true,
    });
  });

  it('an order cancelled after its payment succeeded (the cancellation raced it) is refunded too, once', async () => {
    const owner = person();
    const order = await orderPlaced(payments, owner);
    const { payment } = await createIntent(payments, order, owner);
    await postEvent(payments, intentEvent(payment, 'succeeded'));
    await orderCancelled(payments, order);
    await orderCancelled(payments, order);
    await until(
      async () => ((await stored(payments, payment.id)).status === 'REFUNDED' ? true : undefined),
      'the automatic refund',
    );
    expect(await eventTypes(payments, payment.id)).toEqual(['payment.succeeded', 'payment.refunded']);
    expect((await outboxOf(payments, uuidOf(payment.id)))[1].payload).toMatchObject({ orderCancelled: true });
  });
});

import { randomUUID } from 'node:crypto';
import { Role } from '@marketplace/kit';
import { TestSubgraph, person } from '@marketplace/kit/testing';
import {
  PaymentChange,
  REFUND,
  disputeEvent,
  eventTypes,
  intentEvent,
  outboxOf,
  pendingPayment,
  postEvent,
  startPayments,
  stored,
} from '../testing';

/** A refund racing a dispute: both lock the payment row; an open or lost dispute refuses the refund. */
let payments: TestSubgraph;
beforeAll(async () => {
  payments = await startPayments();
});
afterAll(() => payments.close());

const admin = person(Role.ADMIN);
const refund = (orderId: string) =>
  payments.client.request<{ refundOrder: PaymentChange }>(REFUND, {
    variables: { input: { orderId, reason: 'Customer asked' } },
    token: admin.token,
  });

async function paidPayment() {
  const made = await pendingPayment(payments);
  expect((await postEvent(payments, intentEvent(made.payment, 'succeeded'))).status).toBe(200);
  return made;
}

const audited = async (orderId: string) =>
  (await outboxOf(payments, orderId)).filter((e) => e.type === 'audit.recorded').map((e) => e.payload);

describe('refundOrder and disputes', () => {
  it('a refund is audited as ORDER_REFUNDED by the admin, in its transaction', async () => {
    const { order, payment } = await paidPayment();
    expect((await refund(order.id)).errors).toBeUndefined();
    expect(await audited(order.orderId)).toEqual([
      {
        action: 'ORDER_REFUNDED',
        actor: { kind: 'USER', userId: admin.id, role: 'ADMIN' },
        targetType: 'Order',
        targetId: order.orderId,
        before: { paymentStatus: 'SUCCEEDED', refunded: 0 },
        after: {
          refundReason: 'Customer asked',
          paymentId: expect.any(String),
          refundId: expect.any(String),
          amount: 2500,
          productIds: [order.items[0].productId],
        },
        requestId: expect.any(String),
        clientIp: expect.anything(),
      },
    ]);
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REFUNDED' });
  });

  it('dispute first: the refund is CONFLICT (PAYMENT_DISPUTED), nothing changes, nothing audited', async () => {
    const { order, payment } = await paidPayment();
    await postEvent(payments, disputeEvent(payment));
    const result = await refund(order.id);
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'PAYMENT_DISPUTED' });
    expect(result.data?.refundOrder).toBeNull();
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED', refundRequestedAt: null });
    expect(await audited(order.orderId)).toEqual([]);
  });

  it.each([
    ['lost', 'CONFLICT'],
    ['won', null],
  ] as const)('after a dispute closed %s the refund is %s', async (status, code) => {
    const { order, payment } = await paidPayment();
    const disputeId = `dp_${randomUUID()}`;
    await postEvent(payments, disputeEvent(payment, { disputeId, created: Math.floor(Date.now() / 1000) - 5 }));
    await postEvent(payments, disputeEvent(payment, { type: 'closed', disputeId, status }));
    const result = await refund(order.id);
    expect(result.errors?.[0]?.extensions?.code ?? null).toBe(code);
    expect(await stored(payments, payment.id)).toMatchObject({ status: code ? 'SUCCEEDED' : 'REFUNDED' });
  });

  it('refund first: a dispute of the refunded charge is still recorded (its loss is then no second debit: vendor tests)', async () => {
    const { order, payment } = await paidPayment();
    expect((await refund(order.id)).errors).toBeUndefined();
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REFUNDED' });
    expect((await postEvent(payments, disputeEvent(payment))).body.outcome).toBe('applied');
    expect((await postEvent(payments, disputeEvent(payment, { type: 'closed', status: 'lost' }))).body.outcome).toBe(
      'unchanged', // another dispute id than the first: not mixed in
    );
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REFUNDED', disputed: true });
    expect(await eventTypes(payments, payment.id)).toEqual(
      expect.arrayContaining(['payment.refunded', 'payment.disputed', 'payment.dispute_updated']),
    );
  });

  it('simultaneous (Promise.all of refundOrder and the webhook), 6 times: one order wins each time, consistently', async () => {
    const seen = new Set<string>();
    for (let round = 0; round < 6; round += 1) {
      const { order, payment } = await paidPayment();
      const [refunded, delivered] = await Promise.all([refund(order.id), postEvent(payments, disputeEvent(payment))]);
      expect(delivered).toEqual({ status: 200, body: { received: true, outcome: 'applied' } });
      const row = await stored(payments, payment.id);
      expect(row.disputed).toBe(true);
      if (refunded.errors) {
        // The dispute took the lock first: no refund was asked, none audited.
        expect(refunded.errors[0].extensions).toEqual({ code: 'CONFLICT', reason: 'PAYMENT_DISPUTED' });
        expect(row).toMatchObject({ status: 'SUCCEEDED', refundRequestedAt: null });
        expect(await audited(order.orderId)).toEqual([]);
        seen.add('dispute first');
      } else {
        // The refund took it first: refunded, and the dispute recorded on the refunded charge.
        expect(row).toMatchObject({ status: 'REFUNDED', refundRequestedAt: expect.any(Date) });
        expect((await audited(order.orderId)).map((a) => a.action)).toEqual(['ORDER_REFUNDED']);
        seen.add('refund first');
      }
      expect((await eventTypes(payments, payment.id)).filter((t) => t === 'payment.disputed')).toHaveLength(1);
    }
    expect(seen.size).toBeGreaterThanOrEqual(1);
  });
});

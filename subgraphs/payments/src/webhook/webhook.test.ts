import { randomUUID } from 'node:crypto';
import { queryRows } from '@marketplace/kit';
import type { TestSubgraph } from '@marketplace/kit/testing';
import { chargeRefundedEvent, signed } from './stripe-event';
import {
  PaymentView,
  disputeEvent,
  eventTypes,
  globalId,
  intentEvent,
  metadataOf,
  outboxOf,
  pendingPayment,
  postEvent,
  startPayments,
  stored,
  webhookSecretOf,
  uuidOf,
  webhookUrl,
} from '../testing';

/** POST /webhooks/stripe: verified, applied once, forward only. */
let payments: TestSubgraph;
beforeAll(async () => {
  payments = await startPayments();
});
afterAll(() => payments.close());

const refundedEvent = (payment: PaymentView) =>
  chargeRefundedEvent({
    paymentIntentId: payment.providerRef!,
    amount: payment.amount.amount,
    currency: payment.amount.currency,
    metadata: metadataOf(payment),
    chargeId: `ch_${randomUUID()}`,
  });

describe('signature', () => {
  it('a valid one applies payment_intent.succeeded: SUCCEEDED and one payment.succeeded in the outbox', async () => {
    const { payment } = await pendingPayment(payments);
    const response = await postEvent(payments, intentEvent(payment, 'succeeded'));
    expect(response).toEqual({ status: 200, body: { received: true, outcome: 'applied' } });
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED', failureReason: null });
    const envelopes = await outboxOf(payments, uuidOf(payment.id));
    expect(envelopes.map((e) => e.type)).toEqual(['payment.succeeded']);
    expect(envelopes[0].payload).toEqual({
      paymentId: uuidOf(payment.id),
      orderId: uuidOf(payment.order.id),
      amount: { amount: 2500, currency: 'USD' },
      providerRef: payment.providerRef,
    });
  });

  it.each<[string, { secret?: string; timestamp?: number; signature?: string | null }, RegExp]>([
    ['forged (another secret)', { secret: 'whsec_forged_forged_forged' }, /Invalid Stripe-Signature/],
    ['missing', { signature: null }, /Missing Stripe-Signature/],
    ['malformed', { signature: 'garbage' }, /Invalid Stripe-Signature/],
    [
      'stale (10 minutes old)',
      { timestamp: Math.floor(Date.now() / 1000) - 600 },
      /Invalid Stripe-Signature: Timestamp outside the tolerance zone/,
    ],
  ])('%s → 400 and no change', async (_case, options, message) => {
    const { payment } = await pendingPayment(payments);
    const response = await postEvent(payments, intentEvent(payment, 'succeeded'), options);
    expect(response.status).toBe(400);
    expect(String(response.body.error)).toMatch(message);
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REQUIRES_PAYMENT' });
    expect(await outboxOf(payments, uuidOf(payment.id))).toEqual([]);
    expect(
      await queryRows(payments.subgraph.deps.db, `SELECT id FROM stripe_events WHERE payment_id = $1`, [
        uuidOf(payment.id),
      ]),
    ).toEqual([]);
  });

  it('a body changed after signing → 400 (the exact bytes are verified)', async () => {
    const { payment } = await pendingPayment(payments);
    const event = intentEvent(payment, 'succeeded');
    const { signature } = await signed(event, webhookSecretOf(payments));
    const response = await fetch(webhookUrl(payments), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: JSON.stringify(event), // compact, not the signed pretty-printed bytes
    });
    expect(response.status).toBe(400);
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REQUIRES_PAYMENT' });
  });
});

describe('each event once', () => {
  it('the same event five times in a row: one transition, one outbox event', async () => {
    const { payment } = await pendingPayment(payments);
    const event = intentEvent(payment, 'succeeded');
    const outcomes = [];
    for (let i = 0; i < 5; i += 1) outcomes.push((await postEvent(payments, event)).body.outcome);
    expect(outcomes).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(await eventTypes(payments, payment.id)).toEqual(['payment.succeeded']);
  });

  it('the same event five times concurrently: all 200, one applied, one outbox event', async () => {
    const { payment } = await pendingPayment(payments);
    const event = intentEvent(payment, 'succeeded');
    const responses = await Promise.all(Array.from({ length: 5 }, () => postEvent(payments, event)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.map((r) => r.body.outcome).sort()).toEqual([
      'applied',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await eventTypes(payments, payment.id)).toEqual(['payment.succeeded']);
  });

  it('two different success events for one payment: the second changes nothing', async () => {
    const { payment } = await pendingPayment(payments);
    expect((await postEvent(payments, intentEvent(payment, 'succeeded'))).body.outcome).toBe('applied');
    expect((await postEvent(payments, intentEvent(payment, 'succeeded'))).body.outcome).toBe('unchanged');
    expect(await eventTypes(payments, payment.id)).toEqual(['payment.succeeded']);
  });
});

describe('order of arrival', () => {
  it('failed, then succeeded (the customer retried the card): FAILED with the reason, then SUCCEEDED', async () => {
    const { payment } = await pendingPayment(payments);
    await postEvent(payments, intentEvent(payment, 'failed'));
    expect(await stored(payments, payment.id)).toMatchObject({
      status: 'FAILED',
      failureReason: 'Your card was declined. (simulated)',
    });
    await postEvent(payments, intentEvent(payment, 'succeeded'));
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED', failureReason: null });
    const envelopes = await outboxOf(payments, uuidOf(payment.id));
    expect(envelopes.map((e) => e.type)).toEqual(['payment.failed', 'payment.succeeded']);
    expect(envelopes[0].payload.reason).toBe('Your card was declined. (simulated)');
  });

  it('succeeded, then a late failure: stays SUCCEEDED, no payment.failed', async () => {
    const { payment } = await pendingPayment(payments);
    await postEvent(payments, intentEvent(payment, 'succeeded'));
    expect((await postEvent(payments, intentEvent(payment, 'failed'))).body).toEqual({
      received: true,
      outcome: 'unchanged',
    });
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await eventTypes(payments, payment.id)).toEqual(['payment.succeeded']);
  });

  it('a success and a failure racing, three copies each: all 200, SUCCEEDED whichever won the lock, each applied at most once', async () => {
    const { payment } = await pendingPayment(payments);
    const success = intentEvent(payment, 'succeeded');
    const failure = intentEvent(payment, 'failed');
    const responses = await Promise.all(
      [success, failure, success, failure, success, failure].map((event) => postEvent(payments, event)),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED', failureReason: null });
    // The failure counts only when it took the payment's row lock first.
    const types = await eventTypes(payments, payment.id);
    expect([['payment.succeeded'], ['payment.failed', 'payment.succeeded']]).toContainEqual(types);
    const applied = responses.filter((r) => r.body.outcome === 'applied').length;
    expect(applied).toBe(types.length);
  });

  it('refunded before succeeded: payment.succeeded then payment.refunded, final REFUNDED; the late success changes nothing', async () => {
    const { payment } = await pendingPayment(payments);
    await postEvent(payments, refundedEvent(payment));
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REFUNDED' });
    expect((await postEvent(payments, intentEvent(payment, 'succeeded'))).body.outcome).toBe('unchanged');
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REFUNDED', refundedAt: expect.any(Date) });
    const envelopes = await outboxOf(payments, uuidOf(payment.id));
    expect(envelopes.map((e) => e.type)).toEqual(['payment.succeeded', 'payment.refunded']);
    expect(envelopes[1].payload.reason).toBe('Refunded at the payment provider');
  });

  it('finds the payment by its intent id when the metadata is missing', async () => {
    const { payment } = await pendingPayment(payments);
    expect((await postEvent(payments, intentEvent(payment, 'succeeded', false))).body.outcome).toBe('applied');
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED' });
  });
});

describe('other events', () => {
  it('a dispute sets disputed without changing the status, and records payment.disputed once (src/dispute tests the rest)', async () => {
    const { payment } = await pendingPayment(payments);
    await postEvent(payments, intentEvent(payment, 'succeeded'));
    const created = disputeEvent(payment);
    await postEvent(payments, created);
    await postEvent(payments, created);
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED', disputed: true });
    const envelopes = await outboxOf(payments, uuidOf(payment.id));
    expect(envelopes.map((e) => e.type)).toEqual([
      'payment.succeeded',
      'payment.disputed',
      'audit.recorded',
      'payment.dispute_updated',
    ]);
    expect(envelopes[1].payload.reason).toBe('fraudulent');
  });

  it('an unknown payment intent → 404 (Stripe retries later), logged, and the event id not consumed', async () => {
    const { payment } = await pendingPayment(payments);
    const event = intentEvent(
      { ...payment, id: globalId('Payment', randomUUID()), providerRef: 'pi_unknown_123' },
      'succeeded',
    );
    const response = await postEvent(payments, event);
    expect(response.status).toBe(404);
    expect(String(response.body.error)).toMatch(/No payment for payment_intent.succeeded/);
    expect(
      await queryRows(payments.subgraph.deps.db, `SELECT id FROM stripe_events WHERE id = $1`, [event.id]),
    ).toEqual([]);
    expect(payments.logs.records().some((r) => r.eventId === event.id && /No payment for/.test(r.msg ?? ''))).toBe(
      true,
    );
  });

  it('an event type payments does not act on → 200 ignored', async () => {
    const { payment } = await pendingPayment(payments);
    const event = { ...intentEvent(payment, 'succeeded'), type: 'payment_intent.created' };
    expect(await postEvent(payments, event)).toEqual({ status: 200, body: { received: true, outcome: 'ignored' } });
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REQUIRES_PAYMENT' });
  });
});

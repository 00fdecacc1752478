import { randomUUID } from 'node:crypto';
import { queryRows } from '@marketplace/kit';
import { TestSubgraph, metricSum, scrapeMetrics } from '@marketplace/kit/testing';
import {
  PaymentView,
  eventTypes,
  intentEvent,
  metadataOf,
  pendingPayment,
  postEvent,
  startPayments,
  stored,
  uuidOf,
  webhookSecretOf,
  webhookUrl,
} from '../testing';
import { StripeEventShape, chargeRefundedEvent, signed } from './stripe-event';
import { AMOUNT_MISMATCH_METRIC } from './webhook.service';

/**
 * Issue 18 item 13: a signed event is Stripe's word on what moved, and it must be the
 * payment's amount in the payment's currency; anything else is recorded, alerted on and
 * never fulfilled. A signed event without its object is a 400.
 */
let payments: TestSubgraph;
beforeAll(async () => {
  payments = await startPayments();
});
afterAll(() => payments.close());

/** The probe's order: 19,900 USD. */
const ORDER_TOTAL = { amount: 19_900, currency: 'USD' };

const mismatchCount = async () => metricSum(await scrapeMetrics(payments.subgraph.url), AMOUNT_MISMATCH_METRIC);

/** A payment_intent.succeeded for `payment`, saying another amount and currency moved. */
function succeededWith(payment: PaymentView, money: { amount: number; received?: number; currency: string }) {
  const event = intentEvent(payment, 'succeeded');
  Object.assign(event.data.object, {
    amount: money.amount,
    amount_received: money.received ?? money.amount,
    currency: money.currency,
  });
  return event;
}

async function mismatchesOf(paymentId: string) {
  return queryRows(
    payments.subgraph.deps.db,
    `SELECT stripe_event_id AS "eventId", event_type AS type, expected_amount AS "expectedAmount", expected_currency AS "expectedCurrency",
            received_amount::int AS "receivedAmount", received_currency AS "receivedCurrency"
       FROM payment_amount_mismatches WHERE payment_id = $1`,
    [uuidOf(paymentId)],
  );
}

const errorLogsOf = (eventId: string) =>
  payments.logs
    .records()
    .filter((r) => r.eventId === eventId && r.level === 'error' && /amount or currency/.test(r.msg ?? ''));

describe('the money of a succeeded event must be the payment’s', () => {
  it('the probe: a signed payment_intent.succeeded for 1 EUR against a 19,900 USD order → recorded, alerted, not fulfilled', async () => {
    const { payment } = await pendingPayment(payments, ORDER_TOTAL);
    const before = await mismatchCount();
    const event = succeededWith(payment, { amount: 100, currency: 'eur' });

    const response = await postEvent(payments, event);

    expect(response).toEqual({ status: 200, body: { received: true, outcome: 'mismatch' } });
    // No payment.succeeded: orders never marks the order paid, so no license is issued and no vendor credited.
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REQUIRES_PAYMENT' });
    expect(await eventTypes(payments, payment.id)).toEqual([]);
    expect(await mismatchesOf(payment.id)).toEqual([
      {
        eventId: event.id,
        type: 'payment_intent.succeeded',
        expectedAmount: 19_900,
        expectedCurrency: 'USD',
        receivedAmount: 100,
        receivedCurrency: 'EUR',
      },
    ]);
    expect((await mismatchCount()) - before).toBe(1);
    expect(errorLogsOf(event.id)).toEqual([
      expect.objectContaining({
        paymentId: uuidOf(payment.id),
        expected: { amount: 19_900, currency: 'USD' },
        received: { amount: 100, currency: 'EUR' },
      }),
    ]);
  });

  it.each([
    ['the amount right, the currency wrong', { amount: 19_900, currency: 'eur' }, { amount: 19_900, currency: 'EUR' }],
    ['the currency right, the amount short', { amount: 19_899, currency: 'usd' }, { amount: 19_899, currency: 'USD' }],
    [
      'the amount asked right but less received',
      { amount: 19_900, received: 9_950, currency: 'usd' },
      { amount: 9_950, currency: 'USD' },
    ],
    ['more than the order', { amount: 1_990_000, currency: 'usd' }, { amount: 1_990_000, currency: 'USD' }],
  ])('%s → mismatch, not fulfilled', async (_case, money, received) => {
    const { payment } = await pendingPayment(payments, ORDER_TOTAL);
    const before = await mismatchCount();
    expect((await postEvent(payments, succeededWith(payment, money))).body.outcome).toBe('mismatch');
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REQUIRES_PAYMENT' });
    expect(await eventTypes(payments, payment.id)).toEqual([]);
    expect(await mismatchesOf(payment.id)).toEqual([
      expect.objectContaining({ receivedAmount: received.amount, receivedCurrency: received.currency }),
    ]);
    expect((await mismatchCount()) - before).toBe(1);
  });

  it('an event that does not say its amount or currency is a mismatch too', async () => {
    const { payment } = await pendingPayment(payments, ORDER_TOTAL);
    const event = intentEvent(payment, 'succeeded');
    const object = event.data.object;
    delete object.amount;
    delete object.amount_received;
    delete object.currency;
    expect((await postEvent(payments, event)).body.outcome).toBe('mismatch');
    expect(await mismatchesOf(payment.id)).toEqual([
      expect.objectContaining({ receivedAmount: null, receivedCurrency: null }),
    ]);
    expect(await eventTypes(payments, payment.id)).toEqual([]);
  });

  it('the right amount in the right currency still fulfils, also after a mismatched event for the same payment', async () => {
    const { payment } = await pendingPayment(payments, ORDER_TOTAL);
    expect((await postEvent(payments, succeededWith(payment, { amount: 100, currency: 'eur' }))).body.outcome).toBe(
      'mismatch',
    );
    const before = await mismatchCount();
    expect(await postEvent(payments, succeededWith(payment, { amount: 19_900, currency: 'usd' }))).toEqual({
      status: 200,
      body: { received: true, outcome: 'applied' },
    });
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await eventTypes(payments, payment.id)).toEqual(['payment.succeeded']);
    expect(await mismatchesOf(payment.id)).toHaveLength(1);
    expect(await mismatchCount()).toBe(before);
  });

  it('a mismatched event replayed, in a row and concurrently: one record, one count, one alert', async () => {
    const { payment } = await pendingPayment(payments, ORDER_TOTAL);
    const before = await mismatchCount();
    const event = succeededWith(payment, { amount: 100, currency: 'eur' });
    const first = await postEvent(payments, event);
    const replays = await Promise.all(Array.from({ length: 4 }, () => postEvent(payments, event)));
    expect([first, ...replays].map((r) => r.body.outcome)).toEqual([
      'mismatch',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(await mismatchesOf(payment.id)).toHaveLength(1);
    expect((await mismatchCount()) - before).toBe(1);
    expect(errorLogsOf(event.id)).toHaveLength(1);
    expect(await eventTypes(payments, payment.id)).toEqual([]);
  });

  it('a refund in another currency that overtakes the success announces no success', async () => {
    const { payment } = await pendingPayment(payments, ORDER_TOTAL);
    const refund = chargeRefundedEvent({
      paymentIntentId: payment.providerRef!,
      amount: 100,
      currency: 'EUR',
      metadata: metadataOf(payment),
      chargeId: `ch_${randomUUID()}`,
    });
    expect((await postEvent(payments, refund)).body.outcome).toBe('mismatch');
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REQUIRES_PAYMENT' });
    expect(await eventTypes(payments, payment.id)).toEqual([]);
    expect(await mismatchesOf(payment.id)).toEqual([
      expect.objectContaining({ type: 'charge.refunded', receivedAmount: 100, receivedCurrency: 'EUR' }),
    ]);
  });
});

describe('a signed event without its object', () => {
  const withData = (event: StripeEventShape, data: unknown) => ({ ...event, data }) as unknown as StripeEventShape;
  const withoutData = (event: StripeEventShape) => {
    const { data: _data, ...rest } = event;
    return rest as unknown as StripeEventShape;
  };

  it.each<[string, (event: StripeEventShape) => StripeEventShape, RegExp]>([
    ['no data', withoutData, /Malformed Stripe event: the event has no data$/],
    ['data: null', (event) => withData(event, null), /Malformed Stripe event: the event has no data$/],
    ['data.object: null', (event) => withData(event, { object: null }), /the event has no data\.object/],
    ['data.object: a string', (event) => withData(event, { object: 'pi_123' }), /the event has no data\.object/],
    ['data.object: an array', (event) => withData(event, { object: [] }), /the event has no data\.object/],
    ['no type', (event) => ({ ...event, type: undefined }) as unknown as StripeEventShape, /the event has no type/],
  ])('%s → 400 with a clear error, nothing changes', async (_case, mangle, message) => {
    const { payment } = await pendingPayment(payments, ORDER_TOTAL);
    const event = mangle(intentEvent(payment, 'succeeded'));
    const response = await postEvent(payments, event);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(message);
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REQUIRES_PAYMENT' });
    expect(await eventTypes(payments, payment.id)).toEqual([]);
    expect(
      await queryRows(payments.subgraph.deps.db, `SELECT id FROM stripe_events WHERE id = $1`, [event.id]),
    ).toEqual([]);
  });

  it.each([['null'], ['[]'], ['"an event"']])('a signed body of %s → 400', async (body) => {
    const { body: signedBody, signature } = await signed(
      JSON.parse(body) as StripeEventShape,
      webhookSecretOf(payments),
    );
    const response = await fetch(webhookUrl(payments), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: signedBody,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/^Malformed Stripe event/);
  });
});

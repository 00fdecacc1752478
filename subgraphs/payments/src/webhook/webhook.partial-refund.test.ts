import { randomUUID } from 'node:crypto';
import { queryRows } from '@marketplace/kit';
import { TestSubgraph, metricSum, person, scrapeMetrics } from '@marketplace/kit/testing';
import {
  PaymentView,
  createIntent,
  intentEvent,
  metadataOf,
  orderWithLines,
  outboxOf,
  postEvent,
  startPayments,
  stored,
  uuidOf,
} from '../testing';
import { chargeRefundedEvent } from './stripe-event';
import { AMOUNT_MISMATCH_METRIC } from './webhook.service';

/**
 * Stripe's charge.refunded with a partial amount (issue 23), signed as Stripe signs it: its
 * cumulative `amount_refunded` maps onto the order's lines, or is recorded as a mismatch.
 * Refunds asked through refundOrder and confirmed by it: refund.partial.test.ts and
 * provider/stripe-provider.test.ts.
 */
let payments: TestSubgraph;
beforeAll(async () => {
  payments = await startPayments();
});
afterAll(() => payments.close());

/** A payment of an order of lines with these totals (USD), paid unless told. */
async function paymentOf(totals: number[], paid = true) {
  const owner = person();
  const order = await orderWithLines(payments, owner, totals);
  const { payment } = await createIntent(payments, order, owner);
  if (paid) expect((await postEvent(payments, intentEvent(payment, 'succeeded'))).body.outcome).toBe('applied');
  return { order, payment };
}

/** charge.refunded as Stripe sends it after a refund made in its dashboard: `refunded` so far, of the whole charge. */
const refundedSoFar = (payment: PaymentView, refunded: number) =>
  chargeRefundedEvent({
    paymentIntentId: payment.providerRef!,
    amount: payment.amount.amount,
    amountRefunded: refunded,
    currency: payment.amount.currency,
    metadata: metadataOf(payment),
    chargeId: `ch_${payment.providerRef}`,
  });

const envelopesOf = (payment: PaymentView) => outboxOf(payments, uuidOf(payment.id));
const typesOf = async (payment: PaymentView) => (await envelopesOf(payment)).map((e) => e.type);
const refundedAmount = async (payment: PaymentView) =>
  (
    await queryRows<{ refunded: number }>(
      payments.subgraph.deps.db,
      `SELECT refunded_amount AS refunded FROM payments WHERE id = $1`,
      [uuidOf(payment.id)],
    )
  )[0].refunded;
const mismatchCount = async () => metricSum(await scrapeMetrics(payments.subgraph.url), AMOUNT_MISMATCH_METRIC);
const line = (productId: string, amount: number) => ({ productId, amount: { amount, currency: 'USD' } });

describe('a refund made at the provider (the dashboard)', () => {
  it('part, then the rest: the one line of that total, then every line left; REFUNDED only at the end', async () => {
    const { order, payment } = await paymentOf([1_000, 1_500, 2_000]);
    expect((await postEvent(payments, refundedSoFar(payment, 1_500))).body.outcome).toBe('applied');
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED', refundedAt: null });
    expect(await refundedAmount(payment)).toBe(1_500);
    let envelopes = await envelopesOf(payment);
    expect(envelopes.map((e) => e.type)).toEqual(['payment.succeeded', 'payment.partially_refunded']);
    expect(envelopes[1].payload).toEqual({
      paymentId: uuidOf(payment.id),
      orderId: order.orderId,
      amount: { amount: 4_500, currency: 'USD' },
      providerRef: payment.providerRef,
      refundId: expect.any(String),
      refunded: { amount: 1_500, currency: 'USD' },
      lines: [line(order.items[1].productId, 1_500)],
      reason: 'Refunded at the payment provider',
      orderCancelled: false,
    });

    expect((await postEvent(payments, refundedSoFar(payment, 4_500))).body.outcome).toBe('applied');
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REFUNDED', refundedAt: expect.any(Date) });
    envelopes = await envelopesOf(payment);
    expect(envelopes.map((e) => e.type)).toEqual([
      'payment.succeeded',
      'payment.partially_refunded',
      'payment.refunded',
    ]);
    const lines = (envelopes[2].payload as { lines: { productId: string }[] }).lines;
    expect(lines.map((l) => l.productId).sort()).toEqual([order.items[0].productId, order.items[2].productId].sort());
    expect(await refundedAmount(payment)).toBe(4_500);
  });

  it('two lines at once (the only pair of that total) are one refund of both', async () => {
    const { order, payment } = await paymentOf([1_000, 1_500, 2_000]);
    expect((await postEvent(payments, refundedSoFar(payment, 2_500))).body.outcome).toBe('applied');
    const [, partial] = await envelopesOf(payment);
    expect((partial.payload as { lines: { productId: string }[] }).lines.map((l) => l.productId).sort()).toEqual(
      [order.items[0].productId, order.items[1].productId].sort(),
    );
  });

  it.each<[string, number[], number]>([
    ['an amount no set of lines adds up to', [1_000, 1_500, 2_000], 1_234],
    ['an amount two sets of lines add up to', [1_000, 1_000, 2_000], 2_000],
    ['an amount one of two equal lines is', [1_000, 1_000, 2_000], 1_000],
    ['more than the payment', [1_000, 1_500], 2_501],
  ])('%s → recorded as a mismatch, alerted, nothing applied', async (_case, totals, refunded) => {
    const { payment } = await paymentOf(totals);
    const before = await mismatchCount();
    const event = refundedSoFar(payment, refunded);
    expect(await postEvent(payments, event)).toEqual({ status: 200, body: { received: true, outcome: 'mismatch' } });
    expect(await refundedAmount(payment)).toBe(0);
    expect(await typesOf(payment)).toEqual(['payment.succeeded']);
    expect(
      await queryRows(
        payments.subgraph.deps.db,
        `SELECT event_type AS type, expected_amount AS expected, received_amount::int AS received FROM payment_amount_mismatches WHERE stripe_event_id = $1`,
        [event.id],
      ),
    ).toEqual([{ type: 'charge.refunded', expected: payment.amount.amount, received: refunded }]);
    expect((await mismatchCount()) - before).toBe(1);
    expect(
      payments.logs
        .records()
        .filter((r) => r.eventId === event.id && r.level === 'error' && /amount/.test(r.msg ?? '')),
    ).toHaveLength(1);
    // Stripe's next word on the charge still maps: an unmapped amount held nothing back.
    expect((await postEvent(payments, refundedSoFar(payment, payment.amount.amount))).body.outcome).toBe('applied');
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'REFUNDED' });
  });

  it('the same event again, in a row and at once: applied once', async () => {
    const { payment } = await paymentOf([1_000, 1_500, 2_000]);
    const event = refundedSoFar(payment, 2_000);
    const first = await postEvent(payments, event);
    const replays = await Promise.all([1, 2, 3].map(() => postEvent(payments, event)));
    expect([first, ...replays].map((r) => r.body.outcome)).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate']);
    expect(await typesOf(payment)).toEqual(['payment.succeeded', 'payment.partially_refunded']);
    expect(await refundedAmount(payment)).toBe(2_000);
  });

  it("out of order: Stripe's later word (more refunded) first, then the older one: the older changes nothing", async () => {
    const { payment } = await paymentOf([1_000, 1_500, 2_000]);
    const older = refundedSoFar(payment, 1_000);
    const newer = refundedSoFar(payment, 2_500);
    expect((await postEvent(payments, newer)).body.outcome).toBe('applied');
    expect((await postEvent(payments, older)).body.outcome).toBe('unchanged');
    expect(await refundedAmount(payment)).toBe(2_500);
    expect(await typesOf(payment)).toEqual(['payment.succeeded', 'payment.partially_refunded']);
  });

  it('a partial refund that overtakes the success: payment.succeeded first, then payment.partially_refunded; the late success changes nothing', async () => {
    const { payment } = await paymentOf([1_000, 1_500], false);
    expect((await postEvent(payments, refundedSoFar(payment, 1_000))).body.outcome).toBe('applied');
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect((await postEvent(payments, intentEvent(payment, 'succeeded'))).body.outcome).toBe('unchanged');
    expect(await typesOf(payment)).toEqual(['payment.succeeded', 'payment.partially_refunded']);
  });

  it('a refund in another currency is a mismatch even when the amount maps', async () => {
    const { payment } = await paymentOf([1_000, 1_500]);
    const event = refundedSoFar(payment, 1_000);
    (event.data.object as { currency: string }).currency = 'eur';
    expect((await postEvent(payments, event)).body.outcome).toBe('mismatch');
    expect(await refundedAmount(payment)).toBe(0);
  });
});

it('a refund of a charge payments does not know is answered 404 (Stripe retries), nothing recorded', async () => {
  const event = chargeRefundedEvent({
    paymentIntentId: `pi_unknown_${randomUUID()}`,
    amount: 1_000,
    amountRefunded: 500,
    currency: 'USD',
    metadata: { paymentId: randomUUID(), orderId: randomUUID() },
    chargeId: 'ch_unknown',
  });
  expect((await postEvent(payments, event)).status).toBe(404);
});

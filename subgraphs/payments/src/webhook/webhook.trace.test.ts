import { randomBytes } from 'node:crypto';
import type { TestSubgraph } from '@marketplace/kit/testing';
import { SpanRecorder, recordSpans } from '@marketplace/kit/testing';
import { intentEvent, outboxOf, pendingPayment, postEvent, startPayments, uuidOf } from '../testing';

/** Stripe's webhook is a request of its own: it is handled in the trace the payment was created in. */
let payments: TestSubgraph;
let recorder: SpanRecorder;
beforeAll(async () => {
  payments = await startPayments();
  recorder = recordSpans();
});
afterAll(async () => {
  await recorder.stop();
  await payments.close();
});

async function pendingIn(traceContext: unknown) {
  const { payment } = await pendingPayment(payments);
  await payments.subgraph.deps.db.query(`UPDATE payments SET trace_context = $2 WHERE id = $1`, [
    uuidOf(payment.id),
    JSON.stringify(traceContext),
  ]);
  return payment;
}

const webhookSpans = () => recorder.spans().filter((span) => span.name === 'stripe webhook payment_intent.succeeded');

it("continues the payment's trace, and the events it writes carry it on", async () => {
  const traceId = randomBytes(16).toString('hex');
  const checkoutSpanId = randomBytes(8).toString('hex');
  const payment = await pendingIn({ traceparent: `00-${traceId}-${checkoutSpanId}-01` });
  expect((await postEvent(payments, intentEvent(payment, 'succeeded'))).status).toBe(200);

  const [webhook] = webhookSpans().filter((span) => span.spanContext().traceId === traceId);
  expect(webhook.parentSpanContext?.spanId).toBe(checkoutSpanId);
  expect(webhook.attributes).toMatchObject({
    'marketplace.subgraph': 'payments',
    'stripe.event.type': 'payment_intent.succeeded',
  });
  const created = recorder.spans().find((span) => span.name === 'create payment.succeeded')!;
  expect(created.parentSpanContext?.spanId).toBe(webhook.spanContext().spanId);
  const [envelope] = await outboxOf(payments, uuidOf(payment.id));
  expect(envelope.trace?.traceparent).toBe(`00-${traceId}-${created.spanContext().spanId}-01`);
});

it('a payment without a trace, or with a malformed one, is handled in a trace of its own', async () => {
  for (const stored of [null, { traceparent: '00-malformed-01' }]) {
    const before = webhookSpans().length;
    const payment = await pendingIn(stored);
    expect(await postEvent(payments, intentEvent(payment, 'succeeded'))).toMatchObject({
      status: 200,
      body: { outcome: 'applied' },
    });
    const handled = webhookSpans().slice(before);
    expect(handled).toHaveLength(1);
    expect(handled[0].parentSpanContext).toBeUndefined();
  }
});

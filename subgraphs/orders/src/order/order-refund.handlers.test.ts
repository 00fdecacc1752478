import { ChangeTopics, Events, PayloadOf, createEnvelope, queryRows } from '@marketplace/kit';
import { randomUUID } from 'node:crypto';
import { TestSubgraph, deliver, deliverEvent, until, uuidOf } from '@marketplace/kit/testing';
import { OrderView, customer, paid, paymentOf, placeOrder, published, startOrders, statusOf } from '../testing';

/** payment.partially_refunded and payment.refunded on the order's lines (issue 23: partial refunds). */
let orders: TestSubgraph;
beforeAll(async () => {
  // Quick retries: the refund-before-success case waits on them.
  orders = await startOrders({ EVENTS_RETRY_BASE_MS: '20', EVENTS_RETRY_MAX_MS: '200', EVENTS_MAX_ATTEMPTS: '50' });
});
afterAll(() => orders.close());

type PartialRefund = PayloadOf<typeof Events.PaymentPartiallyRefunded>;

async function paidOrderOfTwo() {
  const token = customer();
  const { order, products } = await placeOrder(orders, token, [
    await published(orders, { name: 'Alpha', price: { amount: 1_000, currency: 'USD' } }),
    await published(orders, { name: 'Beta', price: { amount: 2_500, currency: 'USD' } }),
  ]);
  const paymentId = randomUUID();
  await paid(orders, order, paymentId);
  return { token, order, products, paymentId };
}

const partial = (order: OrderView, paymentId: string, productId: string, amount: number): PartialRefund => ({
  ...paymentOf(order, paymentId),
  refundId: '11111111-1111-4111-8111-111111111111',
  refunded: { amount, currency: 'USD' },
  lines: [{ productId, amount: { amount, currency: 'USD' } }],
  reason: 'Wrong product',
});

const linesOf = (orderId: string) =>
  queryRows<{ name: string; refunded: boolean }>(
    orders.subgraph.deps.db,
    `SELECT name, refunded_at IS NOT NULL AS refunded FROM order_items WHERE order_id = $1 ORDER BY name`,
    [uuidOf(orderId)],
  );
const refundedAmountOf = async (orderId: string) =>
  (
    await queryRows<{ refunded: number; total: number }>(
      orders.subgraph.deps.db,
      `SELECT refunded_amount AS refunded, total_amount AS total FROM orders WHERE id = $1`,
      [uuidOf(orderId)],
    )
  )[0];
const timelineOf = (orderId: string) =>
  queryRows<{ kind: string; summary: string; actorKind: string }>(
    orders.subgraph.deps.db,
    `SELECT kind, summary, actor_kind AS "actorKind" FROM order_timeline WHERE order_id = $1 AND kind IN ('LINES_REFUNDED', 'STATUS_CHANGED') ORDER BY at, id`,
    [uuidOf(orderId)],
  );

describe('payment.partially_refunded', () => {
  it('marks the lines named refunded, adds their totals, keeps the status, writes the timeline and tells subscribers; twice changes nothing more', async () => {
    const { order, products, paymentId } = await paidOrderOfTwo();
    const publish = jest.spyOn(orders.subgraph.deps.changes, 'publish');
    const event = createEnvelope(
      Events.PaymentPartiallyRefunded,
      partial(order, paymentId, products[0].productId, 1_000),
      {
        source: 'test',
        correlationId: 'partial',
        aggregateId: paymentId,
      },
    );
    await deliver(orders, event);
    await deliver(orders, event);
    // The same refund under another event id (a replay by the producer): the line is marked already.
    await deliverEvent(orders, Events.PaymentPartiallyRefunded, event.payload);
    expect(await statusOf(orders, order.id)).toBe('PAID');
    expect(await linesOf(order.id)).toEqual([
      { name: 'Alpha', refunded: true },
      { name: 'Beta', refunded: false },
    ]);
    expect(await refundedAmountOf(order.id)).toEqual({ refunded: 1_000, total: 3_500 });
    const entries = (await timelineOf(order.id)).filter((e) => e.kind === 'LINES_REFUNDED');
    expect(entries).toEqual([
      {
        kind: 'LINES_REFUNDED',
        summary: 'Refunded 10.00 USD for "Alpha": Wrong product',
        actorKind: 'PAYMENT_PROVIDER',
      },
    ]);
    await until(
      () => (publish.mock.calls.some(([topic]) => topic === ChangeTopics.order(uuidOf(order.id))) ? true : undefined),
      'subscribers told',
    );
    publish.mockRestore();
  });

  it('then payment.refunded for the rest: REFUNDED, every line refunded, refunded amount = total', async () => {
    const { order, products, paymentId } = await paidOrderOfTwo();
    await deliverEvent(
      orders,
      Events.PaymentPartiallyRefunded,
      partial(order, paymentId, products[0].productId, 1_000),
    );
    await deliverEvent(orders, Events.PaymentRefunded, {
      ...paymentOf(order, paymentId),
      reason: 'Closing',
      lines: [{ productId: products[1].productId, amount: { amount: 2_500, currency: 'USD' } }],
    });
    expect(await statusOf(orders, order.id)).toBe('REFUNDED');
    expect(await linesOf(order.id)).toEqual([
      { name: 'Alpha', refunded: true },
      { name: 'Beta', refunded: true },
    ]);
    expect(await refundedAmountOf(order.id)).toEqual({ refunded: 3_500, total: 3_500 });
  });

  it('payment.refunded without lines (a whole refund) marks every line and the whole amount', async () => {
    const { order, paymentId } = await paidOrderOfTwo();
    await deliverEvent(orders, Events.PaymentRefunded, { ...paymentOf(order, paymentId), reason: 'whole' });
    expect(await linesOf(order.id)).toEqual([
      { name: 'Alpha', refunded: true },
      { name: 'Beta', refunded: true },
    ]);
    expect(await refundedAmountOf(order.id)).toEqual({ refunded: 3_500, total: 3_500 });
  });

  it('a refund of money that came for a cancelled order changes nothing (the order was never paid)', async () => {
    const { order, paymentId } = await paidOrderOfTwo();
    const cancelled = { ...partial(order, paymentId, uuidOf(order.items[0].product.id), 1_500), orderCancelled: true };
    await deliverEvent(orders, Events.PaymentPartiallyRefunded, cancelled);
    expect(await refundedAmountOf(order.id)).toEqual({ refunded: 0, total: 3_500 });
    expect((await timelineOf(order.id)).filter((e) => e.kind === 'LINES_REFUNDED')).toEqual([]);
  });

  it('a line not in the order changes nothing', async () => {
    const { order, paymentId } = await paidOrderOfTwo();
    await deliverEvent(
      orders,
      Events.PaymentPartiallyRefunded,
      partial(order, paymentId, '22222222-2222-4222-8222-222222222222', 500),
    );
    expect(await refundedAmountOf(order.id)).toEqual({ refunded: 0, total: 3_500 });
    expect((await timelineOf(order.id)).filter((e) => e.kind === 'LINES_REFUNDED')).toEqual([]);
  });

  it('overtaking payment.succeeded is retried until the order is PAID, then applied', async () => {
    const token = customer();
    const { order, products } = await placeOrder(orders, token, [
      await published(orders, { name: 'Gamma', price: { amount: 700, currency: 'USD' } }),
      await published(orders, { name: 'Delta', price: { amount: 800, currency: 'USD' } }),
    ]);
    const payment = paymentOf(order);
    await orders.subgraph.events.transport.publish(
      createEnvelope(Events.PaymentPartiallyRefunded, partial(order, payment.paymentId, products[1].productId, 800), {
        source: 'test',
        correlationId: 'early-partial',
        aggregateId: payment.paymentId,
      }),
    );
    await until(
      () =>
        orders.logs
          .records()
          .some((r) => r.msg === 'event handler failed; retrying' && String(r.err?.message).includes(uuidOf(order.id)))
          ? true
          : undefined,
      'the early partial refund to be retried',
    );
    expect(await refundedAmountOf(order.id)).toEqual({ refunded: 0, total: 1_500 });
    await deliverEvent(orders, Events.PaymentSucceeded, payment);
    await until(
      async () => ((await refundedAmountOf(order.id)).refunded === 800 ? true : undefined),
      'the line to be refunded',
    );
    expect(await statusOf(orders, order.id)).toBe('PAID');
    expect(await linesOf(order.id)).toEqual([
      { name: 'Delta', refunded: true },
      { name: 'Gamma', refunded: false },
    ]);
  });
});

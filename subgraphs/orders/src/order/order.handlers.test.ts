import { randomUUID } from 'node:crypto';
import { Events, createEnvelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, deliverEvent, outboxOf, until, uuidOf } from '@marketplace/kit/testing';
import {
  CANCEL,
  customer,
  orderAs,
  paid,
  paymentOf,
  placeOrder,
  published,
  startOrders,
  statusOf,
  tokenFor,
  warningsAbout,
} from '../testing';

let orders: TestSubgraph;
beforeAll(async () => {
  // Quick retries: the refund-before-success case waits on them.
  orders = await startOrders({ EVENTS_RETRY_BASE_MS: '20', EVENTS_RETRY_MAX_MS: '200', EVENTS_MAX_ATTEMPTS: '50' });
});
afterAll(() => orders.close());

const eventTypes = async (orderId: string) => (await outboxOf(orders, uuidOf(orderId))).map((e) => e.type);
const history = async (orderId: string, token: string) =>
  (await orderAs(orders, orderId, token))!.statusHistory.map(({ from, to, reason }) => [from, to, reason]);
const licensed = (orderId: string, productId: string, ownerId = randomUUID()) =>
  deliverEvent(orders, Events.LicenseIssued, { licenseId: randomUUID(), productId, ownerId, orderId: uuidOf(orderId) });

describe('payment.succeeded', () => {
  it('makes the order PAID and records order.paid with the lines and the payment id', async () => {
    const token = customer();
    const { order, products } = await placeOrder(orders, token, [
      await published(orders, { name: 'One' }),
      await published(orders, { name: 'Two' }),
    ]);
    const paymentId = randomUUID();
    await paid(orders, order, paymentId);
    expect(await statusOf(orders, order.id)).toBe('PAID');
    const events = await outboxOf(orders, uuidOf(order.id));
    expect(events.map((e) => e.type)).toEqual(['order.created', 'order.paid']);
    expect(events[1].payload).toEqual({
      orderId: uuidOf(order.id),
      number: order.number,
      userId: uuidOf(order.owner.id),
      total: order.total,
      subtotal: order.total,
      discount: { amount: 0, currency: order.total.currency },
      tax: { amount: 0, currency: order.total.currency },
      billing: { name: 'Test Buyer', country: 'US', reverseCharge: false },
      paymentId,
      items: products.map((p) => ({
        productId: p.productId,
        vendorId: p.vendorId,
        name: p.name,
        unitPrice: p.price,
        discount: { amount: 0, currency: p.price.currency },
        vendorDiscount: { amount: 0, currency: p.price.currency },
        taxRateBps: 0,
        tax: { amount: 0, currency: p.price.currency },
        total: p.price,
      })),
    });
  });

  it('delivered twice (the same event, and a second event for the same payment) moves the order once', async () => {
    const token = customer();
    const { order } = await placeOrder(orders, token);
    const payment = paymentOf(order);
    const envelope = createEnvelope(Events.PaymentSucceeded, payment, {
      source: 'test',
      correlationId: 'dup',
      aggregateId: uuidOf(order.id),
    });
    await deliver(orders, envelope);
    await deliver(orders, envelope);
    await deliverEvent(orders, Events.PaymentSucceeded, payment);
    expect(await eventTypes(order.id)).toEqual(['order.created', 'order.paid']);
    expect(await history(order.id, token)).toEqual([
      [null, 'PENDING_PAYMENT', 'CHECKOUT'],
      ['PENDING_PAYMENT', 'PAID', 'PAYMENT_SUCCEEDED'],
    ]);
    expect(warningsAbout(orders, order.id)).toEqual([
      expect.objectContaining({ from: 'PAID', to: 'PAID', msg: 'order transition refused' }),
    ]);
  });
});

describe('payment.failed', () => {
  it('makes the order PAYMENT_FAILED; a retried card on the same intent then makes it PAID', async () => {
    const token = customer();
    const { order } = await placeOrder(orders, token);
    await deliverEvent(orders, Events.PaymentFailed, { ...paymentOf(order), reason: 'card_declined' });
    expect(await statusOf(orders, order.id)).toBe('PAYMENT_FAILED');
    await paid(orders, order);
    expect(await history(order.id, token)).toEqual([
      [null, 'PENDING_PAYMENT', 'CHECKOUT'],
      ['PENDING_PAYMENT', 'PAYMENT_FAILED', 'PAYMENT_FAILED'],
      ['PAYMENT_FAILED', 'PAID', 'PAYMENT_SUCCEEDED'],
    ]);
  });

  it('after PAID is refused and logged with from, to and the order id', async () => {
    const token = customer();
    const { order } = await placeOrder(orders, token);
    await paid(orders, order);
    await deliverEvent(orders, Events.PaymentFailed, { ...paymentOf(order), reason: 'late' });
    expect(await statusOf(orders, order.id)).toBe('PAID');
    expect(warningsAbout(orders, order.id)).toEqual([
      expect.objectContaining({
        orderId: uuidOf(order.id),
        from: 'PAID',
        to: 'PAYMENT_FAILED',
        msg: 'order transition refused',
      }),
    ]);
  });
});

describe('license.issued', () => {
  it("records each line's license and fulfils the order when the last line has one", async () => {
    const token = customer();
    const { order, products } = await placeOrder(orders, token, [await published(orders), await published(orders)]);
    await paid(orders, order);
    await licensed(order.id, products[0].productId);
    expect(await statusOf(orders, order.id)).toBe('PAID');
    await licensed(order.id, products[1].productId);
    expect(await statusOf(orders, order.id)).toBe('FULFILLED');
    const rows = await queryRows(orders.subgraph.deps.db, `SELECT license_id FROM order_items WHERE order_id = $1`, [
      uuidOf(order.id),
    ]);
    expect(rows.every((row) => row.license_id)).toBe(true);
    expect((await history(order.id, token)).at(-1)).toEqual(['PAID', 'FULFILLED', 'LICENSES_ISSUED']);
  });

  it('licenses of every line arriving at once still fulfil the order exactly once', async () => {
    const token = customer();
    const products = await Promise.all(Array.from({ length: 5 }, () => published(orders)));
    const { order } = await placeOrder(orders, token, products);
    await paid(orders, order);
    await Promise.all(products.map((p) => licensed(order.id, p.productId)));
    expect(await statusOf(orders, order.id)).toBe('FULFILLED');
    expect((await history(order.id, token)).filter(([, to]) => to === 'FULFILLED')).toHaveLength(1);
  });
});

describe('payment.refunded', () => {
  it('refunds a PAID order and a FULFILLED one', async () => {
    const token = customer();
    const first = (await placeOrder(orders, token)).order;
    await paid(orders, first);
    await deliverEvent(orders, Events.PaymentRefunded, { ...paymentOf(first), reason: 'requested_by_customer' });
    expect(await statusOf(orders, first.id)).toBe('REFUNDED');

    const { order, products } = await placeOrder(orders, token);
    await paid(orders, order);
    await licensed(order.id, products[0].productId);
    await deliverEvent(orders, Events.PaymentRefunded, { ...paymentOf(order), reason: 'requested_by_customer' });
    expect(await history(order.id, token)).toEqual([
      [null, 'PENDING_PAYMENT', 'CHECKOUT'],
      ['PENDING_PAYMENT', 'PAID', 'PAYMENT_SUCCEEDED'],
      ['PAID', 'FULFILLED', 'LICENSES_ISSUED'],
      ['FULFILLED', 'REFUNDED', 'PAYMENT_REFUNDED'],
    ]);
  });

  it('overtaking payment.succeeded is retried until the payment is applied, and the order ends REFUNDED', async () => {
    const token = customer();
    const { order } = await placeOrder(orders, token);
    const payment = paymentOf(order);
    const refund = createEnvelope(
      Events.PaymentRefunded,
      { ...payment, reason: 'fraud' },
      { source: 'test', correlationId: 'early', aggregateId: uuidOf(order.id) },
    );
    await orders.subgraph.events.transport.publish(refund);
    await until(
      () =>
        orders.logs
          .records()
          .some((r) => r.msg === 'event handler failed; retrying' && String(r.err?.message).includes(uuidOf(order.id)))
          ? true
          : undefined,
      'the early refund to be retried',
    );
    expect(await statusOf(orders, order.id)).toBe('PENDING_PAYMENT');
    await deliverEvent(orders, Events.PaymentSucceeded, payment);
    await until(
      async () => ((await statusOf(orders, order.id)) === 'REFUNDED' ? true : undefined),
      'the order to be refunded',
    );
    expect((await history(order.id, token)).map(([, to]) => to)).toEqual(['PENDING_PAYMENT', 'PAID', 'REFUNDED']);
  });
});

describe('refused transitions', () => {
  it('a cancelled order cannot be paid, fulfilled or refunded; each refusal is logged', async () => {
    const token = customer();
    const { order, products } = await placeOrder(orders, token);
    await orders.client.data(CANCEL, { variables: { orderId: order.id }, token });
    await paid(orders, order);
    await licensed(order.id, products[0].productId);
    await deliverEvent(orders, Events.PaymentRefunded, { ...paymentOf(order), reason: 'x' });
    expect(await statusOf(orders, order.id)).toBe('CANCELLED');
    expect(warningsAbout(orders, order.id).map((r) => [r.from, r.to])).toEqual([
      ['CANCELLED', 'PAID'],
      ['CANCELLED', 'REFUNDED'],
    ]);
    expect(await eventTypes(order.id)).toEqual(['order.created', 'order.cancelled']);
  });

  it('events for an unknown order are logged and ignored', async () => {
    const orderId = randomUUID();
    const fake = { id: orderId, total: { amount: 100, currency: 'USD' } };
    await deliverEvent(orders, Events.PaymentSucceeded, paymentOf(fake));
    await deliverEvent(orders, Events.PaymentRefunded, { ...paymentOf(fake), reason: 'x' });
    await deliverEvent(orders, Events.LicenseIssued, {
      licenseId: randomUUID(),
      productId: randomUUID(),
      ownerId: randomUUID(),
      orderId,
    });
    expect(warningsAbout(orders, orderId)).toHaveLength(3);
    expect(
      await queryRows(
        orders.subgraph.deps.db,
        `SELECT 1 FROM dead_letters WHERE body::jsonb->'payload'->>'orderId' = $1`,
        [orderId],
      ),
    ).toEqual([]);
  });
});

describe('the full life of an order', () => {
  it('shows every step in statusHistory, oldest first, with times in order', async () => {
    const token = customer();
    const { order, products } = await placeOrder(orders, token);
    await deliverEvent(orders, Events.PaymentFailed, { ...paymentOf(order), reason: 'card_declined' });
    await paid(orders, order);
    await licensed(order.id, products[0].productId);
    await deliverEvent(orders, Events.PaymentRefunded, { ...paymentOf(order), reason: 'requested_by_customer' });
    const view = (await orderAs(orders, order.id, tokenFor(randomUUID(), 'ADMIN')))!;
    expect(view.status).toBe('REFUNDED');
    expect(view.statusHistory.map(({ from, to, reason }) => [from, to, reason])).toEqual([
      [null, 'PENDING_PAYMENT', 'CHECKOUT'],
      ['PENDING_PAYMENT', 'PAYMENT_FAILED', 'PAYMENT_FAILED'],
      ['PAYMENT_FAILED', 'PAID', 'PAYMENT_SUCCEEDED'],
      ['PAID', 'FULFILLED', 'LICENSES_ISSUED'],
      ['FULFILLED', 'REFUNDED', 'PAYMENT_REFUNDED'],
    ]);
    const times = view.statusHistory.map((step) => Date.parse(step.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(Date.parse(view.updatedAt)).toBe(times.at(-1));
  });
});

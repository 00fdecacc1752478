import { randomUUID } from 'node:crypto';
import { DisputeStatus, Events, createEnvelope } from '@marketplace/kit';
import { TestSubgraph, deliver, deliverEvent, globalId, sqlDuring, tokenFor, uuidOf } from '@marketplace/kit/testing';
import { admin, customer, paid, paymentOf, placeOrder, published, startOrders, userOf } from '../testing';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders({ EVENTS_RETRY_BASE_MS: '20', EVENTS_RETRY_MAX_MS: '200', EVENTS_MAX_ATTEMPTS: '50' });
});
afterAll(() => orders.close());

const TIMELINE = `query($id: ID!) { order(id: $id) { timeline { at kind status summary actor { kind user { id } } } } }`;

interface Entry {
  at: string;
  kind: string;
  status: string | null;
  summary: string;
  actor: { kind: string; user: { id: string } | null };
}

const timelineAs = async (orderId: string, token?: string) =>
  (await orders.client.data<{ order: { timeline: Entry[] } | null }>(TIMELINE, { variables: { id: orderId }, token }))
    .order?.timeline ?? null;
const steps = (entries: Entry[]) => entries.map((e) => [e.kind, e.status, e.actor.kind]);
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

/** An order paid, licensed and refunded by `adminToken`, told as payments and licensing tell it. */
async function lifeOf(token: string, adminToken: string) {
  const product = await published(orders, { name: 'Agent Smith' });
  const { order } = await placeOrder(orders, token, [product]);
  const payment = paymentOf(order);
  const orderId = uuidOf(order.id);
  const base = { paymentId: payment.paymentId, orderId };
  await deliverEvent(orders, Events.PaymentAttemptStarted, {
    ...base,
    provider: 'STRIPE',
    amount: order.total,
    actor: { userId: userOf(token), role: 'CUSTOMER' },
  });
  await deliverEvent(orders, Events.PaymentWebhookReceived, {
    ...base,
    providerEventId: `evt_${randomUUID()}`,
    providerEventType: 'payment_intent.succeeded',
  });
  await paid(orders, order, payment.paymentId);
  const licenseId = randomUUID();
  const license = { licenseId, productId: product.productId, ownerId: userOf(token), orderId };
  await deliverEvent(orders, Events.LicenseIssued, license);
  await deliverEvent(orders, Events.PaymentRefundRequested, {
    ...base,
    reason: 'duplicate purchase',
    actor: { userId: userOf(adminToken), role: 'ADMIN' },
  });
  await deliverEvent(orders, Events.PaymentWebhookReceived, {
    ...base,
    providerEventId: `evt_${randomUUID()}`,
    providerEventType: 'charge.refunded',
  });
  await deliverEvent(orders, Events.PaymentRefunded, { ...payment, reason: 'duplicate purchase' });
  await deliverEvent(orders, Events.LicenseRevoked, { ...license, reason: 'refunded' });
  return order;
}

describe('Order.timeline', () => {
  it('tells the whole life of an order in time order, each step with who or what caused it', async () => {
    const token = customer();
    const adminToken = admin();
    const order = await lifeOf(token, adminToken);
    const entries = (await timelineAs(order.id, adminToken))!;
    expect(steps(entries)).toEqual([
      ['STATUS_CHANGED', 'PENDING_PAYMENT', 'CUSTOMER'],
      ['PAYMENT_ATTEMPT_STARTED', null, 'CUSTOMER'],
      ['WEBHOOK_RECEIVED', null, 'PAYMENT_PROVIDER'],
      ['STATUS_CHANGED', 'PAID', 'PAYMENT_PROVIDER'],
      ['LICENSE_ISSUED', null, 'SYSTEM'],
      ['STATUS_CHANGED', 'FULFILLED', 'SYSTEM'],
      ['REFUND_REQUESTED', null, 'ADMIN'],
      ['WEBHOOK_RECEIVED', null, 'PAYMENT_PROVIDER'],
      ['STATUS_CHANGED', 'REFUNDED', 'ADMIN'],
      ['LICENSE_REVOKED', null, 'SYSTEM'],
    ]);
    const ats = entries.map((e) => Date.parse(e.at));
    expect([...ats].sort((a, b) => a - b)).toEqual(ats);
    expect(entries[0].actor.user).toEqual({ id: order.owner.id });
    expect(entries[6].actor.user).toEqual({ id: globalId('User', userOf(adminToken)) });
    expect(entries[8].actor.user).toEqual({ id: globalId('User', userOf(adminToken)) });
    expect(entries.map((e) => e.summary)).toEqual(
      expect.arrayContaining([
        'Order placed at checkout',
        `Payment of ${(order.total.amount / 100).toFixed(2)} USD started with STRIPE`,
        'License issued for "Agent Smith"',
        'Refund requested: duplicate purchase',
        'License for "Agent Smith" revoked: refunded',
      ]),
    );
  });

  it('shows a dispute opened and closed, as the payment provider told it', async () => {
    const token = customer();
    const product = await published(orders, { name: 'Disputed Agent' });
    const { order } = await placeOrder(orders, token, [product]);
    const payment = paymentOf(order);
    await paid(orders, order, payment.paymentId);
    await deliverEvent(orders, Events.PaymentDisputed, { ...payment, reason: 'fraudulent' });
    await deliverEvent(orders, Events.PaymentDisputeClosed, {
      paymentId: payment.paymentId,
      orderId: uuidOf(order.id),
      disputeId: 'dp_timeline',
      outcome: 'LOST',
      status: DisputeStatus.LOST,
      amount: order.total,
      closedAt: new Date().toISOString(),
    });
    const entries = (await timelineAs(order.id, token))!;
    const disputes = entries.filter((e) => e.kind.startsWith('DISPUTE_'));
    expect(disputes.map((e) => [e.kind, e.actor.kind])).toEqual([
      ['DISPUTE_OPENED', 'PAYMENT_PROVIDER'],
      ['DISPUTE_CLOSED', 'PAYMENT_PROVIDER'],
    ]);
    expect(disputes[0].summary).toContain('disputed by the cardholder (fraudulent)');
    expect(disputes[1].summary).toContain('lost');
  });

  it('shows the owner that an admin acted, not which admin; someone else gets no order at all', async () => {
    const token = customer();
    const order = await lifeOf(token, admin());
    const own = (await timelineAs(order.id, token))!;
    expect(own[0].actor.user).toEqual({ id: order.owner.id });
    expect(own.filter((e) => e.actor.kind === 'ADMIN').map((e) => e.actor.user)).toEqual([null, null]);
    expect(await timelineAs(order.id, customer())).toBeNull();
    expect(await timelineAs(order.id, tokenFor(randomUUID(), 'VENDOR'))).toBeNull();
    expect(await timelineAs(order.id, undefined)).toBeNull();
  });

  it('credits the refund to the admin even when the request is heard after the refund', async () => {
    const token = customer();
    const adminToken = admin();
    const { order } = await placeOrder(orders, token);
    const payment = paymentOf(order);
    await paid(orders, order, payment.paymentId);
    // Asked between the payment and the refund, heard only after the refund.
    const askedAt = new Date().toISOString();
    await deliverEvent(orders, Events.PaymentRefunded, { ...payment, reason: 'asked' });
    expect((await timelineAs(order.id, adminToken))!.at(-1)!.actor.kind).toBe('PAYMENT_PROVIDER');
    await deliverEvent(
      orders,
      Events.PaymentRefundRequested,
      {
        paymentId: payment.paymentId,
        orderId: uuidOf(order.id),
        reason: 'asked',
        actor: { userId: userOf(adminToken), role: 'ADMIN' },
      },
      { occurredAt: askedAt },
    );
    const entries = (await timelineAs(order.id, adminToken))!;
    expect(steps(entries).slice(-2)).toEqual([
      ['REFUND_REQUESTED', null, 'ADMIN'],
      ['STATUS_CHANGED', 'REFUNDED', 'ADMIN'],
    ]);
  });

  it('names the admin who cancelled, and the timer that expired an order', async () => {
    const adminToken = admin();
    const { order } = await placeOrder(orders, customer());
    await orders.client.data(`mutation($orderId: ID!) { cancelOrder(input: { orderId: $orderId }) { order { id } } }`, {
      variables: { orderId: order.id },
      token: adminToken,
    });
    const last = (await timelineAs(order.id, adminToken))!.at(-1)!;
    expect([last.status, last.actor]).toEqual([
      'CANCELLED',
      { kind: 'ADMIN', user: { id: globalId('User', userOf(adminToken)) } },
    ]);
  });

  it('adds nothing for a redelivered event, nor for an order it never had', async () => {
    const { order } = await placeOrder(orders, customer());
    const envelope = createEnvelope(
      Events.PaymentWebhookReceived,
      {
        paymentId: randomUUID(),
        orderId: uuidOf(order.id),
        providerEventId: 'evt_1',
        providerEventType: 'payment_intent.processing',
      },
      { source: 'test', correlationId: 'dup', aggregateId: uuidOf(order.id) },
    );
    await deliver(orders, envelope);
    await deliver(orders, { ...envelope });
    await deliverEvent(orders, Events.PaymentWebhookReceived, {
      paymentId: randomUUID(),
      orderId: randomUUID(),
      providerEventId: 'evt_2',
      providerEventType: 'payment_intent.processing',
    });
    expect(steps((await timelineAs(order.id, admin()))!)).toEqual([
      ['STATUS_CHANGED', 'PENDING_PAYMENT', 'CUSTOMER'],
      ['WEBHOOK_RECEIVED', null, 'PAYMENT_PROVIDER'],
    ]);
  });

  it('keeps every entry of concurrent events, in the order they happened', async () => {
    const products = [await published(orders), await published(orders), await published(orders)];
    const token = customer();
    const { order } = await placeOrder(orders, token, products);
    const orderId = uuidOf(order.id);
    const payment = paymentOf(order);
    await paid(orders, order, payment.paymentId);
    // Delivered at once and in reverse: each entry keeps the time its event happened.
    const webhooks = Array.from({ length: 8 }, (_, i) =>
      deliverEvent(
        orders,
        Events.PaymentWebhookReceived,
        {
          paymentId: payment.paymentId,
          orderId,
          providerEventId: `evt_${i}`,
          providerEventType: 'payment_intent.processing',
        },
        { occurredAt: later(1000 + (8 - i) * 10) },
      ),
    );
    const licenses = products.map((p) =>
      deliverEvent(orders, Events.LicenseIssued, {
        licenseId: randomUUID(),
        productId: p.productId,
        ownerId: userOf(token),
        orderId,
      }),
    );
    await Promise.all([...webhooks, ...licenses]);
    const entries = (await timelineAs(order.id, admin()))!;
    expect(entries.filter((e) => e.kind === 'WEBHOOK_RECEIVED').map((e) => e.summary)).toEqual(
      Array.from({ length: 8 }, (_, i) => `Payment provider event payment_intent.processing received (evt_${7 - i})`),
    );
    expect(entries.filter((e) => e.kind === 'LICENSE_ISSUED')).toHaveLength(3);
    expect(entries.filter((e) => e.status === 'FULFILLED')).toHaveLength(1);
    const ats = entries.map((e) => Date.parse(e.at));
    expect([...ats].sort((a, b) => a - b)).toEqual(ats);
  });

  it('reads the timelines of a whole page of orders in one statement', async () => {
    for (let i = 0; i < 3; i++) await placeOrder(orders, customer());
    const query = (first: number) =>
      orders.client.data(`query($first: Int) { orders(first: $first) { edges { node { id timeline { kind } } } } }`, {
        variables: { first },
        token: admin(),
      });
    const small = await sqlDuring(orders, () => query(2));
    const large = await sqlDuring(orders, () => query(20));
    const timelineReads = (s: string[]) => s.filter((q) => /FROM order_timeline/.test(q)).length;
    expect([timelineReads(small.statements), timelineReads(large.statements)]).toEqual([1, 1]);
    expect(large.statements.length).toBe(small.statements.length);
  });
});

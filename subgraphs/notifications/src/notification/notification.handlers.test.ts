import { randomUUID } from 'node:crypto';
import { Events, createEnvelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, deliverEvent, globalId, person } from '@marketplace/kit/testing';
import {
  TEST_APP_URL,
  deliverToAll,
  inboxOf,
  kindsOf,
  orderSummary,
  registered,
  settled,
  startNotifications,
  UPDATE_PREFERENCES,
} from '../testing';

/** Every trigger of an in-app notification, from the event as its producer publishes it. */
let notifications: TestSubgraph;
beforeAll(async () => {
  notifications = await startNotifications();
});
afterAll(() => notifications.close());

const rows = <T = Record<string, unknown>>(sql: string, parameters: unknown[]) =>
  queryRows<T>(notifications.subgraph.deps.db, sql, parameters);

/** An order the subgraph heard of (`order.created`), of `customer`, with one line of `vendorId`. */
async function orderOf(customerId: string, vendorId: string = randomUUID()) {
  const order = orderSummary({ userId: customerId });
  order.items[0].vendorId = vendorId;
  await deliverEvent(notifications, Events.OrderCreated, order);
  return order;
}

const payment = (orderId: string) => ({
  paymentId: randomUUID(),
  orderId,
  amount: { amount: 1999, currency: 'USD' },
  providerRef: `pi_${randomUUID().slice(0, 8)}`,
});

describe('customers', () => {
  it('welcomes a new user (user.registered)', async () => {
    const user = person();
    await deliverToAll(
      notifications,
      Events.UserRegistered,
      { userId: user.id, email: `w-${user.id}@example.com`, displayName: 'Wendy', role: 'CUSTOMER' },
      2,
    );
    const [node] = (await inboxOf(notifications, user)).notifications!.edges.map((edge) => edge.node);
    expect(node).toMatchObject({
      kind: 'WELCOME',
      category: 'ACCOUNT',
      title: expect.stringContaining('Wendy'),
      read: false,
    });
    expect(node.link).toBe(`${TEST_APP_URL}/`);
  });

  it('sends the receipt when the order is paid (order.paid), linking the order page', async () => {
    const user = person();
    const order = orderSummary({ userId: user.id });
    await deliverToAll(notifications, Events.OrderPaid, { ...order, paymentId: randomUUID() }, 2);
    const inbox = await inboxOf(notifications, user);
    expect(inbox.unreadNotificationCount).toBe(1);
    expect(inbox.notifications!.edges[0].node).toMatchObject({
      kind: 'ORDER_RECEIPT',
      category: 'RECEIPTS',
      title: `Order ${order.number} is paid`,
      body: expect.stringContaining('19.99 USD'),
      link: `${TEST_APP_URL}/orders/${globalId('Order', order.orderId)}`,
    });
  });

  it('tells the owner a license is ready (license.issued) and when one is revoked (license.revoked), with the reason', async () => {
    const user = person();
    const license = { licenseId: randomUUID(), productId: randomUUID(), ownerId: user.id, orderId: randomUUID() };
    await deliverEvent(notifications, Events.LicenseIssued, license);
    await deliverEvent(notifications, Events.LicenseRevoked, { ...license, reason: 'REFUNDED' });
    const nodes = (await inboxOf(notifications, user)).notifications!.edges.map((edge) => edge.node);
    expect(nodes.map((node) => node.kind)).toEqual(['LICENSE_REVOKED', 'LICENSE_ISSUED']);
    expect(nodes[0].body).toContain('REFUNDED');
    expect(nodes[1].link).toBe(`${TEST_APP_URL}/licenses/${globalId('License', license.licenseId)}`);
  });

  it("tells the order's customer of a failed payment (payment.failed) and a refund (payment.refunded)", async () => {
    const user = person();
    const order = await orderOf(user.id);
    await deliverEvent(notifications, Events.PaymentFailed, { ...payment(order.orderId), reason: 'card_declined' });
    await deliverEvent(notifications, Events.PaymentRefunded, { ...payment(order.orderId), reason: 'requested' });
    const nodes = (await inboxOf(notifications, user)).notifications!.edges.map((edge) => edge.node);
    expect(nodes.map((node) => [node.kind, node.category])).toEqual([
      ['REFUND_ISSUED', 'RECEIPTS'],
      ['PAYMENT_FAILED', 'RECEIPTS'],
    ]);
    expect(nodes[1]).toMatchObject({
      title: `Payment of order ${order.number} failed`,
      body: expect.stringContaining('card_declined'),
    });
  });

  it('tells each wishlister of a price drop (product.price_dropped), unless they turned WISHLIST off in the app', async () => {
    const [keen, quiet] = [person(), person()];
    await notifications.client.data(UPDATE_PREFERENCES, {
      variables: { input: { preferences: [{ category: 'WISHLIST', inApp: false, email: true }] } },
      token: quiet.token,
    });
    await deliverEvent(notifications, Events.ProductPriceDropped, {
      productId: randomUUID(),
      slug: 'inbox-agent',
      name: 'Inbox Agent',
      previousPrice: { amount: 2999, currency: 'USD' },
      price: { amount: 1999, currency: 'USD' },
      userIds: [keen.id, quiet.id],
    });
    const [node] = (await inboxOf(notifications, keen)).notifications!.edges.map((edge) => edge.node);
    expect(node).toMatchObject({
      kind: 'PRICE_DROP',
      category: 'WISHLIST',
      title: 'Inbox Agent is now 19.99 USD',
      body: expect.stringContaining('29.99 USD → 19.99 USD'),
      link: `${TEST_APP_URL}/products/inbox-agent`,
    });
    expect((await inboxOf(notifications, quiet)).notifications!.totalCount).toBe(0);
  });

  it('retries a payment event that comes before its order, then notifies once the order is known', async () => {
    const user = person();
    const order = orderSummary({ userId: user.id });
    const failed = createEnvelope(
      Events.PaymentFailed,
      { ...payment(order.orderId), reason: 'card_declined' },
      {
        source: 'test',
        correlationId: `test-${randomUUID()}`,
        aggregateId: order.orderId,
      },
    );
    await notifications.subgraph.events.transport.publish(failed);
    await deliverEvent(notifications, Events.OrderCreated, order);
    await deliver(notifications, failed, 30_000);
    expect(await kindsOf(notifications, user)).toEqual(['PAYMENT_FAILED']);
  });
});

describe('vendors', () => {
  it('tells the applicant of the approval (vendor.approved) and the rejection with its reason (vendor.rejected)', async () => {
    const approved = person('VENDOR');
    const rejected = person();
    await deliverToAll(
      notifications,
      Events.VendorApproved,
      { vendorId: randomUUID(), userId: approved.id, displayName: 'Acme AI', slug: 'acme-ai', commissionBps: 1500 },
      2,
    );
    await deliverEvent(notifications, Events.VendorRejected, {
      vendorId: randomUUID(),
      userId: rejected.id,
      reason: 'No product described',
    });
    expect((await inboxOf(notifications, approved)).notifications!.edges[0].node).toMatchObject({
      kind: 'VENDOR_APPROVED',
      title: 'Acme AI may now sell',
      body: expect.stringContaining('15.00 %'),
    });
    expect((await inboxOf(notifications, rejected)).notifications!.edges[0].node).toMatchObject({
      kind: 'VENDOR_REJECTED',
      body: expect.stringContaining('No product described'),
    });
  });

  it('tells the vendor of a sale, net after commission (vendor.sale_credited)', async () => {
    const vendor = person('VENDOR');
    await deliverEvent(notifications, Events.VendorSaleCredited, {
      vendorId: randomUUID(),
      userId: vendor.id,
      orderId: randomUUID(),
      number: 'M-1001',
      gross: { amount: 2000, currency: 'USD' },
      commission: { amount: 300, currency: 'USD' },
      net: { amount: 1700, currency: 'USD' },
      items: [{ productId: randomUUID(), name: 'Support Agent' }],
    });
    expect((await inboxOf(notifications, vendor)).notifications!.edges[0].node).toMatchObject({
      kind: 'NEW_SALE',
      category: 'SALES',
      title: 'New sale: 17.00 USD',
      body: expect.stringContaining('3.00 USD commission'),
    });
  });
});

describe('admins and disputes', () => {
  it("tells every active admin and the order's vendor of a dispute (payment.disputed); not the customer, not a suspended admin", async () => {
    const [admin, otherAdmin, suspendedAdmin] = [person('ADMIN'), person('ADMIN'), person('ADMIN')];
    for (const each of [admin, otherAdmin, suspendedAdmin]) await registered(notifications, 'ADMIN', each.id);
    await deliverEvent(notifications, Events.UserSuspended, { userId: suspendedAdmin.id, until: null });
    const vendor = person('VENDOR');
    const vendorId = randomUUID();
    await deliverToAll(
      notifications,
      Events.VendorApproved,
      { vendorId, userId: vendor.id, displayName: 'Disputed Co', slug: 'disputed-co', commissionBps: 1000 },
      2,
    );
    const customer = person();
    const order = await orderOf(customer.id, vendorId);
    await deliverToAll(notifications, Events.PaymentDisputed, { ...payment(order.orderId), reason: 'fraudulent' }, 2);
    for (const each of [admin, otherAdmin]) expect((await kindsOf(notifications, each))[0]).toBe('DISPUTE_OPENED');
    expect(await kindsOf(notifications, suspendedAdmin)).not.toContain('DISPUTE_OPENED');
    expect((await kindsOf(notifications, vendor))[0]).toBe('SALE_DISPUTED');
    expect(await kindsOf(notifications, customer)).toEqual([]);
  });

  it('tells every admin of a dead letter (event.dead_lettered), and a customer promoted to admin afterwards too', async () => {
    const admin = person('ADMIN');
    await registered(notifications, 'ADMIN', admin.id);
    const promoted = person('ADMIN');
    await registered(notifications, 'CUSTOMER', promoted.id);
    await deliverEvent(notifications, Events.AuditRecorded, {
      action: 'USER_ROLE_CHANGED',
      actor: { kind: 'USER', userId: admin.id, role: 'ADMIN' },
      targetType: 'User',
      targetId: promoted.id,
      before: { role: 'CUSTOMER' },
      after: { role: 'ADMIN' },
      requestId: `req-${randomUUID()}`,
      clientIp: null,
    });
    await deliverEvent(notifications, Events.EventDeadLettered, {
      deadLetterId: randomUUID(),
      subgraph: 'licensing',
      handler: 'issue-licenses',
      eventType: 'order.paid',
      eventId: randomUUID(),
      envelope: '{}',
      lastError: 'boom',
      attempts: 5,
      deadLetteredAt: new Date().toISOString(),
    });
    for (const each of [admin, promoted]) {
      expect((await inboxOf(notifications, each)).notifications!.edges[0].node).toMatchObject({
        kind: 'EVENT_DEAD_LETTERED',
        category: 'OPERATIONS',
        title: 'An event failed for good in licensing',
        link: `${TEST_APP_URL}/admin/dead-letters`,
      });
    }
  });
});

describe('at most once', () => {
  it('creates nothing twice when the same event is redelivered', async () => {
    const user = person();
    const envelope = await deliverToAll(
      notifications,
      Events.OrderPaid,
      { ...orderSummary({ userId: user.id }), paymentId: randomUUID() },
      2,
    );
    await deliver(notifications, envelope);
    await deliver(notifications, envelope);
    expect(await kindsOf(notifications, user)).toEqual(['ORDER_RECEIPT']);
  });

  it('creates one notification when deliveries of the same event race', async () => {
    const user = person();
    const envelope = createEnvelope(
      Events.LicenseIssued,
      { licenseId: randomUUID(), productId: randomUUID(), ownerId: user.id, orderId: randomUUID() },
      { source: 'test', correlationId: `test-${randomUUID()}`, aggregateId: randomUUID() },
    );
    await Promise.all(Array.from({ length: 5 }, () => notifications.subgraph.events.transport.publish(envelope)));
    await settled(notifications, envelope, 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await rows(`SELECT kind FROM notifications WHERE source_event_id = $1`, [envelope.id])).toEqual([
      { kind: 'LICENSE_ISSUED' },
    ]);
  });

  it('keeps the unique key (event, recipient, kind) even past the inbox', async () => {
    const user = person();
    const envelope = await deliverEvent(notifications, Events.LicenseIssued, {
      licenseId: randomUUID(),
      productId: randomUUID(),
      ownerId: user.id,
      orderId: randomUUID(),
    });
    // As if a second handler run slipped past the inbox (a replay): the table refuses the copy.
    await rows(`DELETE FROM inbox WHERE event_id = $1`, [envelope.id]);
    await deliver(notifications, envelope);
    expect(await kindsOf(notifications, user)).toEqual(['LICENSE_ISSUED']);
  });
});

describe('reviews and payouts', () => {
  it('tells every admin of a vendor application (vendor.applied) and of a product to review (product.submitted_for_review)', async () => {
    const admin = person('ADMIN');
    await registered(notifications, 'ADMIN', admin.id);
    await deliverEvent(notifications, Events.VendorApplied, {
      vendorId: randomUUID(),
      userId: randomUUID(),
      displayName: 'Newcomer Labs',
    });
    await deliverEvent(notifications, Events.ProductSubmittedForReview, {
      productId: randomUUID(),
      vendorId: randomUUID(),
      userId: randomUUID(),
      name: 'Triage Agent',
    });
    const nodes = (await inboxOf(notifications, admin)).notifications!.edges.map((edge) => edge.node);
    expect(nodes.slice(0, 2).map((node) => [node.kind, node.category, node.title])).toEqual([
      ['PRODUCT_SUBMITTED', 'MODERATION', 'Triage Agent waits for review'],
      ['VENDOR_APPLIED', 'MODERATION', 'Newcomer Labs applied to sell'],
    ]);
    expect(nodes[0].link).toBe(`${TEST_APP_URL}/admin/moderation`);
  });

  it("tells the vendor of the review's answer (product.moderated) and of the payout's (payout.settled), with the reasons", async () => {
    const vendor = person('VENDOR');
    const product = {
      productId: randomUUID(),
      vendorId: randomUUID(),
      userId: vendor.id,
      name: 'Triage Agent',
      slug: 'triage-agent',
    };
    await deliverEvent(notifications, Events.ProductModerated, {
      ...product,
      decision: 'REJECTED',
      reason: 'No screenshots',
    });
    await deliverEvent(notifications, Events.ProductModerated, { ...product, decision: 'APPROVED', reason: null });
    const payout = {
      payoutId: randomUUID(),
      vendorId: product.vendorId,
      userId: vendor.id,
      amount: { amount: 12000, currency: 'USD' },
    };
    await deliverEvent(notifications, Events.PayoutSettled, {
      ...payout,
      status: 'REJECTED',
      reason: 'Bank details missing',
    });
    await deliverEvent(notifications, Events.PayoutSettled, {
      ...payout,
      payoutId: randomUUID(),
      status: 'PAID',
      reason: null,
    });
    const nodes = (await inboxOf(notifications, vendor)).notifications!.edges.map((edge) => edge.node);
    expect(nodes.map((node) => node.kind)).toEqual([
      'PAYOUT_PAID',
      'PAYOUT_REJECTED',
      'PRODUCT_APPROVED',
      'PRODUCT_REJECTED',
    ]);
    expect(nodes[1]).toMatchObject({
      title: 'Payout of 120.00 USD rejected',
      body: expect.stringContaining('Bank details missing'),
    });
    expect(nodes[3]).toMatchObject({
      body: expect.stringContaining('No screenshots'),
      link: `${TEST_APP_URL}/vendor/products/${globalId('Product', product.productId)}`,
    });
  });
});

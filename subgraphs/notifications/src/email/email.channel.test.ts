import { randomUUID } from 'node:crypto';
import { Events, MailSink, queryRows } from '@marketplace/kit';
import {
  TestSubgraph,
  deliver,
  deliverEvent,
  globalId,
  person,
  startTestMailSink,
  until,
} from '@marketplace/kit/testing';
import {
  TEST_APP_URL,
  USER_PREFERENCES,
  UPDATE_PREFERENCES,
  deliverToAll,
  inboxOf,
  orderSummary,
  registered,
  settled,
  startNotifications,
} from '../testing';

/**
 * The email channel through a real SMTP server: what each notification mails, to whom, once,
 * on the recipient's preferences, with RFC 8058 unsubscribe headers on what may be turned off.
 */
let notifications: TestSubgraph;
let sink: MailSink;
beforeAll(async () => {
  sink = await startTestMailSink();
  notifications = await startNotifications({
    SMTP_URL: sink.url,
    PUBLIC_URL: 'https://api.example.test',
    APP_NAME: 'Agent Bazaar',
    MAIL_POLL_MS: '100',
  });
});
afterAll(async () => {
  await notifications?.close();
  await sink?.close();
});

const rows = <T = Record<string, unknown>>(sql: string, parameters: unknown[] = []) =>
  queryRows<T>(notifications.subgraph.deps.db, sql, parameters);

const addressOf = (userId: string, role = 'customer') => `${role}-${userId.slice(0, 8)}@example.com`;
const mailsTo = (address: string) => sink.list().filter((mail) => mail.to.includes(address));
const mailTo = (address: string, subject: RegExp) =>
  sink.waitFor((mail) => mail.to.includes(address) && subject.test(mail.subject), 10_000);

describe('what is mailed', () => {
  it('welcomes a new user by name, with the marketplace name, a link and one-click unsubscribe headers', async () => {
    const userId = await registered(notifications, 'CUSTOMER');
    const mail = await mailTo(addressOf(userId), /^Welcome to Agent Bazaar$/);
    expect(mail.text).toContain('Hi CUSTOMER ');
    expect(mail.html).toContain(`href="${TEST_APP_URL}/products"`);
    expect(mail.headers['x-marketplace-mail']).toBe('welcome');
    expect(mail.headers['list-unsubscribe']).toMatch(/^<https:\/\/api\.example\.test\/unsubscribe\/[\w-]+\.[\w-]+>$/);
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const link = mail.headers['list-unsubscribe'].slice(1, -1);
    expect(mail.text).toContain(`Unsubscribe from these emails: ${link}`);
  });

  it('mails a failed payment (transactional: no unsubscribe) with the retry link', async () => {
    const userId = await registered(notifications, 'CUSTOMER');
    const order = orderSummary({ userId });
    await deliverEvent(notifications, Events.OrderCreated, order);
    await deliverEvent(notifications, Events.PaymentFailed, {
      paymentId: randomUUID(),
      orderId: order.orderId,
      amount: order.total,
      providerRef: 'pi_failed',
      reason: 'card_declined',
    });
    const mail = await mailTo(addressOf(userId), /did not go through/);
    expect(mail.text).toContain('19.99 USD');
    expect(mail.text).toContain('card_declined');
    expect(mail.text).toContain(`${TEST_APP_URL}/orders/`);
    expect(mail.headers['list-unsubscribe']).toBeUndefined();
  });

  it('mails the receipt once licensing issued the keys (order.licensed): every line, its key, the order link', async () => {
    const userId = await registered(notifications, 'CUSTOMER');
    const order = orderSummary({ userId });
    order.items.push({ ...order.items[0], productId: randomUUID(), name: 'Workflow <Pro>' });
    const licenses = order.items.map((item, index) => ({
      licenseId: randomUUID(),
      productId: item.productId,
      licenseKey: `mk1.key-${index}-${randomUUID()}`,
    }));
    await deliverEvent(notifications, Events.OrderLicensed, { ...order, paymentId: randomUUID(), licenses });
    const mail = await mailTo(addressOf(userId), /^Your receipt for order /);
    expect(mail.subject).toBe(`Your receipt for order ${order.number}`);
    for (const license of licenses) {
      expect(mail.text).toContain(license.licenseKey);
      expect(mail.html).toContain(license.licenseKey);
    }
    expect(mail.html).toContain('Workflow &lt;Pro&gt;');
    expect(mail.html).not.toContain('Workflow <Pro>');
    expect(mail.text).toContain(`${TEST_APP_URL}/orders/`);
    expect(mail.headers['list-unsubscribe']).toBeUndefined();
    // Sent: the keys live in the mailbox only, not in the outbox.
    const sent = await until(async () => {
      const [row] = await rows<{ status: string }>(
        `SELECT status, text_body, html_body FROM mail_outbox WHERE recipient_id = $1 AND kind = 'orderReceipt'`,
        [userId],
      );
      return row?.status === 'SENT' ? row : undefined;
    }, 'the receipt to be recorded SENT');
    expect(sent).toEqual({ status: 'SENT', text_body: null, html_body: null });
  });

  it('shows on the receipt what each line cost, discounts and tax included, so the lines add up to the total', async () => {
    const userId = await registered(notifications, 'CUSTOMER');
    const eur = (amount: number) => ({ amount, currency: 'EUR' });
    const line = { productId: randomUUID(), vendorId: randomUUID(), name: 'Taxed Agent', unitPrice: eur(2500) };
    const order = orderSummary({
      userId,
      total: eur(2395),
      items: [{ ...line, discount: eur(487), taxRateBps: 1900, tax: eur(382), total: eur(2395) }],
    });
    const licenses = [{ licenseId: randomUUID(), productId: line.productId, licenseKey: `mk1.${randomUUID()}` }];
    await deliverEvent(notifications, Events.OrderLicensed, { ...order, paymentId: randomUUID(), licenses });
    const mail = await mailTo(addressOf(userId), /^Your receipt for order /);
    expect(mail.text).toContain('23.95 EUR');
    expect(mail.text).not.toContain('25.00 EUR');
  });

  it('mails a price drop to each wishlister, with one-click unsubscribe (WISHLIST may be turned off)', async () => {
    const userId = await registered(notifications, 'CUSTOMER');
    await deliverEvent(notifications, Events.ProductPriceDropped, {
      productId: randomUUID(),
      slug: 'csv-cleaner',
      name: 'CSV Cleaner',
      previousPrice: { amount: 1500, currency: 'EUR' },
      price: { amount: 900, currency: 'EUR' },
      userIds: [userId],
    });
    const mail = await mailTo(addressOf(userId), /^CSV Cleaner is now 9\.00 EUR$/);
    expect(mail.text).toContain('15.00 EUR');
    expect(mail.html).toContain(`href="${TEST_APP_URL}/products/csv-cleaner"`);
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  });

  it('mails every admin what waits for review, naming the vendor', async () => {
    const admins = [await registered(notifications, 'ADMIN'), await registered(notifications, 'ADMIN')];
    const vendorId = randomUUID();
    const vendorUser = await registered(notifications, 'CUSTOMER');
    await deliverToAll(
      notifications,
      Events.VendorApplied,
      { vendorId, userId: vendorUser, displayName: 'Acme Agents' },
      2,
    );
    await deliverEvent(notifications, Events.ProductSubmittedForReview, {
      productId: randomUUID(),
      vendorId,
      userId: vendorUser,
      name: 'Triage Bot',
    });
    for (const admin of admins) {
      const mail = await mailTo(addressOf(admin, 'admin'), /^Product submitted for review: Triage Bot$/);
      expect(mail.text).toContain('Acme Agents submitted Triage Bot for review.');
      const application = await mailTo(addressOf(admin, 'admin'), /^New vendor application: Acme Agents$/);
      expect(application.text).toContain(addressOf(vendorUser));
    }
  });

  it('sends nothing for a recipient it has not heard of (no address)', async () => {
    const stranger = randomUUID();
    const envelope = await deliverEvent(notifications, Events.VendorRejected, {
      vendorId: randomUUID(),
      userId: stranger,
      reason: 'Incomplete',
    });
    await settled(notifications, envelope, 1);
    expect(await rows(`SELECT 1 FROM mail_outbox WHERE recipient_id = $1`, [stranger])).toHaveLength(0);
  });
});

describe('once, whatever redelivers', () => {
  it('a redelivered event mails nothing a second time', async () => {
    const userId = randomUUID();
    const envelope = await deliverToAll(
      notifications,
      Events.UserRegistered,
      { userId, email: addressOf(userId), displayName: 'Ray', role: 'CUSTOMER' },
      2,
    );
    await mailTo(addressOf(userId), /^Welcome/);
    await deliver(notifications, envelope);
    await deliver(notifications, envelope);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mailsTo(addressOf(userId))).toHaveLength(1);
    expect(await rows(`SELECT status FROM mail_outbox WHERE recipient_id = $1`, [userId])).toEqual([
      { status: 'SENT' },
    ]);
  });
});

describe('preferences and unsubscribing', () => {
  const origin = () => notifications.subgraph.url.replace(/\/graphql$/, '');
  const preferencesOf = async (user: { id: string; token: string }) => {
    const { _entities } = await notifications.client.data<{
      _entities: [{ notificationPreferences: { category: string; inApp: boolean; email: boolean }[] }];
    }>(USER_PREFERENCES, {
      variables: { userId: globalId('User', user.id) },
      token: user.token,
    });
    return Object.fromEntries(_entities[0].notificationPreferences.map((p) => [p.category, p]));
  };

  it('honours email turned off: the in-app notification still comes, the mail does not', async () => {
    const vendor = person('VENDOR');
    await registered(notifications, 'VENDOR', vendor.id);
    await notifications.client.data(UPDATE_PREFERENCES, {
      variables: { input: { preferences: [{ category: 'ACCOUNT', inApp: true, email: false }] } },
      token: vendor.token,
    });
    const envelope = await deliverToAll(
      notifications,
      Events.VendorApproved,
      { vendorId: randomUUID(), userId: vendor.id, displayName: 'Quiet Co', slug: 'quiet-co', commissionBps: 1500 },
      2,
    );
    await settled(notifications, envelope, 2);
    expect((await inboxOf(notifications, vendor)).notifications!.edges.map((e) => e.node.kind)).toContain(
      'VENDOR_APPROVED',
    );
    expect(
      await rows(`SELECT kind FROM mail_outbox WHERE recipient_id = $1 AND kind = 'vendorApproved'`, [vendor.id]),
    ).toEqual([]);
  });

  it('one-click unsubscribe: GET only asks, POST turns that category off for email (in-app stays), and again is harmless', async () => {
    const user = person();
    await registered(notifications, 'CUSTOMER', user.id);
    const mail = await mailTo(addressOf(user.id), /^Welcome/);
    const link = mail.headers['list-unsubscribe'].slice(1, -1);
    const local = `${origin()}${new URL(link).pathname}`;

    const asked = await fetch(local);
    expect(asked.status).toBe(200);
    expect(asked.headers.get('referrer-policy')).toBe('no-referrer');
    expect(asked.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await asked.text()).toContain('<form method="post">');
    expect((await preferencesOf(user)).ACCOUNT).toMatchObject({ email: true, inApp: true });

    for (let time = 0; time < 2; time += 1) {
      const done = await fetch(local, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(done.status).toBe(200);
      expect(await done.text()).toContain('You are unsubscribed');
    }
    expect((await preferencesOf(user)).ACCOUNT).toMatchObject({ email: false, inApp: true });
    expect((await preferencesOf(user)).SALES).toMatchObject({ email: true });
  });

  it.each([
    ['forged', (token: string) => `${token.slice(0, -2)}xx`],
    ['truncated', (token: string) => token.split('.')[0]],
    ['garbage', () => '%3Cscript%3E'],
  ])('refuses a %s token with 400 and changes nothing', async (_name, spoil) => {
    const user = person();
    await registered(notifications, 'CUSTOMER', user.id);
    const mail = await mailTo(addressOf(user.id), /^Welcome/);
    const token = mail.headers['list-unsubscribe'].slice(1, -1).split('/unsubscribe/')[1];
    for (const method of ['GET', 'POST']) {
      const response = await fetch(`${origin()}/unsubscribe/${spoil(token)}`, { method });
      expect(response.status).toBe(400);
      expect(await response.text()).not.toContain('<script>');
    }
    expect((await preferencesOf(user)).ACCOUNT).toMatchObject({ email: true });
  });
});

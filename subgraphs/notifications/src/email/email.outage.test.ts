import { Events, MailSink, queryRows, startMailSink } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, startTestMailSink, until } from '@marketplace/kit/testing';
import { orderSummary, registered, startNotifications } from '../testing';

/**
 * An SMTP outage loses no mail: what the notifications queue while the server is down waits
 * in the outbox, retried with back-off, and goes out once the server is back.
 */
let notifications: TestSubgraph;
let sink: MailSink;
let port: number;
beforeAll(async () => {
  sink = await startTestMailSink();
  port = sink.port;
  notifications = await startNotifications({
    SMTP_URL: sink.url,
    MAIL_POLL_MS: '100',
    MAIL_RETRY_BASE_MS: '200',
    MAIL_RETRY_MAX_MS: '400',
  });
});
afterAll(async () => {
  await notifications?.close();
  await sink?.close();
});

it('keeps the mails of an outage and sends each once the server is back', async () => {
  const userId = await registered(notifications, 'CUSTOMER');
  const address = `customer-${userId.slice(0, 8)}@example.com`;
  await sink.waitFor((mail) => mail.to.includes(address), 10_000);
  await sink.close();

  const order = orderSummary({ userId });
  await deliverEvent(notifications, Events.OrderCreated, order);
  await deliverEvent(notifications, Events.PaymentRefunded, {
    paymentId: '00000000-0000-4000-8000-000000000021',
    orderId: order.orderId,
    amount: order.total,
    providerRef: 're_outage',
    reason: 'requested_by_customer',
  });
  const db = notifications.subgraph.deps.db;
  const retried = await until(async () => {
    const [row] = await queryRows<{ status: string; attempts: number; last_error: string }>(
      db,
      `SELECT status, attempts, last_error FROM mail_outbox WHERE recipient_id = $1 AND kind = 'refundIssued'`,
      [userId],
    );
    return row && row.attempts >= 2 ? row : undefined;
  }, 'the refund mail to be retried');
  expect(retried.status).toBe('PENDING');
  expect(retried.last_error).toMatch(/ECONNREFUSED|connect/i);

  sink = await startMailSink({ port, host: '127.0.0.1' });
  const mail = await sink.waitFor((m) => m.to.includes(address), 10_000);
  expect(mail.subject).toBe(`Refund for order ${order.number}`);
  await until(async () => {
    const [row] = await queryRows<{ status: string }>(
      db,
      `SELECT status FROM mail_outbox WHERE recipient_id = $1 AND kind = 'refundIssued'`,
      [userId],
    );
    return row.status === 'SENT' || undefined;
  }, 'the refund mail to be recorded SENT');
  expect(sink.list()).toHaveLength(1);
});

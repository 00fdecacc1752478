import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../data/database';
import { queryRows } from '../data/sql';
import { createLogger } from '../logger';
import { Metrics } from '../metrics';
import { TestDatabase, createTestDatabase } from '../testing';
import { startTestMailSink } from '../testing/mail-sink';
import { MAIL_DELIVERY_DEFAULTS, MailDeliveryConfig } from './mail-config';
import { MailDispatcher } from './mail-dispatcher';
import { MailOutbox, QueuedMail, forgetMailsOf, mailOutboxTableSql } from './mail-outbox';
import { MailSink, startMailSink } from './mail-sink';
import { MailTransport, createMailTransport } from './mail-transport';

/**
 * The mail outbox and its dispatcher against a real Postgres and real SMTP servers: once
 * per dedupe key, nothing from a rolled-back transaction, retries through an outage,
 * FAILED with the server's answer, the per-recipient hour, and two dispatchers racing.
 */
const log = createLogger({ name: 'test', level: 'silent' });
// Retries wait 100 to 200 ms: long enough that one pass never takes a mail twice, short for a test.
const RETRY_MS = 200;
const FAST: MailDeliveryConfig = { ...MAIL_DELIVERY_DEFAULTS, retryBaseMs: RETRY_MS, retryMaxMs: RETRY_MS, pollMs: 50 };
const afterRetryDelay = () => new Promise((resolve) => setTimeout(resolve, RETRY_MS + 20));

let database: TestDatabase;
let db: DataSource;
let sink: MailSink;
const outbox = new MailOutbox();
beforeAll(async () => {
  database = await createTestDatabase();
  db = await openDatabase({ url: database.url, schema: 'mail', entities: [], migrations: [], log });
  for (const statement of mailOutboxTableSql()) await db.query(statement);
  sink = await startTestMailSink();
});
afterAll(async () => {
  await sink.close();
  await db.destroy();
  await database.drop();
});
beforeEach(async () => {
  await db.query('TRUNCATE mail_outbox');
  sink.clear();
});

let serial = 0;
const mail = (overrides: Partial<QueuedMail> = {}): QueuedMail => {
  serial += 1;
  return {
    dedupeKey: `event-${serial}:user:RECEIPT`,
    kind: 'orderReceipt',
    to: `Buyer${serial}@Example.com`,
    subject: `Receipt ${serial}`,
    text: `Your key: KEY-${serial}`,
    html: `<p>Your key: KEY-${serial}</p>`,
    headers: { 'X-Marketplace-Mail': 'orderReceipt' },
    ...overrides,
  };
};

const queue = (...mails: QueuedMail[]) =>
  db.transaction(async (manager) => {
    const queued: boolean[] = [];
    for (const m of mails) queued.push(await outbox.enqueue(manager, m));
    return queued;
  });

/** A dispatcher as the notifications subgraph makes one: a pool of `concurrency` connections. */
function dispatcher(smtpUrl: string, delivery: Partial<MailDeliveryConfig> = {}, metrics?: Metrics) {
  const settings = { ...FAST, ...delivery };
  const transport = createMailTransport({
    smtpUrl,
    from: 'shop@example.com',
    timeoutMs: 2_000,
    pooledConnections: settings.concurrency,
  });
  transports.push(transport);
  return new MailDispatcher({ db, transport, delivery: settings, log, metrics });
}
const transports: MailTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
});

interface Row {
  status: string;
  attempts: number;
  last_error: string | null;
  response_code: number | null;
  message_id: string | null;
  text_body: string | null;
  html_body: string | null;
  next_attempt_at: Date;
}
const rowOf = async (dedupeKey: string) =>
  (await queryRows<Row>(db, `SELECT * FROM mail_outbox WHERE dedupe_key = $1`, [dedupeKey]))[0];

/** An SMTP server that refuses every recipient with `code` while `refusing` is on. */
async function refusingServer(code: number, text: string) {
  const state = { refusing: true, received: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(state.refusing ? Object.assign(new Error(text), { responseCode: code }) : undefined);
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        state.received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    state,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

it('sends a queued mail once, with its headers, and keeps no body once it is sent', async () => {
  const receipt = mail();
  expect(await queue(receipt, { ...receipt, subject: 'the same key again' })).toEqual([true, false]);
  const sending = dispatcher(sink.url);
  expect(await sending.sendDue()).toBe(1);
  expect(await sending.sendDue()).toBe(0);
  const [arrived] = sink.list();
  expect(arrived).toMatchObject({
    subject: receipt.subject,
    text: 'Your key: KEY-' + serial,
    to: [`buyer${serial}@example.com`],
  });
  expect(arrived.headers['x-marketplace-mail']).toBe('orderReceipt');
  expect(sink.list()).toHaveLength(1);
  expect(await rowOf(receipt.dedupeKey)).toMatchObject({
    status: 'SENT',
    attempts: 1,
    message_id: arrived.messageId,
    text_body: null,
    html_body: null,
  });
});

it('queues nothing from a transaction that rolled back', async () => {
  const lost = mail();
  await expect(
    db.transaction(async (manager) => {
      await outbox.enqueue(manager, lost);
      throw new Error('rolled back');
    }),
  ).rejects.toThrow('rolled back');
  expect(await rowOf(lost.dedupeKey)).toBeUndefined();
});

it('keeps mail through an SMTP outage, past MAIL_MAX_ATTEMPTS, and sends it once the server is back', async () => {
  const port = sink.port;
  const delayed = mail();
  await queue(delayed);
  await sink.close();
  const sending = dispatcher(`smtp://127.0.0.1:${port}`, { maxAttempts: 2 });
  try {
    for (let pass = 0; pass < 3; pass += 1) {
      if (pass > 0) await afterRetryDelay();
      await sending.sendDue();
    }
    const waiting = await rowOf(delayed.dedupeKey);
    expect(waiting).toMatchObject({ status: 'PENDING', attempts: 3, response_code: null });
    expect(waiting.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(waiting.text_body).toBe(`Your key: KEY-${serial}`);
  } finally {
    sink = await startMailSink({ port, host: '127.0.0.1' });
  }
  await afterRetryDelay();
  await sending.sendDue();
  expect(await rowOf(delayed.dedupeKey)).toMatchObject({ status: 'SENT', attempts: 4, last_error: null });
  expect(sink.list().map((m) => m.subject)).toEqual([delayed.subject]);
});

it('records FAILED at once with the server answer on a permanent refusal, and counts it', async () => {
  const server = await refusingServer(550, '5.1.1 <gone@example.com>: mailbox unavailable');
  const metrics = new Metrics('mail-test');
  const gone = mail({ to: 'gone@example.com' });
  await queue(gone);
  try {
    await dispatcher(server.url, {}, metrics).sendDue();
  } finally {
    await server.close();
  }
  const row = await rowOf(gone.dedupeKey);
  expect(row).toMatchObject({ status: 'FAILED', attempts: 1, response_code: 550, text_body: null, html_body: null });
  expect(row.last_error).toBe('550 5.1.1 <gone@example.com>: mailbox unavailable');
  const counted = await metrics.registry.getSingleMetricAsString('mail_deliveries_total');
  expect(counted).toMatch(/mail_deliveries_total\{kind="orderReceipt",outcome="failed",service="mail-test"\} 1/);
});

it('retries a temporary refusal with back-off, then records FAILED after the last attempt', async () => {
  const server = await refusingServer(451, '4.3.0 try again later');
  const busy = mail();
  await queue(busy);
  const sending = dispatcher(server.url, { maxAttempts: 3 });
  try {
    await sending.sendDue();
    const first = await rowOf(busy.dedupeKey);
    expect(first).toMatchObject({ status: 'PENDING', attempts: 1, response_code: 451 });
    expect(first.next_attempt_at.getTime()).toBeGreaterThan(Date.now() - 1_000);
    for (let attempt = 2; attempt <= 3; attempt += 1) {
      await afterRetryDelay();
      await sending.sendDue();
    }
    expect(await rowOf(busy.dedupeKey)).toMatchObject({
      status: 'FAILED',
      attempts: 3,
      response_code: 451,
      last_error: '451 4.3.0 try again later',
    });
    expect(server.state.received).toBe(0);
  } finally {
    await server.close();
  }
});

it('holds an address to its hourly budget, deferring the rest without losing it', async () => {
  const flood = [1, 2, 3].map(() => mail({ to: 'victim@example.com' }));
  const other = mail({ to: 'someone-else@example.com' });
  await queue(...flood, other);
  await dispatcher(sink.url, { perRecipientPerHour: 2 }).sendDue();
  expect(sink.list().filter((m) => m.to[0] === 'victim@example.com')).toHaveLength(2);
  expect(sink.list().filter((m) => m.to[0] === 'someone-else@example.com')).toHaveLength(1);
  const deferred = await queryRows<Row>(db, `SELECT * FROM mail_outbox WHERE status = 'PENDING'`);
  expect(deferred).toHaveLength(1);
  expect(deferred[0].attempts).toBe(0);
  const waitMs = deferred[0].next_attempt_at.getTime() - Date.now();
  expect(waitMs).toBeGreaterThan(59 * 60_000);
  expect(waitMs).toBeLessThanOrEqual(60 * 60_000);
});

it('sends each mail exactly once when two dispatchers race for the same queue', async () => {
  const many = Array.from({ length: 12 }, () => mail());
  await queue(...many);
  const [a, b] = [dispatcher(sink.url, { concurrency: 3 }), dispatcher(sink.url, { concurrency: 3 })];
  const [sentByA, sentByB] = await Promise.all([a.sendDue(), b.sendDue()]);
  expect(sentByA + sentByB).toBe(12);
  const subjects = sink.list().map((m) => m.subject);
  expect(subjects.sort()).toEqual(many.map((m) => m.subject).sort());
});

it('wakes on demand and on its poll, and stops cleanly', async () => {
  const sending = dispatcher(sink.url, { pollMs: 50 });
  sending.start();
  try {
    const later = mail();
    await queue(later);
    await sink.waitFor((m) => m.subject === later.subject, 5_000);
    await sending.idle();
    expect((await rowOf(later.dedupeKey)).status).toBe('SENT');
  } finally {
    await sending.stop();
  }
  const afterStop = mail();
  await queue(afterStop);
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect((await rowOf(afterStop.dedupeKey)).status).toBe('PENDING');
});

it("forgets an erased recipient's queued and past mail", async () => {
  const theirs = mail({ recipientId: '00000000-0000-4000-8000-000000000001' });
  const others = mail({ recipientId: '00000000-0000-4000-8000-000000000002' });
  await queue(theirs, others);
  expect(await db.transaction((manager) => forgetMailsOf(manager, theirs.recipientId!))).toBe(1);
  expect(await rowOf(theirs.dedupeKey)).toBeUndefined();
  expect(await rowOf(others.dedupeKey)).toBeDefined();
});

it('forgets sent and failed mails past their retention, never a pending one', async () => {
  const [old, failed, pending, recent] = [mail(), mail(), mail(), mail()];
  await queue(old, failed, pending, recent);
  await db.query(
    `UPDATE mail_outbox SET status = 'SENT', finished_at = now() - interval '91 days' WHERE dedupe_key = $1`,
    [old.dedupeKey],
  );
  await db.query(
    `UPDATE mail_outbox SET status = 'FAILED', finished_at = now() - interval '91 days' WHERE dedupe_key = $1`,
    [failed.dedupeKey],
  );
  await db.query(`UPDATE mail_outbox SET created_at = now() - interval '200 days' WHERE dedupe_key = $1`, [
    pending.dedupeKey,
  ]);
  await db.query(
    `UPDATE mail_outbox SET status = 'SENT', finished_at = now() - interval '89 days' WHERE dedupe_key = $1`,
    [recent.dedupeKey],
  );
  expect(await dispatcher(sink.url).purgeFinished()).toBe(2);
  expect(await rowOf(old.dedupeKey)).toBeUndefined();
  expect(await rowOf(failed.dedupeKey)).toBeUndefined();
  expect(await rowOf(pending.dedupeKey)).toBeDefined();
  expect(await rowOf(recent.dedupeKey)).toBeDefined();
});

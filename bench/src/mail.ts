/**
 * Mail benchmark (issue 21): what one email costs where it is made and where it is sent.
 *
 *   render    every notification template rendered BENCH_MAIL_RENDERS times (MJML for the
 *             HTML, the text part beside it), as the email channel does inside the event's
 *             transaction: ms per mail, and the HTML's size
 *   dispatch  BENCH_MAILS queued mails sent by the kit's MailDispatcher to an in-process SMTP
 *             server (the kit's sink) through Postgres, at concurrency 1, 2 and 4, with one
 *             connection per mail and with a pool of `concurrency` connections: mails/s
 *
 * Knobs: BENCH_MAIL_RENDERS (50), BENCH_MAILS (300), DATABASE_URL (else embedded).
 */
import {
  MAIL_DELIVERY_DEFAULTS,
  MailDispatcher,
  MailOutbox,
  createLogger,
  createMailTransport,
  mailOutboxTableSql,
  openDatabase,
  startMailSink,
} from '@marketplace/kit';
import { createTestDatabase } from '@marketplace/kit/testing';
import { MAIL_TEMPLATE_SAMPLES, renderTemplate } from '@marketplace/notifications';
import { ensureDatabaseServer } from './harness';
import { percentile } from './stats';

const RENDERS = Number(process.env.BENCH_MAIL_RENDERS ?? 50);
const MAILS = Number(process.env.BENCH_MAILS ?? 300);
const BRAND = { appName: 'Marketplace', appUrl: 'https://shop.example', unsubscribeUrl: 'https://api.example/u/t' };
const log = createLogger({ name: 'bench-mail', level: 'silent' });

async function renderTimes(): Promise<string[]> {
  const rows: string[] = [];
  for (const [kind, data] of Object.entries(MAIL_TEMPLATE_SAMPLES)) {
    const render = () => renderTemplate(kind as never, data as never, BRAND);
    await render(); // MJML's first call compiles its components
    const times: number[] = [];
    for (let n = 0; n < RENDERS; n += 1) {
      const started = performance.now();
      await render();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const { html } = await render();
    rows.push(
      `| ${kind} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 99).toFixed(1)} | ${(html.length / 1024).toFixed(1)} |`,
    );
  }
  return rows;
}

async function dispatchRate(databaseUrl: string, concurrency: number, pooled: boolean): Promise<number> {
  const db = await openDatabase({ url: databaseUrl, schema: 'mail', entities: [], migrations: [], log });
  const sink = await startMailSink({ port: 0, maxMessages: MAILS });
  const transport = createMailTransport({
    smtpUrl: sink.url,
    from: 'bench@example.com',
    pooledConnections: pooled ? concurrency : undefined,
  });
  try {
    await db.query('DROP TABLE IF EXISTS mail_outbox');
    for (const statement of mailOutboxTableSql()) await db.query(statement);
    const { html, text, subject } = await renderTemplate('welcome', { displayName: 'Bench' }, BRAND);
    const outbox = new MailOutbox();
    await db.transaction(async (manager) => {
      for (let n = 0; n < MAILS; n += 1)
        await outbox.enqueue(manager, {
          dedupeKey: `m${n}`,
          kind: 'welcome',
          to: `u${n}@example.com`,
          subject,
          text,
          html,
        });
    });
    const dispatcher = new MailDispatcher({
      db,
      transport,
      delivery: { ...MAIL_DELIVERY_DEFAULTS, concurrency, perRecipientPerHour: MAILS },
      log,
    });
    const started = performance.now();
    const sent = await dispatcher.sendDue();
    const seconds = (performance.now() - started) / 1000;
    if (sent !== MAILS || sink.list().length !== MAILS) throw new Error(`${sent} sent, ${sink.list().length} received`);
    return sent / seconds;
  } finally {
    await transport.close();
    await sink.close();
    await db.destroy();
  }
}

async function main() {
  const server = await ensureDatabaseServer('bench-mail');
  const database = await createTestDatabase();
  const lines = [`| template | render p50 ms | p99 ms | HTML KiB |`, '|---|---|---|---|', ...(await renderTimes()), ''];
  lines.push(`| dispatcher (${MAILS} mails) | concurrency 1 | 2 | 4 |`, '|---|---|---|---|');
  try {
    for (const pooled of [false, true]) {
      const rates = [];
      for (const concurrency of [1, 2, 4]) rates.push(await dispatchRate(database.url, concurrency, pooled));
      lines.push(
        `| ${pooled ? 'pooled connections' : 'a connection per mail'}, mails/s | ${rates.map((r) => r.toFixed(0)).join(' | ')} |`,
      );
    }
  } finally {
    await database.drop();
    await server.stop();
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`mail benchmark failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  },
);

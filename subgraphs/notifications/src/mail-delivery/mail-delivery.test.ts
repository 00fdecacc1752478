import { MailSink, queryRows } from '@marketplace/kit';
import { TestSubgraph, person, startTestMailSink, until } from '@marketplace/kit/testing';
import { registered, startNotifications } from '../testing';

/** `mailDeliveries`: what the operator sees of the mail outbox, for admins only, filtered and paged. */
let notifications: TestSubgraph;
let sink: MailSink;
beforeAll(async () => {
  sink = await startTestMailSink();
  notifications = await startNotifications({ SMTP_URL: sink.url, MAIL_POLL_MS: '100' });
});
afterAll(async () => {
  await notifications?.close();
  await sink?.close();
});

const LIST = `query($filter: MailDeliveryFilter, $first: Int, $after: String) {
  mailDeliveries(filter: $filter, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id kind owner { id } to subject status attempts lastError responseCode messageId queuedAt nextAttemptAt finishedAt } }
  }
}`;

interface DeliveryView {
  id: string;
  kind: string;
  owner: { id: string } | null;
  to: string;
  subject: string;
  status: string;
  attempts: number;
  lastError: string | null;
  responseCode: number | null;
  messageId: string | null;
  nextAttemptAt: string | null;
  finishedAt: string | null;
}

const admin = person('ADMIN');
const list = async (variables: Record<string, unknown>) => {
  const { mailDeliveries } = await notifications.client.data<{
    mailDeliveries: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: DeliveryView }[] };
  }>(LIST, { variables, token: admin.token });
  return mailDeliveries;
};

it('lists sent mails to admins, newest first, with the recipient and the message id', async () => {
  const first = await registered(notifications, 'CUSTOMER');
  const second = await registered(notifications, 'CUSTOMER');
  await until(async () => {
    const rows = await queryRows(
      notifications.subgraph.deps.db,
      `SELECT 1 FROM mail_outbox WHERE recipient_id = ANY($1::uuid[]) AND status = 'SENT'`,
      [[first, second]],
    );
    return rows.length === 2 || undefined;
  }, 'both welcomes sent');
  const page = await list({ filter: { status: 'SENT', kind: 'welcome' }, first: 1 });
  expect(page.pageInfo.hasNextPage).toBe(true);
  const [newest] = page.edges.map((edge) => edge.node);
  expect(newest).toMatchObject({
    id: expect.stringMatching(/^MailDelivery:/),
    kind: 'welcome',
    owner: { id: `User:${second}` },
    to: `customer-${second.slice(0, 8)}@example.com`,
    status: 'SENT',
    attempts: 1,
    lastError: null,
    nextAttemptAt: null,
    messageId: expect.stringMatching(/^<.+>$/),
  });
  const next = await list({ filter: { status: 'SENT', kind: 'welcome' }, first: 1, after: page.pageInfo.endCursor });
  expect(next.edges[0].node.owner).toEqual({ id: `User:${first}` });

  const byAddress = await list({ filter: { to: `  CUSTOMER-${first.slice(0, 8)}@Example.com ` } });
  expect(byAddress.edges.map((edge) => edge.node.owner?.id)).toEqual([`User:${first}`]);
});

it("shows a failed mail with the server's answer", async () => {
  await queryRows(
    notifications.subgraph.deps.db,
    `INSERT INTO mail_outbox (dedupe_key, kind, to_address, subject, status, attempts, last_error, response_code, finished_at)
     VALUES ('test:failed', 'orderReceipt', 'gone@example.com', 'Your receipt', 'FAILED', 1,
             '550 5.1.1 <gone@example.com>: mailbox unavailable', 550, now())`,
  );
  const failed = await list({ filter: { status: 'FAILED' } });
  expect(failed.edges.map((edge) => edge.node)).toEqual([
    expect.objectContaining({
      kind: 'orderReceipt',
      owner: null,
      status: 'FAILED',
      responseCode: 550,
      lastError: '550 5.1.1 <gone@example.com>: mailbox unavailable',
      finishedAt: expect.any(String),
    }),
  ]);
});

it('refuses everyone but admins', async () => {
  expect(await notifications.client.errorCode(LIST, {})).toBe('UNAUTHENTICATED');
  for (const role of ['CUSTOMER', 'VENDOR'] as const) {
    expect(await notifications.client.errorCode(LIST, { token: person(role).token })).toBe('FORBIDDEN');
  }
});

it.each([
  [{ to: 'not-an-address' }, 'filter.to'],
  [{ to: `${'a'.repeat(250)}@example.com` }, 'filter.to'],
  [{ kind: 'noSuchTemplate' }, 'filter.kind'],
  [{ kind: '__proto__' }, 'filter.kind'],
])('refuses the filter %j with BAD_USER_INPUT on %s', async (filter, field) => {
  const result = await notifications.client.request(LIST, { variables: { filter }, token: admin.token });
  expect(result.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: [expect.objectContaining({ field })],
  });
});

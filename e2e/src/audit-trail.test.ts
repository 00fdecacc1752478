import { randomUUID } from 'node:crypto';
import { DemoIds, queryRows, recordAudit, systemOrigin } from '@marketplace/kit';
import { globalId, tokenFor, until } from '@marketplace/kit/testing';
import { TestSupergraph, startTestSupergraph } from './testing/supergraph';

/**
 * The audit trail through the gateway (issue 20): changes made in several subgraphs reach
 * the operator subgraph through events and answer in one `auditLog` query, with the actor,
 * the request id and the client IP the gateway saw; admins only; each change recorded once.
 */
let supergraph: TestSupergraph;
const admin = tokenFor(DemoIds.users.admin, 'ADMIN');
const ada = tokenFor(DemoIds.users.ada, 'VENDOR');
const alan = tokenFor(DemoIds.users.alan, 'CUSTOMER');
const ADMIN_ID = globalId('User', DemoIds.users.admin);

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; fields?: { field: string }[] } }[];
}
interface RecordView {
  action: string;
  actor: { kind: string; user: { id: string; email?: string | null } | null; role: string | null };
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string;
  clientIp: string | null;
  subgraph: string;
  occurredAt: string;
}
interface LogView {
  totalCount: number;
  edges: { node: RecordView }[];
}

const ask = <T>(query: string, variables: Record<string, unknown>, token?: string, headers?: Record<string, string>) =>
  supergraph.client.request(query, { variables, token, headers }) as Promise<Answer<T>>;

const AUDIT_LOG = `query($filter: AuditLogFilter, $first: Int) { auditLog(filter: $filter, first: $first) {
  totalCount edges { node { action actor { kind user { id email } role } targetType targetId before after requestId clientIp subgraph occurredAt } }
} }`;
const auditLog = async (filter: Record<string, unknown>, first = 100) => {
  const answer = await ask<{ auditLog: LogView }>(AUDIT_LOG, { filter, first }, admin);
  expect(answer.errors).toBeUndefined();
  return answer.data!.auditLog;
};
/** Waits until the trail holds `count` records matching `filter` (they travel as events). */
const eventually = (filter: Record<string, unknown>, count: number) =>
  until(
    async () => {
      const log = await auditLog(filter);
      // The page and totalCount are two statements: wait until both hold every record.
      return log.totalCount >= count && log.edges.length >= count ? log : undefined;
    },
    `${count} audit records matching ${JSON.stringify(filter)}`,
  );

const REQUEST_PAYOUT = `mutation($input: RequestPayoutInput!) { requestPayout(input: $input) { payout { id status } } }`;
const MARK_PAID = `mutation($id: ID!) { markPayoutPaid(input: { payoutId: $id }) { payout { id status } } }`;
const REJECT = `mutation($id: ID!, $reason: String!) { rejectPayout(input: { payoutId: $id, reason: $reason }) { payout { id status } } }`;

/** Ada's vendor gets `amount` of available money (a paid order's sale written straight into the vendor's ledger), then asks for it as a payout. */
async function requestedPayout(amount = 500): Promise<string> {
  const orderId = randomUUID();
  await supergraph.subgraphs.get('vendor')!.deps.db.transaction(async (manager) => {
    await manager.query(
      `INSERT INTO ledger_orders (order_id, number, payment_id, paid_at) VALUES ($1, $2, $3, now())`,
      [orderId, `MP-${orderId.slice(0, 6)}`, randomUUID()],
    );
    await manager.query(
      `INSERT INTO ledger_entries (vendor_id, kind, amount, currency, order_id, product_id, product_name, occurred_at, available_at, commission_bps) VALUES ($1, 'SALE', $2, 'USD', $3, $4, 'Audited agent', now(), now(), 0)`,
      [DemoIds.vendors.ada, amount, orderId, randomUUID()],
    );
  });
  const answer = await ask<{ requestPayout: { payout: { id: string } } }>(
    REQUEST_PAYOUT,
    { input: { amount: { amount, currency: 'USD' }, idempotencyKey: randomUUID() } },
    ada,
  );
  expect(answer.errors).toBeUndefined();
  return answer.data!.requestPayout.payout.id;
}

beforeAll(async () => {
  // Behind a proxy the gateway trusts (loopback), the client IP is the one X-Forwarded-For names.
  supergraph = await startTestSupergraph({ TRUST_PROXY: 'loopback', VENDOR_EARNINGS_HOLD_DAYS: '0' });
  for (const name of ['users', 'vendor']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
}, 120_000);

afterAll(async () => {
  await supergraph?.close();
});

it('changes in several subgraphs answer in one auditLog query: actor, request id, client IP, before and after', async () => {
  const from = new Date().toISOString();
  const paid = await requestedPayout();
  const rejected = await requestedPayout();
  const headers = (requestId: string) => ({ 'x-request-id': requestId, 'x-forwarded-for': '203.0.113.50' });
  expect((await ask(MARK_PAID, { id: paid }, admin, headers('audit-e2e-pay'))).errors).toBeUndefined();
  expect(
    (await ask(REJECT, { id: rejected, reason: 'Bank details missing.' }, admin, headers('audit-e2e-reject'))).errors,
  ).toBeUndefined();
  // A change the users subgraph audits, through its own outbox, as the system (a threshold of failed sign-ins).
  const users = supergraph.subgraphs.get('users')!;
  await users.deps.db.transaction((manager) =>
    recordAudit(manager, users.deps.outbox, systemOrigin('audit-e2e-system'), {
      action: 'LOGIN_FAILURES_EXCEEDED',
      targetType: 'User',
      targetId: DemoIds.users.alan,
      after: { failures: 10 },
    }),
  );

  const log = await eventually({ from }, 3);
  expect(log.totalCount).toBe(3);
  // Newest first, from two subgraphs, in one answer; the actor's email comes from the users subgraph.
  expect(log.edges.map(({ node }) => [node.subgraph, node.action])).toEqual([
    ['users', 'LOGIN_FAILURES_EXCEEDED'],
    ['vendor', 'PAYOUT_REJECTED'],
    ['vendor', 'PAYOUT_MARKED_PAID'],
  ]);
  const [system, reject, pay] = log.edges.map((edge) => edge.node);
  expect(pay).toMatchObject({
    actor: { kind: 'USER', user: { id: ADMIN_ID, email: expect.stringContaining('@') }, role: 'ADMIN' },
    targetType: 'Payout',
    targetId: paid,
    before: { status: 'REQUESTED' },
    after: { status: 'PAID' },
    requestId: 'audit-e2e-pay',
    clientIp: '203.0.113.50',
  });
  expect(reject).toMatchObject({
    targetId: rejected,
    after: { status: 'REJECTED', reason: 'Bank details missing.' },
    requestId: 'audit-e2e-reject',
  });
  expect(system).toMatchObject({
    actor: { kind: 'SYSTEM', user: null, role: null },
    targetId: globalId('User', DemoIds.users.alan),
    requestId: 'audit-e2e-system',
    clientIp: null,
  });

  // Each filter, through the gateway.
  const actions = async (filter: Record<string, unknown>) =>
    (await auditLog({ from, ...filter })).edges.map(({ node }) => node.action);
  expect(await actions({ action: 'PAYOUT_REJECTED' })).toEqual(['PAYOUT_REJECTED']);
  expect(await actions({ actorId: ADMIN_ID })).toEqual(['PAYOUT_REJECTED', 'PAYOUT_MARKED_PAID']);
  expect(await actions({ targetId: paid })).toEqual(['PAYOUT_MARKED_PAID']);
  expect(await actions({ targetType: 'User' })).toEqual(['LOGIN_FAILURES_EXCEEDED']);
  expect(await actions({ to: pay.occurredAt })).toEqual([]);
  expect(await actions({ from: reject.occurredAt })).toEqual(['LOGIN_FAILURES_EXCEEDED', 'PAYOUT_REJECTED']);
});

it('admins only: anonymous UNAUTHENTICATED, a customer and a vendor FORBIDDEN, with no data', async () => {
  const query = `{ auditLog(first: 5) { totalCount edges { node { action } } } }`;
  for (const [token, code] of [
    [undefined, 'UNAUTHENTICATED'],
    [alan, 'FORBIDDEN'],
    [ada, 'FORBIDDEN'],
  ] as const) {
    const answer = await ask<{ auditLog: unknown }>(query, {}, token);
    expect(answer.data?.auditLog ?? null).toBeNull();
    expect(answer.errors?.map((error) => error.extensions?.code)).toEqual([code]);
  }
  const allowed = await ask<{ auditLog: LogView }>(query, {}, admin);
  expect(allowed.errors).toBeUndefined();
  expect(allowed.data!.auditLog.totalCount).toEqual(expect.any(Number));
});

it('bad input: malformed ids, an id of another type, from after to, an unknown action', async () => {
  for (const [filter, field] of [
    [{ actorId: 'admin' }, 'filter.actorId'],
    [{ actorId: globalId('Payout', randomUUID()) }, 'filter.actorId'],
    [{ targetType: 'Payout', targetId: globalId('Order', randomUUID()) }, 'filter.targetId'],
    [{ from: '2030-01-02T00:00:00.000Z', to: '2030-01-01T00:00:00.000Z' }, 'filter.to'],
  ] as const) {
    const answer = await ask<{ auditLog: unknown }>(AUDIT_LOG, { filter }, admin);
    expect(answer.data?.auditLog ?? null).toBeNull();
    expect(answer.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field }] });
  }
  const unknown = await ask<{ auditLog: unknown }>(AUDIT_LOG, { filter: { action: 'PAYOUT_STOLEN' } }, admin);
  expect(unknown.data?.auditLog ?? null).toBeNull();
  expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']).toContain(unknown.errors?.[0].extensions?.code);
});

it('many concurrent decisions, each raced by a second admin: every payout audited exactly once', async () => {
  const from = new Date().toISOString();
  const payouts: string[] = [];
  for (let index = 0; index < 12; index += 1) payouts.push(await requestedPayout(100));
  const otherAdmin = tokenFor(randomUUID(), 'ADMIN');
  const answers = await Promise.all(
    payouts.flatMap((id) => [
      ask(MARK_PAID, { id }, admin, { 'x-request-id': `race-${id.slice(-12)}` }),
      ask(REJECT, { id, reason: 'Racing.' }, otherAdmin),
    ]),
  );
  expect(answers.filter((answer) => !answer.errors)).toHaveLength(payouts.length);
  expect(answers.filter((answer) => answer.errors?.[0].extensions?.code === 'CONFLICT')).toHaveLength(payouts.length);
  await eventually({ targetType: 'Payout', from }, payouts.length);
  // Settled: nothing more arrives after the last one.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const settled = await auditLog({ targetType: 'Payout', from });
  expect(settled.totalCount).toBe(payouts.length);
  expect(new Set(settled.edges.map(({ node }) => node.targetId))).toEqual(new Set(payouts));
  const [{ count }] = await queryRows<{ count: number }>(
    supergraph.subgraphs.get('operator')!.deps.db,
    `SELECT count(DISTINCT target_id)::int AS count FROM audit_records WHERE target_type = 'Payout' AND occurred_at >= $1`,
    [from],
  );
  expect(count).toBe(payouts.length);
});

it('an audit record is a Node: node(id:) refetches it for admins, null without an error for anyone else', async () => {
  await requestedPayout().then((id) => ask(MARK_PAID, { id }, admin));
  const [{ node: latest }] = await until(async () => {
    const answer = await ask<{ auditLog: { edges: { node: { id: string; action: string } }[] } }>(
      `{ auditLog(first: 1, filter: { action: PAYOUT_MARKED_PAID }) { edges { node { id action } } } }`,
      {},
      admin,
    );
    return answer.data?.auditLog.edges.length ? answer.data.auditLog.edges : undefined;
  }, 'an audit record');
  const query = `query($id: ID!) { node(id: $id) { __typename id ... on AuditRecord { action targetType } } }`;
  const asAdmin = await ask<{ node: unknown }>(query, { id: latest.id }, admin);
  expect({ data: asAdmin.data, errors: asAdmin.errors }).toEqual({
    errors: undefined,
    data: { node: { __typename: 'AuditRecord', id: latest.id, action: 'PAYOUT_MARKED_PAID', targetType: 'Payout' } },
  });
  for (const token of [undefined, alan, ada]) {
    for (const selection of ['id', '__typename id ... on AuditRecord { action }']) {
      const hidden = await ask<{ node: unknown }>(
        `query($id: ID!) { node(id: $id) { ${selection} } }`,
        { id: latest.id },
        token,
      );
      expect({ data: hidden.data, errors: hidden.errors }).toEqual({ data: { node: null }, errors: undefined });
    }
  }
  const missing = await ask<{ node: unknown }>(query, { id: globalId('AuditRecord', randomUUID()) }, admin);
  expect({ data: missing.data, errors: missing.errors }).toEqual({ data: { node: null }, errors: undefined });
});

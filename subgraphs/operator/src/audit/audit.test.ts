import { randomUUID } from 'node:crypto';
import { Events, Role, createEnvelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, deliverEvent, globalId, person } from '@marketplace/kit/testing';
import { AuditService } from './audit.service';
import { AUDIT_LOG, AuditLogView, auditPayload, startOperator } from '../testing';

/** The operator's audit trail: every subgraph's audit.recorded, stored once, read by admins only. */
let operator: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  operator = await startOperator();
});
afterAll(() => operator.close());

const auditLog = async (filter: Record<string, unknown> | null, extra: Record<string, unknown> = {}) =>
  (
    await operator.client.data<{ auditLog: AuditLogView }>(AUDIT_LOG, {
      variables: { filter, ...extra },
      token: admin.token,
    })
  ).auditLog;
const countRows = async (where = 'true', parameters: unknown[] = []) =>
  (
    await queryRows<{ count: number }>(
      operator.subgraph.deps.db,
      `SELECT count(*)::int AS count FROM audit_records WHERE ${where}`,
      parameters,
    )
  )[0].count;

describe('storing', () => {
  it('stores a delivered record and answers every field: global ids for Node targets and the actor', async () => {
    const payload = auditPayload();
    const envelope = await deliverEvent(operator, Events.AuditRecorded, payload);
    const { edges, totalCount } = await auditLog({ targetId: globalId('Payout', payload.targetId) });
    expect(totalCount).toBe(1);
    expect(edges[0].node).toEqual({
      id: globalId('AuditRecord', envelope.id),
      action: 'PAYOUT_MARKED_PAID',
      actor: { kind: 'USER', user: { id: globalId('User', payload.actor.userId!) }, role: 'ADMIN' },
      targetType: 'Payout',
      targetId: globalId('Payout', payload.targetId),
      before: { status: 'REQUESTED' },
      after: { status: 'PAID' },
      requestId: payload.requestId,
      clientIp: '198.51.100.4',
      subgraph: 'test',
      occurredAt: envelope.occurredAt,
    });
  });

  it('a SYSTEM actor has no user or role; a target that is no Node keeps its recorded id', async () => {
    const keyId = 'a1b2c3d4e5f60718';
    await deliverEvent(
      operator,
      Events.AuditRecorded,
      auditPayload({
        action: 'KEY_ROTATED',
        actor: { kind: 'SYSTEM', userId: null, role: null },
        targetType: 'SigningKey',
        targetId: keyId,
        before: null,
        after: { keyId },
        clientIp: null,
      }),
    );
    const [{ node }] = (await auditLog({ targetId: keyId })).edges;
    expect(node).toMatchObject({
      action: 'KEY_ROTATED',
      actor: { kind: 'SYSTEM', user: null, role: null },
      targetType: 'SigningKey',
      targetId: keyId,
      before: null,
      clientIp: null,
    });
  });

  it('a redelivered envelope is stored once (the inbox), and so is one that got past it (the primary key)', async () => {
    const payload = auditPayload();
    const envelope = createEnvelope(Events.AuditRecorded, payload, {
      source: 'vendor',
      correlationId: payload.requestId,
      aggregateId: payload.targetId,
    });
    await deliver(operator, envelope);
    await deliver(operator, envelope);
    expect(await countRows('id = $1', [envelope.id])).toBe(1);
    // As if the inbox row were missing: the handler's insert itself stores an envelope once.
    const audit = new AuditService(operator.subgraph.deps.db);
    const stored = await operator.subgraph.deps.db.transaction((manager) => audit.store(manager, envelope));
    expect(stored).toBe(false);
    expect(await countRows('id = $1', [envelope.id])).toBe(1);
  });

  it('many records delivered at once, each twice: every one stored exactly once', async () => {
    const targetType = 'Vendor';
    const requestId = `burst-${randomUUID()}`;
    const envelopes = Array.from({ length: 40 }, () => {
      const payload = auditPayload({ action: 'VENDOR_APPROVED', targetType, targetId: randomUUID(), requestId });
      return createEnvelope(Events.AuditRecorded, payload, {
        source: 'vendor',
        correlationId: requestId,
        aggregateId: payload.targetId,
      });
    });
    await Promise.all([...envelopes, ...envelopes].map((envelope) => deliver(operator, envelope)));
    expect(await countRows('request_id = $1', [requestId])).toBe(40);
    expect(await countRows('id = ANY($1::uuid[])', [envelopes.map((envelope) => envelope.id)])).toBe(40);
  });
});

describe('append-only', () => {
  it('UPDATE, DELETE and TRUNCATE are refused by the table itself, and the record is unchanged', async () => {
    const envelope = await deliverEvent(operator, Events.AuditRecorded, auditPayload());
    const db = operator.subgraph.deps.db;
    for (const sql of [
      [`UPDATE audit_records SET action = 'USER_ERASED' WHERE id = $1`, [envelope.id]],
      [`UPDATE audit_records SET before = NULL, after = NULL`, []],
      [`DELETE FROM audit_records WHERE id = $1`, [envelope.id]],
      [`DELETE FROM audit_records`, []],
      [`TRUNCATE audit_records`, []],
    ] as const) {
      await expect(db.query(sql[0], [...sql[1]])).rejects.toThrow(
        /audit_records is append-only: (UPDATE|DELETE|TRUNCATE) refused/,
      );
    }
    const [row] = await queryRows<{ action: string; after: unknown }>(
      db,
      `SELECT action, after FROM audit_records WHERE id = $1`,
      [envelope.id],
    );
    expect(row).toEqual({ action: 'PAYOUT_MARKED_PAID', after: { status: 'PAID' } });
  });

  it('the schema offers no way to change a record: no mutation takes or returns one', async () => {
    const { data } = await operator.client.request<{
      __schema: { mutationType: { fields: { name: string; type: { name: string | null } }[] } | null };
    }>(`{ __schema { mutationType { fields { name type { name } } } } }`, { token: admin.token });
    const fields = data?.__schema.mutationType?.fields ?? [];
    expect(fields.filter((field) => /audit/i.test(field.name) || /Audit/.test(field.type.name ?? ''))).toEqual([]);
  });
});

describe('auditLog', () => {
  const actor = person(Role.ADMIN);
  const otherActor = person(Role.ADMIN);
  const orderId = randomUUID();
  const times = [
    '2030-01-01T10:00:00.000Z',
    '2030-01-01T11:00:00.000Z',
    '2030-01-01T12:00:00.000Z',
    '2030-01-01T13:00:00.000Z',
  ];
  const userActor = (who: typeof actor) => ({ kind: 'USER' as const, userId: who.id, role: 'ADMIN' as const });

  beforeAll(async () => {
    await deliverEvent(
      operator,
      Events.AuditRecorded,
      auditPayload({ actor: userActor(actor), action: 'ORDER_REFUNDED', targetType: 'Order', targetId: orderId }),
      { occurredAt: times[0] },
    );
    await deliverEvent(
      operator,
      Events.AuditRecorded,
      auditPayload({
        actor: userActor(actor),
        action: 'USER_ROLE_CHANGED',
        targetType: 'User',
        targetId: randomUUID(),
      }),
      { occurredAt: times[1] },
    );
    await deliverEvent(
      operator,
      Events.AuditRecorded,
      auditPayload({ actor: userActor(otherActor), action: 'ORDER_REFUNDED', targetType: 'Order', targetId: orderId }),
      { occurredAt: times[2] },
    );
    await deliverEvent(
      operator,
      Events.AuditRecorded,
      auditPayload({ actor: userActor(actor), action: 'PAYOUT_REJECTED' }),
      { occurredAt: times[3] },
    );
  });

  it('filters by actor, action, target and time, newest first, with totalCount; filters combine', async () => {
    const byActor = await auditLog({ actorId: globalId('User', actor.id) });
    expect(byActor.totalCount).toBe(3);
    expect(byActor.edges.map((edge) => edge.node.occurredAt)).toEqual([times[3], times[1], times[0]]);
    const refunds = await auditLog({ targetId: globalId('Order', orderId), action: 'ORDER_REFUNDED' });
    expect(refunds.edges.map((edge) => edge.node.actor.user?.id)).toEqual([
      globalId('User', otherActor.id),
      globalId('User', actor.id),
    ]);
    expect((await auditLog({ targetType: 'Order', targetId: globalId('Order', orderId) })).totalCount).toBe(2);
    const window = await auditLog({ actorId: globalId('User', actor.id), from: times[1], to: times[3] });
    expect(window.edges.map((edge) => edge.node.action)).toEqual(['USER_ROLE_CHANGED']);
    expect((await auditLog({ from: times[0], to: times[0] })).totalCount).toBe(0);
  });

  it('pages with keyset cursors: no record twice, none missed', async () => {
    const filter = { from: times[0], to: '2030-01-02T00:00:00.000Z' };
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: AuditLogView = await auditLog(filter, { first: 1, after });
      expect(page.totalCount).toBe(4);
      seen.push(...page.edges.map((edge) => edge.node.occurredAt));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual([...times].reverse());
  });

  it('admins only: anonymous UNAUTHENTICATED, customers and vendors FORBIDDEN, and no data', async () => {
    const anonymous = await operator.client.request<{ auditLog: unknown }>(AUDIT_LOG, { variables: {} });
    expect(anonymous.data?.auditLog ?? null).toBeNull();
    expect(anonymous.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    for (const role of [Role.CUSTOMER, Role.VENDOR]) {
      const refused = await operator.client.request<{ auditLog: unknown }>(AUDIT_LOG, {
        variables: {},
        token: person(role).token,
      });
      expect(refused.data?.auditLog ?? null).toBeNull();
      expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    ['a malformed actorId', { actorId: 'nope' }, {}, 'filter.actorId'],
    ['an actorId of another type', { actorId: globalId('Order', randomUUID()) }, {}, 'filter.actorId'],
    ['a targetType that is no type name', { targetType: 'order; drop' }, {}, 'filter.targetType'],
    [
      'a targetId of another type than targetType',
      { targetType: 'User', targetId: globalId('Order', randomUUID()) },
      {},
      'filter.targetId',
    ],
    ['an overlong targetId', { targetId: 'x'.repeat(201) }, {}, 'filter.targetId'],
    ['an empty targetId', { targetId: '' }, {}, 'filter.targetId'],
    ['from after to', { from: times[2], to: times[1] }, {}, 'filter.to'],
    ['a forged cursor', {}, { after: 'bm9wZQ' }, 'after'],
  ])('%s is BAD_USER_INPUT naming the field', async (_name, filter, extra, field) => {
    const result = await operator.client.request(AUDIT_LOG, { variables: { filter, ...extra }, token: admin.token });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [expect.objectContaining({ field })],
    });
  });

  it('an unknown action, a bad time and a page size out of range are refused before anything runs', async () => {
    for (const [filter, extra] of [
      [{ action: 'PAYOUT_STOLEN' }, {}],
      [{ from: 'yesterday' }, {}],
      [{}, { first: 0 }],
      [{}, { first: 101 }],
    ] as const) {
      const result = await operator.client.request(AUDIT_LOG, { variables: { filter, ...extra }, token: admin.token });
      expect(result.data?.auditLog ?? null).toBeNull();
      expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']).toContain(result.errors?.[0].extensions?.code);
    }
  });
});

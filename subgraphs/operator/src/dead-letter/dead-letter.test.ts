import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, Role, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, globalId, outboxOf, person, sqlDuring } from '@marketplace/kit/testing';
import { startOperator } from '../testing';

/** The dead-letter registry: fed by the subgraphs' reports, moved by admins, answered by the owners. */
let operator: TestSubgraph;
const admin = person(Role.ADMIN);
const otherAdmin = person(Role.ADMIN);
beforeAll(async () => {
  operator = await startOperator();
});
afterAll(() => operator.close());

type DeadLettered = PayloadOf<typeof Events.EventDeadLettered>;

const FIELDS = `id subgraph type eventId handler envelope lastError attempts deadLetteredAt status discardReason discardedAt
  replays { requestedBy { id } requestedAt outcome error completedAt }`;
const DEAD_LETTERS = `query($filter: DeadLetterFilter, $first: Int, $after: String) {
  deadLetters(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${FIELDS} } }
  }
}`;
const REPLAY = `mutation($input: ReplayDeadLetterInput!) { replayDeadLetter(input: $input) { deadLetter { ${FIELDS} } } }`;
const DISCARD = `mutation($input: DiscardDeadLetterInput!) { discardDeadLetter(input: $input) { deadLetter { ${FIELDS} } } }`;

interface DeadLetterView {
  id: string;
  subgraph: string;
  type: string;
  status: string;
  envelope: unknown;
  lastError: string;
  discardReason: string | null;
  replays: { requestedBy: { id: string } | null; outcome: string | null; error: string | null }[];
}
interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: DeadLetterView }[];
}

/** A subgraph's report of a dead letter, as the kit's consumer records it. */
async function reported(overrides: Partial<DeadLettered> = {}): Promise<DeadLettered> {
  const eventId = randomUUID();
  const payload: DeadLettered = {
    deadLetterId: randomUUID(),
    subgraph: 'licensing',
    handler: 'issue-licenses',
    eventType: 'order.paid',
    eventId,
    envelope: JSON.stringify({ id: eventId, type: 'order.paid', payload: { orderId: randomUUID() } }),
    lastError: 'product replica missing',
    attempts: 5,
    deadLetteredAt: new Date().toISOString(),
    ...overrides,
  };
  await deliverEvent(operator, Events.EventDeadLettered, payload, { aggregateId: payload.deadLetterId });
  return payload;
}

const list = async (filter: Record<string, unknown> | null, extra: Record<string, unknown> = {}) =>
  (
    await operator.client.data<{ deadLetters: Page }>(DEAD_LETTERS, {
      variables: { filter, ...extra },
      token: admin.token,
    })
  ).deadLetters;
const one = async (id: string) => {
  const [row] = await queryRows<{ deadLetteredAt: string }>(
    operator.subgraph.deps.db,
    `SELECT to_char(dead_lettered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "deadLetteredAt"
       FROM dead_letter_registry WHERE id = $1`,
    [id],
  );
  const page = await list({ from: row.deadLetteredAt, to: new Date(Date.parse(row.deadLetteredAt) + 1).toISOString() });
  return page.edges.map((edge) => edge.node).find((node) => node.id === globalId('DeadLetter', id))!;
};
const replay = (id: string, token = admin.token) =>
  operator.client.request<{ replayDeadLetter: { deadLetter: DeadLetterView } | null }>(REPLAY, {
    variables: { input: { deadLetterId: globalId('DeadLetter', id) } },
    token,
  });
const discard = (id: string, reason: string, token = admin.token) =>
  operator.client.request<{ discardDeadLetter: { deadLetter: DeadLetterView } | null }>(DISCARD, {
    variables: { input: { deadLetterId: globalId('DeadLetter', id), reason } },
    token,
  });
const answer = (deadLetterId: string, outcome: 'APPLIED' | 'ALREADY_APPLIED' | 'FAILED', error: string | null = null) =>
  deliverEvent(
    operator,
    Events.EventReplayed,
    { subgraph: 'licensing', deadLetterId, outcome, error, replayedAt: new Date().toISOString() },
    { aggregateId: deadLetterId },
  );
const commands = (id: string) => outboxOf<Record<string, unknown>>(operator, id);

describe('the registry', () => {
  it('lists reports once each, newest first, with the envelope as JSON (or text when it was not JSON)', async () => {
    const from = new Date().toISOString();
    const first = await reported({ deadLetteredAt: new Date(Date.now() - 2_000).toISOString() });
    const malformed = await reported({ envelope: 'not json', eventId: null, subgraph: 'orders', eventType: 'x.y' });
    await deliverEvent(operator, Events.EventDeadLettered, first, { aggregateId: first.deadLetterId });
    const page = await list({ from: new Date(Date.parse(from) - 5_000).toISOString() });
    expect(page.totalCount).toBe(2);
    expect(page.edges.map((edge) => edge.node.id)).toEqual([
      globalId('DeadLetter', malformed.deadLetterId),
      globalId('DeadLetter', first.deadLetterId),
    ]);
    expect(page.edges[1].node).toMatchObject({
      subgraph: 'licensing',
      type: 'order.paid',
      eventId: first.eventId,
      handler: 'issue-licenses',
      envelope: JSON.parse(first.envelope),
      lastError: 'product replica missing',
      attempts: 5,
      deadLetteredAt: first.deadLetteredAt,
      status: 'DEAD',
      discardReason: null,
      replays: [],
    });
    expect(page.edges[0].node.envelope).toBe('not json');
  });

  it('filters by subgraph, type and time; pages with cursors; replays come in one query for a page', async () => {
    const subgraph = `sub_${randomUUID().slice(0, 8)}`;
    const base = Date.parse('2031-03-01T00:00:00.000Z');
    const times = [0, 1, 2, 3].map((minute) => new Date(base + minute * 60_000).toISOString());
    for (const [index, at] of times.entries())
      await reported({ subgraph, eventType: index % 2 ? 'order.paid' : 'payment.refunded', deadLetteredAt: at });
    expect((await list({ subgraph })).totalCount).toBe(4);
    expect((await list({ subgraph, type: 'order.paid' })).totalCount).toBe(2);
    expect((await list({ subgraph, from: times[1], to: times[3] })).edges.map((e) => e.node.type)).toEqual([
      'payment.refunded',
      'order.paid',
    ]);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Page = await list({ subgraph }, { first: 3, after });
      seen.push(...page.edges.map((edge) => edge.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(new Set(seen).size).toBe(4);
    const { statements } = await sqlDuring(operator, () => list({ subgraph }));
    expect(statements.filter((sql) => /dead_letter_replays/.test(sql))).toHaveLength(1);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    ['a subgraph that is no name', { subgraph: 'Orders; drop' }, {}, 'filter.subgraph'],
    ['a type that is no event type', { type: 'order' }, {}, 'filter.type'],
    ['an overlong type', { type: `a.${'b'.repeat(300)}` }, {}, 'filter.type'],
    ['from after to', { from: '2031-01-02T00:00:00Z', to: '2031-01-01T00:00:00Z' }, {}, 'filter.to'],
    ['a forged cursor', {}, { after: 'bm9wZQ' }, 'after'],
  ])('%s is BAD_USER_INPUT naming the field', async (_name, filter, extra, field) => {
    const result = await operator.client.request(DEAD_LETTERS, { variables: { filter, ...extra }, token: admin.token });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [expect.objectContaining({ field })],
    });
  });
});

describe('replay and discard', () => {
  it('replay: REPLAY_REQUESTED, the command to the owner and the audit record in one commit; the answer settles it', async () => {
    const letter = await reported();
    const result = await replay(letter.deadLetterId);
    expect(result.errors).toBeUndefined();
    expect(result.data?.replayDeadLetter?.deadLetter).toMatchObject({
      status: 'REPLAY_REQUESTED',
      replays: [{ requestedBy: { id: globalId('User', admin.id) }, outcome: null, error: null }],
    });
    const recorded = await commands(letter.deadLetterId);
    expect(recorded.map((envelope) => envelope.type)).toEqual(['event.replay_requested', 'audit.recorded']);
    expect(recorded[0].payload).toEqual({ subgraph: 'licensing', deadLetterId: letter.deadLetterId });
    expect(recorded[1].payload).toMatchObject({
      action: 'DEAD_LETTER_REPLAYED',
      actor: { kind: 'USER', userId: admin.id, role: 'ADMIN' },
      targetType: 'DeadLetter',
      targetId: letter.deadLetterId,
      before: { status: 'DEAD' },
      after: { status: 'REPLAY_REQUESTED' },
    });

    await answer(letter.deadLetterId, 'FAILED', 'issue-licenses: product replica still missing');
    expect(await one(letter.deadLetterId)).toMatchObject({
      status: 'DEAD',
      lastError: 'product replica still missing',
      replays: [{ outcome: 'FAILED', error: 'issue-licenses: product replica still missing' }],
    });
    expect((await replay(letter.deadLetterId, otherAdmin.token)).errors).toBeUndefined();
    await answer(letter.deadLetterId, 'APPLIED');
    const settled = await one(letter.deadLetterId);
    expect(settled.status).toBe('REPLAYED');
    expect(settled.replays.map((r) => [r.outcome, r.requestedBy?.id])).toEqual([
      ['FAILED', globalId('User', admin.id)],
      ['APPLIED', globalId('User', otherAdmin.id)],
    ]);
    // A late duplicate answer changes nothing.
    await answer(letter.deadLetterId, 'FAILED', 'late');
    expect((await one(letter.deadLetterId)).status).toBe('REPLAYED');
  });

  it('discard: DISCARDED with the reason (trimmed), the word to the owner and the audit record', async () => {
    const letter = await reported();
    const result = await discard(letter.deadLetterId, '  test order, nothing to do  ');
    expect(result.data?.discardDeadLetter?.deadLetter).toMatchObject({
      status: 'DISCARDED',
      discardReason: 'test order, nothing to do',
    });
    const recorded = await commands(letter.deadLetterId);
    expect(recorded.map((envelope) => [envelope.type, envelope.payload])).toEqual([
      [
        'event.discarded',
        { subgraph: 'licensing', deadLetterId: letter.deadLetterId, reason: 'test order, nothing to do' },
      ],
      [
        'audit.recorded',
        expect.objectContaining({
          action: 'DEAD_LETTER_DISCARDED',
          before: { status: 'DEAD' },
          after: { status: 'DISCARDED', discardReason: 'test order, nothing to do' },
        }),
      ],
    ]);
  });

  it('only a DEAD letter moves: CONFLICT (INVALID_STATUS) otherwise, NOT_FOUND for an unknown one, nothing recorded', async () => {
    const pending = await reported();
    await replay(pending.deadLetterId);
    const discarded = await reported();
    await discard(discarded.deadLetterId, 'noise');
    const replayed = await reported();
    await replay(replayed.deadLetterId);
    await answer(replayed.deadLetterId, 'ALREADY_APPLIED');
    for (const [attempt, id] of [
      [replay, pending.deadLetterId],
      [(letterId: string) => discard(letterId, 'r'), pending.deadLetterId],
      [replay, discarded.deadLetterId],
      [(letterId: string) => discard(letterId, 'again'), discarded.deadLetterId],
      [replay, replayed.deadLetterId],
      [(letterId: string) => discard(letterId, 'r'), replayed.deadLetterId],
    ] as const) {
      const before = (await commands(id)).length;
      const result = await attempt(id);
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATUS' });
      expect(await commands(id)).toHaveLength(before);
    }
    expect((await replay(randomUUID())).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await discard(randomUUID(), 'r')).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it.each<[string, () => Promise<{ errors?: { extensions?: Record<string, unknown> }[] }>, string]>([
    [
      'a malformed id',
      () => operator.client.request(REPLAY, { variables: { input: { deadLetterId: 'nope' } }, token: admin.token }),
      'input.deadLetterId',
    ],
    [
      'an id of another type',
      () =>
        operator.client.request(REPLAY, {
          variables: { input: { deadLetterId: globalId('Order', randomUUID()) } },
          token: admin.token,
        }),
      'input.deadLetterId',
    ],
    ['an empty reason', () => discard(randomUUID(), '   '), 'input.reason'],
    ['an overlong reason', () => discard(randomUUID(), 'x'.repeat(1_001)), 'input.reason'],
    ['a reason with control characters', () => discard(randomUUID(), 'bad\u0007bell'), 'input.reason'],
  ])('%s is BAD_USER_INPUT naming the field', async (_name, attempt, field) => {
    expect((await attempt()).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [expect.objectContaining({ field })],
    });
  });

  it('two admins replaying at once: one replay; replay racing discard: one of them', async () => {
    const letter = await reported();
    const results = await Promise.all([replay(letter.deadLetterId), replay(letter.deadLetterId, otherAdmin.token)]);
    expect(results.filter((result) => result.data?.replayDeadLetter).length).toBe(1);
    expect(results.filter((result) => result.errors?.[0].extensions?.reason === 'INVALID_STATUS').length).toBe(1);
    expect((await commands(letter.deadLetterId)).filter((e) => e.type === 'event.replay_requested')).toHaveLength(1);
    expect((await one(letter.deadLetterId)).replays).toHaveLength(1);

    const contested = await reported();
    const [replayed, discarded] = await Promise.all([
      replay(contested.deadLetterId),
      discard(contested.deadLetterId, 'racing', otherAdmin.token),
    ]);
    expect([replayed.data?.replayDeadLetter, discarded.data?.discardDeadLetter].filter(Boolean)).toHaveLength(1);
    const status = (await one(contested.deadLetterId)).status;
    expect(status).toBe(replayed.data?.replayDeadLetter ? 'REPLAY_REQUESTED' : 'DISCARDED');
    expect((await commands(contested.deadLetterId)).filter((e) => e.type === 'audit.recorded')).toHaveLength(1);
  });

  it('admins only: anonymous UNAUTHENTICATED, customers and vendors FORBIDDEN, and nothing moves', async () => {
    const letter = await reported();
    const input = { deadLetterId: globalId('DeadLetter', letter.deadLetterId) };
    // Explicit tokens: the helpers above default to the admin's.
    const calls = [
      (token?: string) => operator.client.request(DEAD_LETTERS, { variables: {}, token }),
      (token?: string) => operator.client.request(REPLAY, { variables: { input }, token }),
      (token?: string) => operator.client.request(DISCARD, { variables: { input: { ...input, reason: 'no' } }, token }),
    ];
    for (const call of calls) {
      const anonymous = await call(undefined);
      expect(Object.values(anonymous.data ?? {}).every((value) => value === null)).toBe(true);
      expect(anonymous.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      for (const someone of [person(Role.CUSTOMER), person(Role.VENDOR), person(Role.VENDOR)]) {
        const refused = await call(someone.token);
        expect(Object.values(refused.data ?? {}).every((value) => value === null)).toBe(true);
        expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
      }
    }
    expect(await commands(letter.deadLetterId)).toEqual([]);
    expect((await one(letter.deadLetterId)).status).toBe('DEAD');
  });
});

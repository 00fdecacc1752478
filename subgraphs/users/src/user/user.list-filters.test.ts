import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import type { SignedInRoles } from '../testing';
import { STRONG_PASSWORD, register, startUsersWithRoles, uniqueEmail } from '../testing';

/** The admin list's issue-20 filters: status (read at the moment of asking) and sign-up time, and their bad input. */
let users: TestSubgraph;
let roles: SignedInRoles;
beforeAll(async () => {
  ({ users, roles } = await startUsersWithRoles());
});
afterAll(() => users.close());

const USERS = `query($filter: UserFilter) {
  users(first: 100, filter: $filter) { totalCount edges { node { id status } } }
}`;
const db = () => users.subgraph.deps.db;

async function ids(filter: Record<string, unknown>): Promise<string[]> {
  const { users: page } = await users.client.data(USERS, { variables: { filter }, token: roles.admin.accessToken });
  expect(page.totalCount).toBe(page.edges.length);
  return page.edges.map((e: { node: { id: string } }) => e.node.id).sort();
}

async function suspendInDb(userId: string, until: Date | null) {
  await db().query(
    `UPDATE users SET suspended_at = now(), suspended_until = $2, suspension_reason = 'test', suspended_by = id WHERE id = $1`,
    [uuidOf(userId), until],
  );
}

it('filters by status as it stands now: a suspension whose end passed is ACTIVE', async () => {
  const tag = `f${Date.now().toString(36)}`;
  const [open, ended, active] = await Promise.all(
    ['open', 'ended', 'active'].map((name) => register(users, uniqueEmail(), STRONG_PASSWORD, `${tag} ${name}`)),
  );
  await suspendInDb(open.user.id, null);
  await suspendInDb(ended.user.id, new Date(Date.now() - 1_000));
  expect(await ids({ search: tag, status: 'SUSPENDED' })).toEqual([open.user.id]);
  expect(await ids({ search: tag, status: 'ACTIVE' })).toEqual([ended.user.id, active.user.id].sort());
  const { users: page } = await users.client.data(USERS, {
    variables: { filter: { search: tag } },
    token: roles.admin.accessToken,
  });
  const statusOf = new Map(page.edges.map((e: { node: { id: string; status: string } }) => [e.node.id, e.node.status]));
  expect(statusOf.get(ended.user.id)).toBe('ACTIVE');
  expect(statusOf.get(open.user.id)).toBe('SUSPENDED');
});

it('filters by sign-up time: createdAfter inclusive, createdBefore exclusive', async () => {
  const tag = `c${Date.now().toString(36)}`;
  const made = [];
  for (const name of ['first', 'second', 'third'])
    made.push(await register(users, uniqueEmail(), STRONG_PASSWORD, `${tag} ${name}`));
  const times = await Promise.all(
    made.map(
      async (s) =>
        (await db().query('SELECT created_at FROM users WHERE id = $1', [uuidOf(s.user.id)]))[0].created_at as Date,
    ),
  );
  expect(await ids({ search: tag, createdAfter: times[1].toISOString() })).toEqual(
    [made[1].user.id, made[2].user.id].sort(),
  );
  expect(await ids({ search: tag, createdBefore: times[1].toISOString() })).toEqual([made[0].user.id]);
  expect(
    await ids({ search: tag, createdAfter: times[0].toISOString(), createdBefore: times[2].toISOString() }),
  ).toEqual([made[0].user.id, made[1].user.id].sort());
});

it.each<[string, Record<string, unknown>, string]>([
  ['a search over 100 characters', { search: 'x'.repeat(101) }, 'filter.search'],
  [
    'createdBefore not after createdAfter',
    { createdAfter: '2026-01-02T00:00:00Z', createdBefore: '2026-01-01T00:00:00Z' },
    'filter.createdBefore',
  ],
])('refuses %s with BAD_USER_INPUT and a null list', async (_label, filter, field) => {
  const result = await users.client.request(USERS, { variables: { filter }, token: roles.admin.accessToken });
  expect(result.errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    fields: [{ field, message: expect.any(String) }],
  });
  expect(result.data).toEqual({ users: null });
});

it('refuses a status or a time that is not one with BAD_USER_INPUT', async () => {
  for (const filter of [{ status: 'BANNED' }, { createdAfter: 'last week' }]) {
    const result = await users.client.request(USERS, { variables: { filter }, token: roles.admin.accessToken });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  }
});

it('searches through the trigram indexes, not a scan of every user', async () => {
  // One connection for the whole transaction: SET LOCAL holds only on it.
  const runner = db().createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    await runner.query('SET LOCAL enable_seqscan = off');
    const plan = (
      await runner.query(
        `EXPLAIN SELECT id FROM users u WHERE u.email ILIKE '%grace%' OR u.display_name ILIKE '%grace%'`,
      )
    )
      .map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN'])
      .join('\n');
    expect(plan).toContain('users_email_trgm_idx');
    expect(plan).toContain('users_display_name_trgm_idx');
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
});

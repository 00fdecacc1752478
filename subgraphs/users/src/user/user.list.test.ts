import { randomUUID } from 'node:crypto';
import { TestSubgraph, globalId, uuidOf } from '@marketplace/kit/testing';
import type { Session, SignedInRoles, Who } from '../testing';
import { STRONG_PASSWORD, register, startUsersWithRoles, tokenOf, uniqueEmail } from '../testing';

/** The admins' list of users: who may read it, its order, pages, filters and search. */
let users: TestSubgraph;
let roles: SignedInRoles;
beforeAll(async () => {
  ({ users, roles } = await startUsersWithRoles());
});
afterAll(() => users.close());

const USERS = `query($first: Int, $after: String, $filter: UserFilter) {
  users(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id email displayName role createdAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface UserNode {
  id: string;
  email: string | null;
  displayName: string;
  role: string;
  createdAt: string;
}
interface UsersPage {
  totalCount: number;
  edges: { cursor: string; node: UserNode }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const db = () => users.subgraph.deps.db;

function listUsers(variables: Record<string, unknown>, token = roles.admin.accessToken) {
  return users.client.data<{ users: UsersPage }>(USERS, { variables, token }).then((data) => data.users);
}

let tags = 0;
/** A lower-case prefix no other test's names or emails start with. */
function newTag(): string {
  tags += 1;
  return `t${Date.now().toString(36)}${tags}`;
}

describe('users', () => {
  it.each<[Who, string]>([
    ['anonymous', 'UNAUTHENTICATED'],
    ['customer', 'FORBIDDEN'],
    ['vendor', 'FORBIDDEN'],
  ])('refuses %s with %s and a null list (not an empty one)', async (who, code) => {
    const result = await users.client.request(USERS, { variables: { first: 5 }, token: tokenOf(roles, who) });
    expect(result.errors).toEqual([expect.objectContaining({ path: ['users'], extensions: { code } })]);
    expect(result.data).toEqual({ users: null });
  });

  it('lists everyone for an admin, newest first, with the total count', async () => {
    const a = await register(users);
    const b = await register(users);
    const c = await register(users);
    const page = await listUsers({ first: 3 });
    expect(page.edges.map((e) => e.node.id)).toEqual([c.user.id, b.user.id, a.user.id]);
    expect(page.edges[0].node.email).toBe(c.user.email);
    const [{ n }] = await db().query('SELECT count(*)::int AS n FROM users');
    expect(page.totalCount).toBe(n);
    expect(page.pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: page.edges[0].cursor,
      endCursor: page.edges[2].cursor,
    });

    const all = await listUsers({ first: 100 });
    const keys = all.edges.map((e) => [e.node.createdAt, e.node.id].join(' '));
    expect(keys).toEqual([...keys].sort().reverse());
  });

  it('visits every user exactly once across pages, even when they share a creation time', async () => {
    const tag = newTag();
    const created: Session[] = [];
    for (let i = 0; i < 7; i += 1)
      created.push(await register(users, uniqueEmail(), STRONG_PASSWORD, `${tag} pager ${i}`));
    // Five of them share one millisecond, so only the id orders them.
    await db().query(`UPDATE users SET created_at = '2021-06-01T12:00:00.000Z' WHERE id = ANY($1)`, [
      created.slice(0, 5).map((s) => uuidOf(s.user.id)),
    ]);
    const expected = (
      await db().query('SELECT id FROM users WHERE display_name LIKE $1 ORDER BY created_at DESC, id DESC', [
        `${tag} %`,
      ])
    ).map((r: { id: string }) => globalId('User', r.id));

    const seen: string[] = [];
    let after: string | null = null;
    for (let pageNumber = 0; ; pageNumber += 1) {
      const page: UsersPage = await listUsers({ first: 2, after, filter: { search: tag } });
      expect(page.totalCount).toBe(7);
      expect(page.pageInfo.hasPreviousPage).toBe(pageNumber > 0);
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) {
        expect(pageNumber).toBe(3);
        expect(page.edges).toHaveLength(1);
        break;
      }
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(7);
  });

  it('keeps paging stable while new users sign up concurrently', async () => {
    const tag = newTag();
    const original: string[] = [];
    for (let i = 0; i < 6; i += 1)
      original.push((await register(users, uniqueEmail(), STRONG_PASSWORD, `${tag} early ${i}`)).user.id);
    const first = await listUsers({ first: 2, filter: { search: tag } });
    expect(first.edges.map((e) => e.node.id)).toEqual([original[5], original[4]]);

    const readRest = async () => {
      const rest: string[] = [];
      let after = first.pageInfo.endCursor;
      for (;;) {
        const page = await listUsers({ first: 2, after, filter: { search: tag } });
        rest.push(...page.edges.map((e) => e.node.id));
        if (!page.pageInfo.hasNextPage) return rest;
        after = page.pageInfo.endCursor;
      }
    };
    const [rest] = await Promise.all([
      readRest(),
      ...Array.from({ length: 4 }, (_, i) => register(users, uniqueEmail(), STRONG_PASSWORD, `${tag} late ${i}`)),
    ]);
    // Newcomers sort before the cursor: the remaining pages hold exactly the rest of the original list.
    expect(rest).toEqual([original[3], original[2], original[1], original[0]]);
    expect((await listUsers({ first: 1, filter: { search: tag } })).totalCount).toBe(10);
  });

  it('filters by role, alone and with a search', async () => {
    const tag = newTag();
    const made = await Promise.all(
      ['Vee one', 'Vee two', 'Cee one'].map((name) =>
        register(users, uniqueEmail(), STRONG_PASSWORD, `${tag} ${name}`),
      ),
    );
    await db().query(`UPDATE users SET role = 'VENDOR' WHERE id = ANY($1)`, [
      made.slice(0, 2).map((s) => uuidOf(s.user.id)),
    ]);

    const vendors = await listUsers({ first: 100, filter: { role: 'VENDOR' } });
    const [{ n }] = await db().query(`SELECT count(*)::int AS n FROM users WHERE role = 'VENDOR'`);
    expect(vendors.totalCount).toBe(n);
    expect(vendors.edges.every((e) => e.node.role === 'VENDOR')).toBe(true);
    expect(vendors.edges.map((e) => e.node.id)).toEqual(
      expect.arrayContaining([made[0].user.id, made[1].user.id, roles.vendor.user.id]),
    );

    const both = await listUsers({ first: 100, filter: { role: 'VENDOR', search: tag } });
    expect(both.edges.map((e) => e.node.id).sort()).toEqual([made[0].user.id, made[1].user.id].sort());
    expect(both.totalCount).toBe(2);
    expect((await listUsers({ first: 100, filter: { role: 'ADMIN' } })).edges.map((e) => e.node.id)).toContain(
      roles.admin.user.id,
    );
  });

  it('searches a substring of the email or the display name, ignoring case', async () => {
    const tag = newTag();
    const alpha = await register(users, `${tag}.alpha@example.com`, STRONG_PASSWORD, 'Alpha Person');
    const beta = await register(users, `${tag}.beta@example.com`, STRONG_PASSWORD, 'Beta Person');
    const zed = await register(users, uniqueEmail(), STRONG_PASSWORD, `Zed${tag} One`);
    const zedLower = await register(users, uniqueEmail(), STRONG_PASSWORD, `zed${tag} two`);
    const inside = await register(users, `x.${tag}@example.com`, STRONG_PASSWORD, `Not Zed${tag}`);

    const ids = async (search: string) =>
      (await listUsers({ first: 100, filter: { search } })).edges.map((e) => e.node.id).sort();
    expect(await ids(`${tag.toUpperCase()}.`)).toEqual([alpha.user.id, beta.user.id].sort());
    expect(await ids(`  ${tag}.al  `)).toEqual([alpha.user.id]);
    expect(await ids(`ZED${tag}`)).toEqual([zed.user.id, zedLower.user.id, inside.user.id].sort());
    // Substring: the middle of an email and of a name match too.
    expect(await ids(`${tag}@`)).toEqual([inside.user.id]);
    expect(await ids(`${tag.slice(1)}.BETA`)).toEqual([beta.user.id]);
    expect(await ids(tag.slice(1))).toEqual(
      [alpha.user.id, beta.user.id, zed.user.id, zedLower.user.id, inside.user.id].sort(),
    );
    expect(await ids(`d${tag} tw`)).toEqual([zedLower.user.id]);
  });

  it('treats %, _, \\ and quotes in a search literally', async () => {
    const tag = newTag();
    const names = [
      `${tag}100% off`,
      `${tag}100x off`,
      `${tag}a_b`,
      `${tag}axb`,
      `${tag}back\\slash`,
      `${tag}backslash`,
      `${tag}O'Brien`,
      `${tag}OBrien`,
    ];
    const byName = new Map<string, string>();
    for (const name of names) byName.set(name, (await register(users, uniqueEmail(), STRONG_PASSWORD, name)).user.id);
    const underscoreMail = await register(users, `${tag}_mail@example.com`, STRONG_PASSWORD, 'Mail Person');
    await register(users, `${tag}xmail@example.com`, STRONG_PASSWORD, 'Mail Person');

    const found = async (search: string) => {
      const page = await listUsers({ first: 100, filter: { search } });
      expect(page.totalCount).toBe(page.edges.length);
      return page.edges.map((e) => e.node.id);
    };
    expect(await found(`${tag}100%`)).toEqual([byName.get(`${tag}100% off`)]);
    expect(await found(`${tag}a_b`)).toEqual([byName.get(`${tag}a_b`)]);
    expect(await found(`${tag}back\\`)).toEqual([byName.get(`${tag}back\\slash`)]);
    expect(await found(`${tag}o'b`)).toEqual([byName.get(`${tag}O'Brien`)]);
    expect(await found(`${tag}_`)).toEqual([underscoreMail.user.id]);
    // Alone, each is the literal character, found anywhere (substring search), never a wildcard.
    const sorted = (ids: (string | undefined)[]) => [...ids].sort();
    expect(sorted(await found('%'))).toEqual([byName.get(`${tag}100% off`)]);
    expect(sorted(await found('_'))).toEqual(sorted([byName.get(`${tag}a_b`), underscoreMail.user.id]));
    expect(await found('\\')).toEqual([byName.get(`${tag}back\\slash`)]);
    expect(await found("'")).toEqual([byName.get(`${tag}O'Brien`)]);
    for (const nothing of ['%%', "' OR 1=1 --"]) expect(await found(nothing)).toEqual([]);
  });

  it.each([0, -1, 101])('refuses first: %d with BAD_USER_INPUT naming the field', async (first) => {
    const result = await users.client.request(USERS, { variables: { first }, token: roles.admin.accessToken });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'first', message: expect.stringMatching(/^must not be (less|greater) than (1|100)$/) }],
    });
    expect(result.data).toEqual({ users: null });
  });

  it('accepts first: 1 and first: 100', async () => {
    expect((await listUsers({ first: 1 })).edges).toHaveLength(1);
    expect((await listUsers({ first: 100 })).edges.length).toBeGreaterThan(1);
  });

  const forge = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
  it.each([
    ['garbage', 'garbage!'],
    ['base64 of text', Buffer.from('hello').toString('base64url')],
    ['the wrong number of values', forge(['2024-01-01T00:00:00.000Z'])],
    ['values of the wrong kind', forge(['not-a-date', 'not-a-uuid'])],
    ['a malformed id', forge(['2024-01-01T00:00:00.000Z', "x' OR '1'='1"])],
    ['a number for the time', forge([1704067200000, randomUUID()])],
    ['an impossible date', forge(['2024-02-30T00:00:00.000Z', randomUUID()])],
    ['year zero', forge(['0000-01-01T00:00:00.000Z', randomUUID()])],
    ['SQL in the time', forge(["2024-01-01'; DROP TABLE users; --", randomUUID()])],
  ])('refuses a forged cursor (%s) with BAD_USER_INPUT', async (_label, after) => {
    const result = await users.client.request(USERS, {
      variables: { first: 5, after },
      token: roles.admin.accessToken,
    });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'after', message: 'is not a cursor from this list' }],
    });
    const [{ n }] = await db().query('SELECT count(*)::int AS n FROM users');
    expect(n).toBeGreaterThan(0);
  });

  it('accepts a well-formed cursor for a position no row holds', async () => {
    const page = await listUsers({ first: 5, after: forge(['2000-01-01T00:00:00.000Z', randomUUID()]) });
    expect(page.edges).toEqual([]);
    expect(page.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
  });
});

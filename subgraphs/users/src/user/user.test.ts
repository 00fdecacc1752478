import { randomUUID } from 'node:crypto';
import { TestSubgraph } from '@marketplace/kit/testing';
import {
  STRONG_PASSWORD,
  Session,
  claimsOf,
  loginAsAdmin,
  mailsTo,
  register,
  registerAs,
  sqlDuring,
  startUsers,
  tokenFrom,
  uniqueEmail,
} from '../testing';

let users: TestSubgraph;
let admin: Session;
let customer: Session;
let vendor: Session;

beforeAll(async () => {
  users = await startUsers();
  admin = await loginAsAdmin(users);
  customer = await registerAs(users, 'CUSTOMER');
  vendor = await registerAs(users, 'VENDOR');
});
afterAll(() => users.close());

type Who = 'anonymous' | 'customer' | 'vendor' | 'admin';
const tokenOf = (who: Who) =>
  ({ anonymous: undefined, customer: customer.accessToken, vendor: vendor.accessToken, admin: admin.accessToken })[who];

const ME = `{ me { id email displayName role emailVerified } }`;
const USER = `query($id: ID!) { user(id: $id) { id email displayName role } }`;
const USERS = `query($first: Int, $after: String, $filter: UsersFilter) {
  users(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id email displayName role createdAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id email displayName emailVerified } }`;
const SET_ROLE = `mutation($userId: ID!, $role: Role!) { setUserRole(userId: $userId, role: $role) { id role } }`;
const VERIFY = `mutation($t: String!) { verifyEmail(token: $t) { id emailVerified } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { id role } } }`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email displayName } } }`;

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

async function stored(
  id: string,
): Promise<{ email: string; display_name: string; role: string; email_verified_at: Date | null }> {
  const [row] = await db().query('SELECT email, display_name, role, email_verified_at FROM users WHERE id = $1', [id]);
  return row;
}

function listUsers(variables: Record<string, unknown>, token = admin.accessToken) {
  return users.client.data<{ users: UsersPage }>(USERS, { variables, token }).then((data) => data.users);
}

let tags = 0;
/** A lower-case prefix no other test's names or emails start with. */
function newTag(): string {
  tags += 1;
  return `t${Date.now().toString(36)}${tags}`;
}

describe('me', () => {
  it('is null for an anonymous caller', async () => {
    const result = await users.client.request(ME);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ me: null });
  });

  it.each<Who>(['customer', 'vendor', 'admin'])('is the signed-in %s, with their own email', async (who) => {
    const session = { customer, vendor, admin }[who as 'customer' | 'vendor' | 'admin'];
    const { me } = await users.client.data(ME, { token: tokenOf(who) });
    expect(me).toEqual({
      id: session.user.id,
      email: session.user.email,
      displayName: session.user.displayName,
      role: who.toUpperCase(),
      emailVerified: session.user.emailVerified,
    });
  });
});

describe('user(id)', () => {
  it('lets a user read themself', async () => {
    const { user } = await users.client.data(USER, {
      variables: { id: customer.user.id },
      token: customer.accessToken,
    });
    expect(user).toEqual({
      id: customer.user.id,
      email: customer.user.email,
      displayName: customer.user.displayName,
      role: 'CUSTOMER',
    });
  });

  it('lets an admin read anyone, email included', async () => {
    const { user } = await users.client.data(USER, { variables: { id: vendor.user.id }, token: admin.accessToken });
    expect(user).toEqual({
      id: vendor.user.id,
      email: vendor.user.email,
      displayName: vendor.user.displayName,
      role: 'VENDOR',
    });
  });

  it.each<[Who, string]>([
    ['anonymous', 'UNAUTHENTICATED'],
    ['customer', 'FORBIDDEN'],
    ['vendor', 'FORBIDDEN'],
  ])('refuses %s reading another user with %s and no data', async (who, code) => {
    const result = await users.client.request(USER, { variables: { id: admin.user.id }, token: tokenOf(who) });
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(result.data).toBeNull();
  });

  it('gives a customer the same answer for an unknown id as for someone else (no existence oracle)', async () => {
    const unknown = await users.client.request(USER, { variables: { id: randomUUID() }, token: customer.accessToken });
    const existing = await users.client.request(USER, {
      variables: { id: vendor.user.id },
      token: customer.accessToken,
    });
    expect(unknown.errors?.[0]).toEqual(existing.errors?.[0]);
    expect(unknown.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND to an admin asking for an unknown id', async () => {
    expect(await users.client.errorCode(USER, { variables: { id: randomUUID() }, token: admin.accessToken })).toBe(
      'NOT_FOUND',
    );
  });

  it.each(['not-a-uuid', '', '123', "' OR '1'='1", 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1z', 'x'.repeat(5000)])(
    'answers NOT_FOUND or BAD_USER_INPUT (never an internal error) to a malformed id %#',
    async (id) => {
      const result = await users.client.request(USER, { variables: { id }, token: admin.accessToken });
      expect(['NOT_FOUND', 'BAD_USER_INPUT']).toContain(result.errors?.[0].extensions?.code);
      expect(result.data).toBeNull();
    },
  );
});

describe('users', () => {
  it.each<[Who, string]>([
    ['anonymous', 'UNAUTHENTICATED'],
    ['customer', 'FORBIDDEN'],
    ['vendor', 'FORBIDDEN'],
  ])('refuses %s with %s', async (who, code) => {
    const result = await users.client.request(USERS, { variables: { first: 5 }, token: tokenOf(who) });
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(result.data).toBeNull();
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
      created.slice(0, 5).map((s) => s.user.id),
    ]);
    const expected = (
      await db().query('SELECT id FROM users WHERE display_name LIKE $1 ORDER BY created_at DESC, id DESC', [
        `${tag} %`,
      ])
    ).map((r: { id: string }) => r.id);

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
    await db().query(`UPDATE users SET role = 'VENDOR' WHERE id = ANY($1)`, [made.slice(0, 2).map((s) => s.user.id)]);

    const vendors = await listUsers({ first: 100, filter: { role: 'VENDOR' } });
    const [{ n }] = await db().query(`SELECT count(*)::int AS n FROM users WHERE role = 'VENDOR'`);
    expect(vendors.totalCount).toBe(n);
    expect(vendors.edges.every((e) => e.node.role === 'VENDOR')).toBe(true);
    expect(vendors.edges.map((e) => e.node.id)).toEqual(
      expect.arrayContaining([made[0].user.id, made[1].user.id, vendor.user.id]),
    );

    const both = await listUsers({ first: 100, filter: { role: 'VENDOR', search: tag } });
    expect(both.edges.map((e) => e.node.id).sort()).toEqual([made[0].user.id, made[1].user.id].sort());
    expect(both.totalCount).toBe(2);
    expect((await listUsers({ first: 100, filter: { role: 'ADMIN' } })).edges.map((e) => e.node.id)).toContain(
      admin.user.id,
    );
  });

  it('searches by email prefix and display-name prefix, ignoring case', async () => {
    const tag = newTag();
    const alpha = await register(users, `${tag}.alpha@example.com`, STRONG_PASSWORD, 'Alpha Person');
    const beta = await register(users, `${tag}.beta@example.com`, STRONG_PASSWORD, 'Beta Person');
    const zed = await register(users, uniqueEmail(), STRONG_PASSWORD, `Zed${tag} One`);
    const zedLower = await register(users, uniqueEmail(), STRONG_PASSWORD, `zed${tag} two`);
    await register(users, `x.${tag}@example.com`, STRONG_PASSWORD, `Not Zed${tag}`);

    const ids = async (search: string) =>
      (await listUsers({ first: 100, filter: { search } })).edges.map((e) => e.node.id).sort();
    expect(await ids(`${tag.toUpperCase()}.`)).toEqual([alpha.user.id, beta.user.id].sort());
    expect(await ids(`  ${tag}.al  `)).toEqual([alpha.user.id]);
    expect(await ids(`ZED${tag}`)).toEqual([zed.user.id, zedLower.user.id].sort());
    // Prefix, not substring: neither the middle of an email nor of a name matches.
    expect(await ids(`${tag}@`)).toEqual([]);
    expect(await ids(tag.slice(1))).toEqual([]);
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
    for (const wildcard of ['%', '_', '\\', "'", '%%', "' OR 1=1 --"]) expect(await found(wildcard)).toEqual([]);
  });

  it.each([0, -1, 101])('refuses first: %d with BAD_USER_INPUT naming the field', async (first) => {
    const result = await users.client.request(USERS, { variables: { first }, token: admin.accessToken });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'first', message: expect.stringMatching(/^must not be (less|greater) than (1|100)$/) }],
    });
    expect(result.data).toBeNull();
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
    const result = await users.client.request(USERS, { variables: { first: 5, after }, token: admin.accessToken });
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

describe('updateProfile', () => {
  it('needs a signed-in user', async () => {
    expect(await users.client.errorCode(UPDATE, { variables: { input: { displayName: 'Nobody' } } })).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('trims the display name and leaves omitted fields alone', async () => {
    const session = await register(users);
    const { updateProfile } = await users.client.data(UPDATE, {
      variables: { input: { displayName: '  Grace  Hopper  ' } },
      token: session.accessToken,
    });
    expect(updateProfile).toEqual({
      id: session.user.id,
      email: session.user.email,
      displayName: 'Grace  Hopper',
      emailVerified: false,
    });
    expect(await stored(session.user.id)).toMatchObject({ display_name: 'Grace  Hopper', email: session.user.email });
    const unchanged = await users.client.data(UPDATE, { variables: { input: {} }, token: session.accessToken });
    expect(unchanged.updateProfile.displayName).toBe('Grace  Hopper');
  });

  it.each([
    ['an empty name', { displayName: '' }, 'input.displayName'],
    ['a blank name', { displayName: '   ' }, 'input.displayName'],
    ['an over-long name', { displayName: 'x'.repeat(81) }, 'input.displayName'],
    ['control characters', { displayName: 'a\u0007b' }, 'input.displayName'],
    ['an invalid email', { email: 'not an email' }, 'input.email'],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_label, bad, field) => {
    const session = await register(users);
    const newEmail = uniqueEmail('never');
    const result = await users.client.request(UPDATE, {
      variables: { input: { email: newEmail, displayName: 'Valid Name', ...bad } },
      token: session.accessToken,
    });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field, message: expect.any(String) }],
    });
    expect(await stored(session.user.id)).toMatchObject({ email: session.user.email, display_name: 'Test User' });
    expect(mailsTo(users, newEmail)).toEqual([]);
  });

  it('changes the email: normalised, unverified again, mailed to the new address, old token dead', async () => {
    const session = await register(users);
    const oldToken = tokenFrom(mailsTo(users, session.user.email)[0]);
    const newEmail = uniqueEmail('moved');
    const { updateProfile } = await users.client.data(UPDATE, {
      variables: { input: { email: `  ${newEmail.toUpperCase()} ` } },
      token: session.accessToken,
    });
    expect(updateProfile).toMatchObject({ email: newEmail, emailVerified: false });

    const mails = mailsTo(users, newEmail);
    expect(mails).toEqual([expect.objectContaining({ subject: 'Confirm your email address' })]);
    expect(await users.client.errorCode(VERIFY, { variables: { t: oldToken } })).toBe('BAD_USER_INPUT');
    expect((await users.client.data(VERIFY, { variables: { t: tokenFrom(mails[0]) } })).verifyEmail).toEqual({
      id: session.user.id,
      emailVerified: true,
    });
    // The old address is free for someone else.
    expect((await register(users, session.user.email)).user.email).toBe(session.user.email);
  });

  it('un-verifies a verified address when it changes, and keeps it verified when only its case is retyped', async () => {
    const session = await register(users);
    await users.client.data(VERIFY, { variables: { t: tokenFrom(mailsTo(users, session.user.email)[0]) } });
    const same = await users.client.data(UPDATE, {
      variables: { input: { email: session.user.email.toUpperCase() } },
      token: session.accessToken,
    });
    expect(same.updateProfile).toMatchObject({ email: session.user.email, emailVerified: true });
    expect(mailsTo(users, session.user.email)).toHaveLength(1);
    const moved = await users.client.data(UPDATE, {
      variables: { input: { email: uniqueEmail('moved') } },
      token: session.accessToken,
    });
    expect(moved.updateProfile.emailVerified).toBe(false);
    expect((await stored(session.user.id)).email_verified_at).toBeNull();
  });

  it("refuses another account's email, in any case, with CONFLICT and writes nothing", async () => {
    const owner = await register(users);
    const session = await register(users);
    for (const email of [owner.user.email, owner.user.email.toUpperCase()]) {
      const result = await users.client.request(UPDATE, {
        variables: { input: { email, displayName: 'Thief' } },
        token: session.accessToken,
      });
      expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', field: 'email' });
      expect(result.data).toBeNull();
    }
    expect(await stored(session.user.id)).toMatchObject({ email: session.user.email, display_name: 'Test User' });
    expect(mailsTo(users, owner.user.email)).toHaveLength(1); // the owner's own registration mail only
    const [{ n }] = await db().query(`SELECT count(*)::int AS n FROM email_tokens WHERE user_id = $1`, [
      session.user.id,
    ]);
    expect(n).toBe(1);
  });

  it('lets exactly one of two users take the same new email when they race', async () => {
    const [first, second] = await Promise.all([register(users), register(users)]);
    const contested = uniqueEmail('contested');
    const results = await Promise.all(
      [first, second].map((session) =>
        users.client.request(UPDATE, { variables: { input: { email: contested } }, token: session.accessToken }),
      ),
    );
    const winners = results.filter((r) => r.data?.updateProfile);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0].extensions?.code === 'CONFLICT')).toHaveLength(1);
    const owners = await db().query('SELECT id FROM users WHERE email = $1', [contested]);
    expect(owners).toEqual([{ id: winners[0].data!.updateProfile.id }]);
    const loser = [first, second].find((s) => s.user.id !== owners[0].id)!;
    expect((await stored(loser.user.id)).email).toBe(loser.user.email);
    expect(mailsTo(users, contested)).toHaveLength(1);
  });

  it('applies concurrent email changes of one account one after the other; only the final address can be verified', async () => {
    const session = await register(users);
    const [b, c] = [uniqueEmail('bee'), uniqueEmail('cee')];
    const results = await Promise.all(
      [b, c].map((email) =>
        users.client.request(UPDATE, { variables: { input: { email } }, token: session.accessToken }),
      ),
    );
    expect(results.every((r) => r.data?.updateProfile)).toBe(true);
    const final = (await stored(session.user.id)).email;
    expect([b, c]).toContain(final);
    const other = final === b ? c : b;
    expect(await users.client.errorCode(VERIFY, { variables: { t: tokenFrom(mailsTo(users, other)[0]) } })).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      (await users.client.data(VERIFY, { variables: { t: tokenFrom(mailsTo(users, final)[0]) } })).verifyEmail
        .emailVerified,
    ).toBe(true);
  });
});

describe('setUserRole', () => {
  it.each<[Who, string]>([
    ['anonymous', 'UNAUTHENTICATED'],
    ['customer', 'FORBIDDEN'],
    ['vendor', 'FORBIDDEN'],
  ])('refuses %s with %s and changes nothing', async (who, code) => {
    const target = await register(users);
    const result = await users.client.request(SET_ROLE, {
      variables: { userId: target.user.id, role: 'ADMIN' },
      token: tokenOf(who),
    });
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(result.data).toBeNull();
    expect((await stored(target.user.id)).role).toBe('CUSTOMER');
  });

  it("lets an admin promote a user; the user's next refresh carries the new role", async () => {
    const target = await register(users);
    const { setUserRole } = await users.client.data(SET_ROLE, {
      variables: { userId: target.user.id, role: 'VENDOR' },
      token: admin.accessToken,
    });
    expect(setUserRole).toEqual({ id: target.user.id, role: 'VENDOR' });
    expect((await stored(target.user.id)).role).toBe('VENDOR');
    expect(users.logs.records()).toContainEqual(
      expect.objectContaining({ msg: 'role changed', userId: target.user.id, role: 'VENDOR' }),
    );

    // The access token already issued keeps its role until it is refreshed.
    expect(claimsOf(target.accessToken).role).toBe('CUSTOMER');
    const refreshed = (await users.client.data(REFRESH, { variables: { t: target.refreshToken } })).refreshToken;
    expect(refreshed.user.role).toBe('VENDOR');
    expect(claimsOf(refreshed.accessToken)).toMatchObject({ sub: target.user.id, role: 'VENDOR' });
    expect((await users.client.data(ME, { token: refreshed.accessToken })).me.role).toBe('VENDOR');
    // A vendor still cannot hand out roles.
    expect(
      await users.client.errorCode(SET_ROLE, {
        variables: { userId: target.user.id, role: 'ADMIN' },
        token: refreshed.accessToken,
      }),
    ).toBe('FORBIDDEN');
  });

  it('refuses an admin changing their own role with CONFLICT', async () => {
    const result = await users.client.request(SET_ROLE, {
      variables: { userId: admin.user.id, role: 'CUSTOMER' },
      token: admin.accessToken,
    });
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', field: 'userId' });
    expect((await stored(admin.user.id)).role).toBe('ADMIN');
  });

  it.each([randomUUID(), 'not-a-uuid', ''])('answers NOT_FOUND for an unknown user %j', async (userId) => {
    expect(
      await users.client.errorCode(SET_ROLE, { variables: { userId, role: 'VENDOR' }, token: admin.accessToken }),
    ).toBe('NOT_FOUND');
  });

  it('refuses a role that does not exist', async () => {
    const target = await register(users);
    const result = await users.client.request(SET_ROLE, {
      variables: { userId: target.user.id, role: 'SUPERUSER' },
      token: admin.accessToken,
    });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await stored(target.user.id)).role).toBe('CUSTOMER');
  });

  it('changes the role once when the same promotion races', async () => {
    const target = await register(users);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        users.client.request(SET_ROLE, {
          variables: { userId: target.user.id, role: 'VENDOR' },
          token: admin.accessToken,
        }),
      ),
    );
    expect(results.map((r) => r.data?.setUserRole.role)).toEqual(Array(6).fill('VENDOR'));
    expect(users.logs.records().filter((r) => r.msg === 'role changed' && r.userId === target.user.id)).toHaveLength(1);
  });
});

describe('email privacy through _entities', () => {
  let subject: Session;
  beforeAll(async () => {
    subject = await register(users);
  });

  it.each<[string, () => string | undefined, boolean]>([
    ['anonymous callers', () => undefined, false],
    ['another customer', () => customer.accessToken, false],
    ['a vendor', () => vendor.accessToken, false],
    ['the user themself', () => subject.accessToken, true],
    ['an admin', () => admin.accessToken, true],
  ])('%s %#', async (_label, token, seesEmail) => {
    const { _entities } = await users.client.data(ENTITIES, {
      variables: { r: [{ __typename: 'User', id: subject.user.id }] },
      token: token(),
    });
    expect(_entities).toEqual([
      { id: subject.user.id, displayName: 'Test User', email: seesEmail ? subject.user.email : null },
    ]);
  });

  it('keeps concurrent requests apart: the owner sees the email, others do not', async () => {
    const ask = (token?: string) =>
      users.client.data(ENTITIES, { variables: { r: [{ __typename: 'User', id: subject.user.id }] }, token });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => ask(i % 2 ? subject.accessToken : customer.accessToken)),
    );
    results.forEach((result, i) => expect(result._entities[0].email).toBe(i % 2 ? subject.user.email : null));
  });
});

describe('_entities batching', () => {
  it('resolves many representations, unknown and malformed ones as null, in one SQL statement', async () => {
    const people = await Promise.all(Array.from({ length: 10 }, () => register(users)));
    const ids = [
      ...people.slice(0, 5).map((p) => p.user.id),
      randomUUID(),
      'not-a-uuid',
      '',
      people[2].user.id,
      ...people.slice(5).map((p) => p.user.id),
      "'; DROP TABLE users; --",
    ];
    const { result, statements } = await sqlDuring(users, () =>
      users.client.data(ENTITIES, {
        variables: { r: ids.map((id) => ({ __typename: 'User', id })) },
        token: admin.accessToken,
      }),
    );
    expect(result._entities).toEqual(
      ids.map((id) => {
        const person = people.find((p) => p.user.id === id);
        return person ? { id, email: person.user.email, displayName: 'Test User' } : null;
      }),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^SELECT .* FROM "users"/);
  });

  it('sends no SQL at all when every id is malformed', async () => {
    const { result, statements } = await sqlDuring(users, () =>
      users.client.data(ENTITIES, { variables: { r: ['x', '1', 'null'].map((id) => ({ __typename: 'User', id })) } }),
    );
    expect(result._entities).toEqual([null, null, null]);
    expect(statements).toEqual([]);
  });

  it('batches per request: concurrent requests each send their own single statement', async () => {
    const people = await Promise.all(Array.from({ length: 4 }, () => register(users)));
    const { result, statements } = await sqlDuring(users, () =>
      Promise.all(
        people.map((p) =>
          users.client.data(ENTITIES, {
            variables: { r: [p, ...people].map((q) => ({ __typename: 'User', id: q.user.id })) },
            token: p.accessToken,
          }),
        ),
      ),
    );
    expect(statements).toHaveLength(4);
    result.forEach(({ _entities }, i) => {
      expect(_entities.map((e: { id: string }) => e.id)).toEqual([people[i], ...people].map((p) => p.user.id));
      expect(_entities.filter((e: { email: string | null }) => e.email !== null)).toEqual([
        _entities[0],
        _entities[i + 1],
      ]);
    });
  });
});

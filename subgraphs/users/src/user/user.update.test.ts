import { randomUUID } from 'node:crypto';
import { TestSubgraph, globalId, uuidOf } from '@marketplace/kit/testing';
import type { SignedInRoles, Who } from '../testing';
import {
  ME,
  REFRESH,
  SET_USER_ROLE as SET_ROLE,
  VERIFICATION_SUBJECT,
  VERIFY,
  claimsOf,
  mailsTo,
  register,
  startUsersWithRoles,
  tokenFrom,
  tokenOf,
  uniqueEmail,
} from '../testing';

/** Changing a user: their own profile (name, email), and an admin setting their role. */
let users: TestSubgraph;
let roles: SignedInRoles;
beforeAll(async () => {
  ({ users, roles } = await startUsersWithRoles());
});
afterAll(() => users.close());

const UPDATE = `mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { id email displayName emailVerified } }
}`;

const db = () => users.subgraph.deps.db;

async function stored(
  id: string,
): Promise<{ email: string; display_name: string; role: string; email_verified_at: Date | null }> {
  const [row] = await db().query('SELECT email, display_name, role, email_verified_at FROM users WHERE id = $1', [
    uuidOf(id),
  ]);
  return row;
}

describe('updateProfile', () => {
  it('needs a signed-in user', async () => {
    const result = await users.client.request(UPDATE, { variables: { input: { displayName: 'Nobody' } } });
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data).toEqual({ updateProfile: null });
  });

  it('trims the display name and leaves omitted fields alone', async () => {
    const session = await register(users);
    const { updateProfile } = await users.client.data(UPDATE, {
      variables: { input: { displayName: '  Grace  Hopper  ' } },
      token: session.accessToken,
    });
    expect(updateProfile.user).toEqual({
      id: session.user.id,
      email: session.user.email,
      displayName: 'Grace  Hopper',
      emailVerified: false,
    });
    expect(await stored(session.user.id)).toMatchObject({ display_name: 'Grace  Hopper', email: session.user.email });
    const unchanged = await users.client.data(UPDATE, { variables: { input: {} }, token: session.accessToken });
    expect(unchanged.updateProfile.user.displayName).toBe('Grace  Hopper');
    const nulls = await users.client.data(UPDATE, {
      variables: { input: { displayName: null, email: null } },
      token: session.accessToken,
    });
    expect(nulls.updateProfile.user).toMatchObject({ displayName: 'Grace  Hopper', email: session.user.email });
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
    expect(updateProfile.user).toMatchObject({ email: newEmail, emailVerified: false });

    const mails = mailsTo(users, newEmail);
    expect(mails).toEqual([expect.objectContaining({ subject: VERIFICATION_SUBJECT })]);
    expect(await users.client.errorCode(VERIFY, { variables: { t: oldToken } })).toBe('BAD_USER_INPUT');
    expect((await users.client.data(VERIFY, { variables: { t: tokenFrom(mails[0]) } })).verifyEmail.user).toEqual({
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
    expect(same.updateProfile.user).toMatchObject({ email: session.user.email, emailVerified: true });
    expect(mailsTo(users, session.user.email)).toHaveLength(1);
    const moved = await users.client.data(UPDATE, {
      variables: { input: { email: uniqueEmail('moved') } },
      token: session.accessToken,
    });
    expect(moved.updateProfile.user.emailVerified).toBe(false);
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
      expect(result.errors?.[0].extensions).toEqual({
        code: 'CONFLICT',
        reason: 'EMAIL_TAKEN',
        fields: [{ field: 'input.email', message: 'is taken by another account' }],
      });
      expect(result.data).toEqual({ updateProfile: null });
    }
    expect(await stored(session.user.id)).toMatchObject({ email: session.user.email, display_name: 'Test User' });
    expect(mailsTo(users, owner.user.email)).toHaveLength(1); // the owner's own registration mail only
    const [{ n }] = await db().query(`SELECT count(*)::int AS n FROM email_tokens WHERE user_id = $1`, [
      uuidOf(session.user.id),
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
    expect(owners).toEqual([{ id: uuidOf(winners[0].data!.updateProfile.user.id) }]);
    const loser = [first, second].find((s) => uuidOf(s.user.id) !== owners[0].id)!;
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
      (await users.client.data(VERIFY, { variables: { t: tokenFrom(mailsTo(users, final)[0]) } })).verifyEmail.user
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
      token: tokenOf(roles, who),
    });
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(result.data).toEqual({ setUserRole: null });
    expect((await stored(target.user.id)).role).toBe('CUSTOMER');
  });

  it("lets an admin promote a user; the user's next refresh carries the new role", async () => {
    const target = await register(users);
    const { setUserRole } = await users.client.data(SET_ROLE, {
      variables: { userId: target.user.id, role: 'VENDOR' },
      token: roles.admin.accessToken,
    });
    expect(setUserRole).toEqual({ user: { id: target.user.id, role: 'VENDOR' } });
    expect((await stored(target.user.id)).role).toBe('VENDOR');
    expect(users.logs.records()).toContainEqual(
      expect.objectContaining({ msg: 'role changed', userId: uuidOf(target.user.id), role: 'VENDOR' }),
    );

    // The access token already issued keeps its role until it is refreshed.
    expect(claimsOf(target.accessToken).role).toBe('CUSTOMER');
    const refreshed = (await users.client.data(REFRESH, { variables: { t: target.refreshToken } })).refreshToken;
    expect(refreshed.user.role).toBe('VENDOR');
    expect(claimsOf(refreshed.accessToken)).toMatchObject({ sub: uuidOf(target.user.id), role: 'VENDOR' });
    expect((await users.client.data(ME, { token: refreshed.accessToken })).me.role).toBe('VENDOR');
    // A vendor still cannot hand out roles.
    expect(
      await users.client.errorCode(SET_ROLE, {
        variables: { userId: target.user.id, role: 'ADMIN' },
        token: refreshed.accessToken,
      }),
    ).toBe('FORBIDDEN');
  });

  it('refuses an admin changing their own role with CONFLICT (OWN_ROLE)', async () => {
    const result = await users.client.request(SET_ROLE, {
      variables: { userId: roles.admin.user.id, role: 'CUSTOMER' },
      token: roles.admin.accessToken,
    });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'OWN_ROLE',
      fields: [{ field: 'input.userId', message: 'is your own account' }],
    });
    expect(result.data).toEqual({ setUserRole: null });
    expect((await stored(roles.admin.user.id)).role).toBe('ADMIN');
  });

  it('answers NOT_FOUND for an unknown user', async () => {
    const result = await users.client.request(SET_ROLE, {
      variables: { userId: globalId('User', randomUUID()), role: 'VENDOR' },
      token: roles.admin.accessToken,
    });
    expect(result.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND' });
    expect(result.data).toEqual({ setUserRole: null });
  });

  it.each(['not-a-uuid', '', "' OR '1'='1", 'a bare uuid'])(
    'answers BAD_USER_INPUT naming input.userId for %j',
    async (given) => {
      const target = await register(users);
      const userId = given === 'a bare uuid' ? uuidOf(target.user.id) : given;
      const result = await users.client.request(SET_ROLE, {
        variables: { userId, role: 'VENDOR' },
        token: roles.admin.accessToken,
      });
      expect(result.errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.userId', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' }],
      });
      expect(result.data).toEqual({ setUserRole: null });
      expect((await stored(target.user.id)).role).toBe('CUSTOMER');
    },
  );

  it('answers BAD_USER_INPUT to an id of another type (a Product id as userId) and changes nothing', async () => {
    const target = await register(users);
    const result = await users.client.request(SET_ROLE, {
      variables: { userId: globalId('Product', uuidOf(target.user.id)), role: 'VENDOR' },
      token: roles.admin.accessToken,
    });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.userId', message: 'must be an id of type User, not Product' }],
    });
    expect(result.data).toEqual({ setUserRole: null });
    expect((await stored(target.user.id)).role).toBe('CUSTOMER');
  });

  it('refuses a role that does not exist', async () => {
    const target = await register(users);
    const result = await users.client.request(SET_ROLE, {
      variables: { userId: target.user.id, role: 'SUPERUSER' },
      token: roles.admin.accessToken,
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
          token: roles.admin.accessToken,
        }),
      ),
    );
    expect(results.map((r) => r.data?.setUserRole.user.role)).toEqual(Array(6).fill('VENDOR'));
    expect(
      users.logs.records().filter((r) => r.msg === 'role changed' && r.userId === uuidOf(target.user.id)),
    ).toHaveLength(1);
  });
});

import { randomUUID } from 'node:crypto';
import { Envelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, globalId, tokenFor, uuidOf } from '@marketplace/kit/testing';
import type { Session, SignedInRoles, Who } from '../testing';
import { ME, REFRESH, login, register, registerAs, startUsersWithRoles, tokenOf } from '../testing';

/** Suspending and reinstating accounts: who may, what it does to sessions and sign-in, its guards and races. */
let users: TestSubgraph;
let roles: SignedInRoles;
beforeAll(async () => {
  ({ users, roles } = await startUsersWithRoles());
});
afterAll(() => users.close());

const SUSPEND = `mutation($input: SuspendUserInput!) {
  suspendUser(input: $input) { user { id status suspension { reason until at by { id } } } }
}`;
const REINSTATE = `mutation($input: ReinstateUserInput!) {
  reinstateUser(input: $input) { user { id status suspension { reason } } }
}`;
const STANDING = `query($id: ID!) { user(id: $id) { id status suspension { reason until by { id } } } }`;

const db = () => users.subgraph.deps.db;

function suspend(token: string | undefined, input: Record<string, unknown>) {
  return users.client.request<{ suspendUser: { user: Record<string, unknown> } | null }>(SUSPEND, {
    variables: { input },
    token,
  });
}
function reinstate(token: string | undefined, userId: string) {
  return users.client.request<{ reinstateUser: { user: Record<string, unknown> } | null }>(REINSTATE, {
    variables: { input: { userId } },
    token,
  });
}
async function standing(userId: string, token = roles.admin.accessToken) {
  return (await users.client.data(STANDING, { variables: { id: userId }, token })).user;
}

/** Audit records the subgraph recorded about `userId`, oldest first. */
async function audits(userId: string, action?: string) {
  const rows = await queryRows<{ envelope: Envelope<Record<string, unknown>> }>(
    db(),
    `SELECT envelope FROM outbox WHERE type = 'audit.recorded' AND envelope->'payload'->>'targetId' = $1
       AND ($2::text IS NULL OR envelope->'payload'->>'action' = $2) ORDER BY position`,
    [uuidOf(userId), action ?? null],
  );
  return rows.map((row) => row.envelope.payload);
}
async function events(type: string, userId: string) {
  const rows = await queryRows<{ envelope: Envelope<Record<string, unknown>> }>(
    db(),
    `SELECT envelope FROM outbox WHERE type = $1 AND envelope->'payload'->>'userId' = $2 ORDER BY position`,
    [type, uuidOf(userId)],
  );
  return rows.map((row) => row.envelope.payload);
}
const loginAgain = (session: Session) => login(users.client, session.user.email, undefined, '10.4.0.1');

/** Makes `keep` the only active admins (others suspended in the database); returns the undo. */
async function onlyActiveAdmins(...keep: string[]): Promise<() => Promise<void>> {
  const others = await queryRows<{ id: string }>(
    db(),
    `UPDATE users SET suspended_at = now(), suspension_reason = 'test: out of the way', suspended_by = id
      WHERE role = 'ADMIN' AND suspended_at IS NULL AND NOT id = ANY($1::uuid[]) RETURNING id`,
    [keep.map(uuidOf)],
  );
  return async () => {
    await db().query(
      `UPDATE users SET suspended_at = NULL, suspension_reason = NULL, suspended_by = NULL WHERE id = ANY($1::uuid[])`,
      [others.map((row) => row.id)],
    );
  };
}

describe('authorization', () => {
  it.each<[Who, string]>([
    ['anonymous', 'UNAUTHENTICATED'],
    ['customer', 'FORBIDDEN'],
    ['vendor', 'FORBIDDEN'],
  ])('refuses %s with %s on both mutations and changes nothing', async (who, code) => {
    const target = await register(users);
    const suspended = await suspend(tokenOf(roles, who), { userId: target.user.id, reason: 'spam' });
    expect(suspended.errors?.[0].extensions?.code).toBe(code);
    expect(suspended.data).toEqual({ suspendUser: null });
    expect((await standing(target.user.id)).status).toBe('ACTIVE');

    await suspend(roles.admin.accessToken, { userId: target.user.id, reason: 'spam' });
    const reinstated = await reinstate(tokenOf(roles, who), target.user.id);
    expect(reinstated.errors?.[0].extensions?.code).toBe(code);
    expect(reinstated.data).toEqual({ reinstateUser: null });
    expect((await standing(target.user.id)).status).toBe('SUSPENDED');
  });

  it('shows the user their own status but never the suspension; admins see both', async () => {
    const customer = await register(users);
    expect(await standing(customer.user.id, customer.accessToken)).toEqual({
      id: customer.user.id,
      status: 'ACTIVE',
      suspension: null,
    });
    // Another customer cannot see the user at all (null, no error).
    const other = await register(users);
    expect(
      (await users.client.data(STANDING, { variables: { id: customer.user.id }, token: other.accessToken })).user,
    ).toBeNull();
  });
});

describe('suspendUser and reinstateUser', () => {
  it('suspends: sessions end at once, refresh and sign-in are refused, one event and one audit record', async () => {
    const target = await register(users);
    expect((await users.client.data(ME, { token: target.accessToken })).me.id).toBe(target.user.id);

    const { data } = await suspend(roles.admin.accessToken, { userId: target.user.id, reason: '  Chargeback fraud  ' });
    expect(data?.suspendUser?.user).toEqual({
      id: target.user.id,
      status: 'SUSPENDED',
      suspension: { reason: 'Chargeback fraud', until: null, at: expect.any(String), by: { id: roles.admin.user.id } },
    });

    // The access token is dead (the session version rose), the refresh token revoked.
    expect(await users.client.errorCode(ME, { token: target.accessToken })).toBe('UNAUTHENTICATED');
    expect(await users.client.errorCode(REFRESH, { variables: { t: target.refreshToken } })).toBe('UNAUTHENTICATED');
    // The right password: FORBIDDEN (ACCOUNT_SUSPENDED); a wrong one still says nothing about the account.
    const refused = await loginAgain(target);
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'ACCOUNT_SUSPENDED' });
    expect(refused.errors?.[0].message).toBe('This account is suspended until an admin reinstates it');
    expect(refused.data).toEqual({ login: null });
    const guessed = await login(users.client, target.user.email, 'a wrong password entirely', '10.4.0.2');
    expect(guessed.errors?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });

    expect(await events('user.suspended', target.user.id)).toEqual([{ userId: uuidOf(target.user.id), until: null }]);
    expect(await audits(target.user.id, 'USER_SUSPENDED')).toEqual([
      expect.objectContaining({
        actor: { kind: 'USER', userId: uuidOf(roles.admin.user.id), role: 'ADMIN' },
        targetType: 'User',
        before: { status: 'ACTIVE' },
        after: {
          status: 'SUSPENDED',
          reason: 'Chargeback fraud',
          until: null,
          suspendedBy: uuidOf(roles.admin.user.id),
        },
      }),
    ]);

    // Reinstated: ACTIVE, sign-in works again (the old sessions stay ended).
    const { data: back } = await reinstate(roles.admin.accessToken, target.user.id);
    expect(back?.reinstateUser?.user).toEqual({ id: target.user.id, status: 'ACTIVE', suspension: null });
    expect((await loginAgain(target)).data?.login.user.id).toBe(target.user.id);
    expect(await users.client.errorCode(ME, { token: target.accessToken })).toBe('UNAUTHENTICATED');
    expect(await events('user.reinstated', target.user.id)).toEqual([{ userId: uuidOf(target.user.id) }]);
    expect(await audits(target.user.id, 'USER_REINSTATED')).toEqual([
      expect.objectContaining({
        before: expect.objectContaining({ status: 'SUSPENDED', reason: 'Chargeback fraud' }),
        after: { status: 'ACTIVE' },
      }),
    ]);

    // Nothing to lift any more.
    const again = await reinstate(roles.admin.accessToken, target.user.id);
    expect(again.errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'NOT_SUSPENDED',
      fields: [{ field: 'input.userId', message: 'is not suspended' }],
    });
    expect(await audits(target.user.id, 'USER_REINSTATED')).toHaveLength(1);
  });

  it('ends a suspension with `until` by itself at that instant: ACTIVE, sign-in works, no job ran', async () => {
    const target = await register(users);
    const until = new Date(Date.now() + 1_500);
    const { data } = await suspend(roles.admin.accessToken, {
      userId: target.user.id,
      reason: 'Cooling off',
      until: until.toISOString(),
    });
    expect(data?.suspendUser?.user).toMatchObject({ status: 'SUSPENDED', suspension: { until: until.toISOString() } });
    const refused = await loginAgain(target);
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'ACCOUNT_SUSPENDED' });
    expect(refused.errors?.[0].message).toBe(`This account is suspended until ${until.toISOString()}`);

    await new Promise((resolve) => setTimeout(resolve, until.getTime() - Date.now() + 50));
    expect(await standing(target.user.id)).toEqual({ id: target.user.id, status: 'ACTIVE', suspension: null });
    expect((await loginAgain(target)).data?.login.user.id).toBe(target.user.id);
    expect((await reinstate(roles.admin.accessToken, target.user.id)).errors?.[0].extensions?.reason).toBe(
      'NOT_SUSPENDED',
    );
  });

  it('replaces the reason and end of a standing suspension, audited with both', async () => {
    const target = await register(users);
    await suspend(roles.admin.accessToken, { userId: target.user.id, reason: 'First' });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const { data } = await suspend(roles.admin.accessToken, { userId: target.user.id, reason: 'Second', until });
    expect(data?.suspendUser?.user).toMatchObject({ status: 'SUSPENDED', suspension: { reason: 'Second', until } });
    const [, second] = await audits(target.user.id, 'USER_SUSPENDED');
    expect(second).toMatchObject({ before: { reason: 'First', until: null }, after: { reason: 'Second', until } });
  });
});

describe('bad input', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['an empty reason', { reason: '' }, 'input.reason'],
    ['a blank reason', { reason: '   ' }, 'input.reason'],
    ['a reason over 500 characters', { reason: 'x'.repeat(501) }, 'input.reason'],
    ['a reason with control characters', { reason: 'a\u0007b' }, 'input.reason'],
    ['an end in the past', { until: new Date(Date.now() - 60_000).toISOString() }, 'input.until'],
  ])('refuses %s with BAD_USER_INPUT naming the field and changes nothing', async (_label, bad, field) => {
    const target = await register(users);
    const result = await suspend(roles.admin.accessToken, { userId: target.user.id, reason: 'ok', ...bad });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field, message: expect.any(String) }],
    });
    // (Control characters are refused before execution, so there is no `data` at all then.)
    expect(result.data?.suspendUser ?? null).toBeNull();
    expect((await standing(target.user.id)).status).toBe('ACTIVE');
    expect(await audits(target.user.id)).toEqual([]);
  });

  it('accepts a reason of exactly 500 characters', async () => {
    const target = await register(users);
    const { data } = await suspend(roles.admin.accessToken, { userId: target.user.id, reason: 'y'.repeat(500) });
    expect(data?.suspendUser?.user.status).toBe('SUSPENDED');
  });

  it.each(['not-a-uuid', '', 'a bare uuid', 'a Product id'])(
    'refuses %j as userId on both mutations',
    async (given) => {
      const target = await register(users);
      const raw = uuidOf(target.user.id);
      const userId = given === 'a bare uuid' ? raw : given === 'a Product id' ? globalId('Product', raw) : given;
      for (const result of [
        await suspend(roles.admin.accessToken, { userId, reason: 'spam' }),
        await reinstate(roles.admin.accessToken, userId),
      ]) {
        expect(result.errors?.[0].extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          fields: [{ field: 'input.userId', message: expect.any(String) }],
        });
      }
      expect((await standing(target.user.id)).status).toBe('ACTIVE');
    },
  );

  it('refuses an end that is not a date, and a missing reason, as GraphQL input errors', async () => {
    const target = await register(users);
    for (const input of [
      { userId: target.user.id, reason: 'spam', until: 'next tuesday' },
      { userId: target.user.id },
    ]) {
      const result = await suspend(roles.admin.accessToken, input);
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect((await standing(target.user.id)).status).toBe('ACTIVE');
  });

  it('answers NOT_FOUND for a user that does not exist', async () => {
    const unknown = globalId('User', randomUUID());
    expect(
      (await suspend(roles.admin.accessToken, { userId: unknown, reason: 'spam' })).errors?.[0].extensions,
    ).toEqual({ code: 'NOT_FOUND' });
    expect((await reinstate(roles.admin.accessToken, unknown)).errors?.[0].extensions).toEqual({ code: 'NOT_FOUND' });
  });
});

describe('guards', () => {
  it('refuses an admin suspending themselves with CONFLICT (OWN_ACCOUNT)', async () => {
    const result = await suspend(roles.admin.accessToken, { userId: roles.admin.user.id, reason: 'oops' });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'OWN_ACCOUNT',
      fields: [{ field: 'input.userId', message: 'is your own account' }],
    });
    expect((await standing(roles.admin.user.id)).status).toBe('ACTIVE');
  });

  it('refuses suspending or demoting the last active admin with CONFLICT (LAST_ADMIN)', async () => {
    const last = await registerAs(users, 'ADMIN');
    const undo = await onlyActiveAdmins(last.user.id);
    try {
      // A caller whose token says ADMIN but who is not an active admin here (their account lags behind).
      const caller = tokenFor(randomUUID(), 'ADMIN');
      const suspended = await suspend(caller, { userId: last.user.id, reason: 'takeover' });
      expect(suspended.errors?.[0].extensions).toEqual({
        code: 'CONFLICT',
        reason: 'LAST_ADMIN',
        fields: [{ field: 'input.userId', message: 'is the last active admin' }],
      });
      const demoted = await users.client.request(
        `mutation($u: ID!) { setUserRole(input: { userId: $u, role: CUSTOMER }) { user { role } } }`,
        { variables: { u: last.user.id }, token: caller },
      );
      expect(demoted.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'LAST_ADMIN' });
      expect(await standing(last.user.id)).toMatchObject({ status: 'ACTIVE' });
      expect(await audits(last.user.id)).toEqual([]);
    } finally {
      await undo();
    }
  });
});

describe('races', () => {
  it.each([1, 2, 3])(
    'two last admins suspending each other at once: one wins, one admin stays active (round %d)',
    async () => {
      const [a, b] = [await registerAs(users, 'ADMIN'), await registerAs(users, 'ADMIN')];
      const undo = await onlyActiveAdmins(a.user.id, b.user.id);
      try {
        const results = await Promise.all([
          suspend(a.accessToken, { userId: b.user.id, reason: 'b is rogue' }),
          suspend(b.accessToken, { userId: a.user.id, reason: 'a is rogue' }),
        ]);
        const won = results.filter((r) => r.data?.suspendUser);
        const lost = results.filter((r) => !r.data?.suspendUser);
        expect(won).toHaveLength(1);
        expect(lost.map((r) => r.errors?.[0].extensions?.code)).toEqual([
          expect.stringMatching(/^(CONFLICT|UNAUTHENTICATED)$/),
        ]);
        const statuses = [(await standing(a.user.id)).status, (await standing(b.user.id)).status].sort();
        expect(statuses).toEqual(['ACTIVE', 'SUSPENDED']);
        const recorded = [
          ...(await audits(a.user.id, 'USER_SUSPENDED')),
          ...(await audits(b.user.id, 'USER_SUSPENDED')),
        ];
        expect(recorded).toHaveLength(1);
      } finally {
        await db().query(
          `UPDATE users SET suspended_at = NULL, suspension_reason = NULL, suspended_by = NULL WHERE id = ANY($1::uuid[])`,
          [[uuidOf(a.user.id), uuidOf(b.user.id)]],
        );
        await undo();
      }
    },
  );

  it('two last admins demoting each other at once: one stays admin', async () => {
    const [a, b] = [await registerAs(users, 'ADMIN'), await registerAs(users, 'ADMIN')];
    const undo = await onlyActiveAdmins(a.user.id, b.user.id);
    try {
      const demote = (token: string, userId: string) =>
        users.client.request(
          `mutation($u: ID!) { setUserRole(input: { userId: $u, role: CUSTOMER }) { user { role } } }`,
          {
            variables: { u: userId },
            token,
          },
        );
      const results = await Promise.all([demote(a.accessToken, b.user.id), demote(b.accessToken, a.user.id)]);
      expect(results.filter((r) => r.data?.setUserRole)).toHaveLength(1);
      const [{ count }] = await queryRows<{ count: number }>(
        db(),
        `SELECT count(*)::int AS count FROM users WHERE role = 'ADMIN' AND id = ANY($1::uuid[])`,
        [[uuidOf(a.user.id), uuidOf(b.user.id)]],
      );
      expect(count).toBe(1);
    } finally {
      await undo();
    }
  });

  it.each([1, 2, 3])(
    'two admins suspending and reinstating one user at once: a consistent end, both audited (round %d)',
    async () => {
      const second = await registerAs(users, 'ADMIN');
      const target = await register(users);
      await suspend(roles.admin.accessToken, { userId: target.user.id, reason: 'initial' });
      const results = await Promise.all([
        suspend(second.accessToken, { userId: target.user.id, reason: 'extended' }),
        reinstate(roles.admin.accessToken, target.user.id),
      ]);
      expect(results.map((r) => r.errors)).toEqual([undefined, undefined]);
      const records = await audits(target.user.id);
      expect(records.map((r) => r.action).sort()).toEqual(['USER_REINSTATED', 'USER_SUSPENDED', 'USER_SUSPENDED']);
      // The later record's `after` is the state now; each record's `before` is the one before it.
      const last = records[records.length - 1];
      const now = await standing(target.user.id);
      expect(now.status).toBe((last.after as { status: string }).status);
      expect(records[2].before).toEqual(records[1].after);
    },
  );
});

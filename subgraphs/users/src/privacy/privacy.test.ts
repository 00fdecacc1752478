import { randomUUID } from 'node:crypto';
import { DATA_EXPORT_SUBGRAPHS, Envelope, Events, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, globalId, until, uuidOf } from '@marketplace/kit/testing';
import { SignedInRoles, STRONG_PASSWORD, Who, login, registerAs, startUsersWithRoles, tokenOf } from '../testing';

/** The users subgraph's side of privacy: exports assembled from parts, erasure of the account, guards. */
let users: TestSubgraph;
let roles: SignedInRoles;
beforeAll(async () => {
  ({ users, roles } = await startUsersWithRoles());
});
afterAll(() => users.close());

const EXPORT = `mutation { exportMyData { dataExport { id status downloadUrl } } }`;
const DATA_EXPORT = `query($id: ID!) { dataExport(id: $id) { id status readyAt downloadUrl } }`;
const DELETE = `mutation($p: String!) { deleteMyAccount(input: { password: $p }) { user { id displayName erasedAt } } }`;
const ERASE = `mutation($u: ID!) { eraseUser(input: { userId: $u }) { user { id displayName email erasedAt } } }`;
const codeOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  (result.errors?.[0]?.extensions?.code as string | undefined) ?? 'OK';
const rows = <T = Record<string, unknown>>(sql: string, parameters: unknown[] = []) =>
  queryRows<T>(users.subgraph.deps.db, sql, parameters);
const outbox = async (type: string) =>
  (await rows<{ envelope: Envelope }>(`SELECT envelope FROM outbox WHERE type = $1 ORDER BY position`, [type])).map(
    (row) => row.envelope,
  );

describe('exportMyData', () => {
  it('stays PENDING until every subgraph answered, then is READY with a link; one at a time, also when raced', async () => {
    const alice = await registerAs(users, 'CUSTOMER');
    const answers = await Promise.all([1, 2].map(() => users.client.request(EXPORT, { token: alice.accessToken })));
    expect(answers.map(codeOf).sort()).toEqual(['CONFLICT', 'OK']);
    const refused = answers.find((answer) => codeOf(answer) === 'CONFLICT')!;
    expect(refused.errors?.[0].extensions?.reason).toBe('EXPORT_PENDING');
    const started = answers.find((answer) => codeOf(answer) === 'OK')!.data!.exportMyData.dataExport;
    const exportId = uuidOf(started.id);
    const userId = uuidOf(alice.user.id);
    const [requested] = (await outbox('user.data_export_requested')).filter((e) => e.aggregateId === exportId);
    expect(requested.payload).toEqual({ exportId, userId });

    // Parts arrive one by one (one twice): READY only after the last.
    for (const subgraph of DATA_EXPORT_SUBGRAPHS) {
      const { dataExport } = await users.client.data(DATA_EXPORT, {
        variables: { id: started.id },
        token: alice.accessToken,
      });
      expect(dataExport).toMatchObject({ status: 'PENDING', downloadUrl: null });
      await deliverEvent(users, Events.UserDataExportPart, {
        exportId,
        userId,
        subgraph,
        data: { things: [{ of: subgraph }] },
        truncated: false,
      });
    }
    await deliverEvent(users, Events.UserDataExportPart, {
      exportId,
      userId,
      subgraph: 'orders',
      data: {},
      truncated: false,
    });
    const { dataExport } = await users.client.data(DATA_EXPORT, {
      variables: { id: started.id },
      token: alice.accessToken,
    });
    expect(dataExport.status).toBe('READY');
    expect(dataExport.downloadUrl).toMatch(/^http:\/\/127\.0\.0\.1:4000\/exports\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(await rows(`SELECT 1 FROM data_export_parts WHERE export_id = $1`, [exportId])).toEqual([]);
    const [stored] = await rows<{ size: string; storage_key: string }>(
      `SELECT size, storage_key FROM data_exports WHERE id = $1`,
      [exportId],
    );
    expect(Number(stored.size)).toBeGreaterThan(0);
    // A second export may start now.
    expect(codeOf(await users.client.request(EXPORT, { token: alice.accessToken }))).toBe('OK');
  });

  it('a PENDING export that waited past DATA_EXPORT_PENDING_TIMEOUT_MINUTES no longer blocks a new one', async () => {
    const carol = await registerAs(users, 'CUSTOMER');
    const { exportMyData } = await users.client.data(EXPORT, { token: carol.accessToken });
    expect(codeOf(await users.client.request(EXPORT, { token: carol.accessToken }))).toBe('CONFLICT');
    const stuck = uuidOf(exportMyData.dataExport.id);
    await rows(`UPDATE data_exports SET requested_at = now() - interval '61 minutes' WHERE id = $1`, [stuck]);
    expect(codeOf(await users.client.request(EXPORT, { token: carol.accessToken }))).toBe('OK');
    expect(await rows(`SELECT 1 FROM data_exports WHERE id = $1`, [stuck])).toEqual([]);
    // A part arriving for it now is ignored.
    await deliverEvent(users, Events.UserDataExportPart, {
      exportId: stuck,
      userId: uuidOf(carol.user.id),
      subgraph: 'orders',
      data: {},
      truncated: false,
    });
    expect(await rows(`SELECT 1 FROM data_export_parts WHERE export_id = $1`, [stuck])).toEqual([]);
  });

  it.each<[Who, string]>([
    ['anonymous', 'UNAUTHENTICATED'],
    ['customer', 'OK'],
    ['vendor', 'OK'],
    ['admin', 'OK'],
  ])('exportMyData as %s → %s', async (who, code) => {
    expect(codeOf(await users.client.request(EXPORT, { token: tokenOf(roles, who) }))).toBe(code);
  });

  it("shows an export to its owner only; another user's or a malformed id is null or BAD_USER_INPUT", async () => {
    const owner = await registerAs(users, 'CUSTOMER');
    const { exportMyData } = await users.client.data(EXPORT, { token: owner.accessToken });
    for (const who of ['anonymous', 'customer', 'vendor', 'admin'] as Who[]) {
      const { dataExport } = await users.client.data(DATA_EXPORT, {
        variables: { id: exportMyData.dataExport.id },
        token: tokenOf(roles, who),
      });
      expect(dataExport).toBeNull();
    }
    const malformed = await users.client.request(DATA_EXPORT, {
      variables: { id: 'DataExport:x' },
      token: owner.accessToken,
    });
    expect(codeOf(malformed)).toBe('BAD_USER_INPUT');
  });
});

describe('erasure', () => {
  it('scrubs the account, ends its sessions and exports, records user.erased and the audit, once', async () => {
    const bob = await registerAs(users, 'CUSTOMER');
    const bobId = uuidOf(bob.user.id);
    await users.client.data(EXPORT, { token: bob.accessToken });
    const wrong = await users.client.request(DELETE, { variables: { p: 'not the password' }, token: bob.accessToken });
    expect(wrong.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.password', message: 'is not your password' }],
    });
    const { deleteMyAccount } = await users.client.data(DELETE, {
      variables: { p: STRONG_PASSWORD },
      token: bob.accessToken,
    });
    expect(deleteMyAccount.user).toMatchObject({ id: bob.user.id, displayName: 'Deleted user' });

    const [row] = await rows<{
      email: string;
      display_name: string;
      password_hash: string;
      erased_at: Date | null;
      role: string;
    }>(`SELECT email, display_name, password_hash, erased_at, role FROM users WHERE id = $1`, [bobId]);
    expect(row).toMatchObject({ display_name: 'Deleted user', password_hash: '!erased', role: 'CUSTOMER' });
    expect(row.email).not.toContain(bob.user.email.split('@')[0]);
    expect(row.erased_at).not.toBeNull();
    for (const table of ['sessions', 'refresh_tokens', 'email_tokens', 'data_exports'])
      expect(await rows(`SELECT 1 FROM ${table} WHERE user_id = $1`, [bobId])).toEqual([]);
    const erased = (await outbox('user.erased')).filter((e) => (e.payload as { userId: string }).userId === bobId);
    expect(erased).toHaveLength(1);
    const { pseudonym } = erased[0].payload as { pseudonym: string };
    // The pseudonym's own scrubbed row, so that references to it resolve to "Deleted user".
    const [own] = await rows<{ display_name: string; created_at: Date; erased_at: Date }>(
      `SELECT display_name, created_at, erased_at FROM users WHERE id = $1`,
      [pseudonym],
    );
    expect(own.display_name).toBe('Deleted user');
    // Nothing in it points back at the tombstone: not its instant of erasure, only the day.
    expect(own.created_at.getTime()).not.toBe(row.erased_at!.getTime());
    expect(own.erased_at.toISOString()).toMatch(/T00:00:00\.000Z$/);
    const [audit] = (await outbox('audit.recorded')).filter(
      (e) =>
        (e.payload as { action: string; targetId: string }).action === 'ACCOUNT_DELETED' &&
        (e.payload as { targetId: string }).targetId === bobId,
    );
    expect(JSON.stringify(audit.payload)).not.toContain(pseudonym);
    expect(JSON.stringify(audit.payload)).not.toContain(bob.user.email);

    // Sign-in refused like an unknown account; the old sessions are gone; erasing again changes nothing.
    expect((await login(users.client, bob.user.email)).errors?.[0].message).toBe('Invalid email or password');
    expect(
      codeOf(
        await users.client.request(
          `mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken } }`,
          {
            variables: { t: bob.refreshToken },
          },
        ),
      ),
    ).toBe('UNAUTHENTICATED');
    const again = await users.client.data(ERASE, { variables: { u: bob.user.id }, token: roles.admin.accessToken });
    expect(again.eraseUser.user).toMatchObject({ id: bob.user.id, displayName: 'Deleted user' });
    expect(
      (await outbox('user.erased')).filter((e) => (e.payload as { userId: string }).userId === bobId),
    ).toHaveLength(1);
  });

  it.each<[Who, string]>([
    ['anonymous', 'UNAUTHENTICATED'],
    ['customer', 'FORBIDDEN'],
    ['vendor', 'FORBIDDEN'],
    ['admin', 'OK'],
  ])('eraseUser as %s → %s', async (who, code) => {
    const target = await registerAs(users, 'CUSTOMER');
    expect(
      codeOf(await users.client.request(ERASE, { variables: { u: target.user.id }, token: tokenOf(roles, who) })),
    ).toBe(code);
  });

  it('refuses malformed ids, unknown users, an admin erasing themselves, and a vendor deleting their own account', async () => {
    const admin = roles.admin.accessToken;
    expect(codeOf(await users.client.request(ERASE, { variables: { u: 'nope' }, token: admin }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      codeOf(await users.client.request(ERASE, { variables: { u: globalId('User', randomUUID()) }, token: admin })),
    ).toBe('NOT_FOUND');
    const own = await users.client.request(ERASE, { variables: { u: roles.admin.user.id }, token: admin });
    expect(own.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'OWN_ACCOUNT' });
    const vendor = await users.client.request(DELETE, {
      variables: { p: STRONG_PASSWORD },
      token: roles.vendor.accessToken,
    });
    expect(vendor.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'VENDOR_ACCOUNT' });
    expect(codeOf(await users.client.request(DELETE, { variables: { p: STRONG_PASSWORD } }))).toBe('UNAUTHENTICATED');
    expect(
      codeOf(await users.client.request(DELETE, { variables: { p: '' }, token: roles.customer.accessToken })),
    ).toBe('BAD_USER_INPUT');
    const tooLong = await users.client.request(DELETE, {
      variables: { p: 'x'.repeat(2000) },
      token: roles.customer.accessToken,
    });
    expect(tooLong.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.password', message: 'must be at most 128 characters' }],
    });
    const wrongType = await users.client.request(DELETE, {
      variables: { p: 42 },
      token: roles.customer.accessToken,
    });
    expect(codeOf(wrongType)).toBe('BAD_USER_INPUT');
    // The customer is still there.
    expect((await users.client.data(`{ me { erasedAt } }`, { token: roles.customer.accessToken })).me).toEqual({
      erasedAt: null,
    });
  });

  it('of two admins deleting themselves at once, one stays (LAST_ADMIN)', async () => {
    const [first, second] = await Promise.all([registerAs(users, 'ADMIN'), registerAs(users, 'ADMIN')]);
    // Only these two are admins now. The seeded admin steps down in the table, not by erasure: its id is a demo
    // id, and session versions are shared by every test file (an erasure would end its sessions everywhere).
    await rows(`UPDATE users SET role = 'CUSTOMER' WHERE id = $1`, [uuidOf(roles.admin.user.id)]);
    const answers = await Promise.all(
      [first, second].map((admin) =>
        users.client.request(DELETE, { variables: { p: STRONG_PASSWORD }, token: admin.accessToken }),
      ),
    );
    expect(answers.map(codeOf).sort()).toEqual(['CONFLICT', 'OK']);
    expect(answers.find((answer) => codeOf(answer) === 'CONFLICT')!.errors?.[0].extensions?.reason).toBe('LAST_ADMIN');
    await until(
      async () =>
        (await rows(`SELECT 1 FROM users WHERE role = 'ADMIN' AND erased_at IS NULL`)).length === 1 ? true : undefined,
      'one admin',
    );
  });
});

import { AccessTokenSigner, Role, loadTokenKeys, queryRows, readCommonConfig } from '@marketplace/kit';
import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import { CHANGE_PASSWORD, LOGIN, STRONG_PASSWORD, Session, claimsOf, registerAs, startUsers } from '../testing';
import { FIREFOX, PHONE, REVOKE, REVOKE_OTHERS, SESSIONS, device, sessionIdOf, sessionTools } from './session.testing';

/**
 * Issue 25, sessions: a user sees their signed-in devices and ends one or all the others;
 * an ended session's refresh token stops at once and its access tokens within seconds,
 * while the user's other sessions keep working.
 */
let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers();
});
afterAll(() => users.close());

const { signIn, sessionsOf, meWith, refusedSoon, refreshOf, auditRecords, twoDevices } = sessionTools(() => users);

describe('me { sessions }', () => {
  it('lists each signed-in device with its agent, address and times, the current one marked', async () => {
    const { laptop, phone } = await twoDevices();
    const listed = await sessionsOf(laptop.accessToken);
    // The registration's session, the laptop and the phone, newest first.
    expect(listed).toHaveLength(3);
    expect(listed[0]).toEqual({
      id: sessionIdOf(phone),
      userAgent: PHONE,
      ipAddress: '198.51.100.23',
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
      expiresAt: expect.any(String),
      current: false,
    });
    expect(listed[1]).toMatchObject({ id: sessionIdOf(laptop), userAgent: FIREFOX, current: true });
    expect(listed.filter((s) => s.current)).toHaveLength(1);
    expect(new Date(listed[1].expiresAt).getTime()).toBeGreaterThan(Date.now() + 24 * 3600 * 1000);
    expect((await sessionsOf(phone.accessToken)).find((s) => s.current)?.id).toBe(sessionIdOf(phone));
  });

  it('a refresh keeps the session and records where it was last used', async () => {
    const { laptop } = await twoDevices();
    const [before] = (await sessionsOf(laptop.accessToken)).filter((s) => s.current);
    const refreshed = (await refreshOf(laptop.refreshToken, device('192.0.2.99', `${FIREFOX} Updated`))).data!
      .refreshToken;
    expect(claimsOf(refreshed.accessToken).sid).toBe(claimsOf(laptop.accessToken).sid);
    const [after] = (await sessionsOf(refreshed.accessToken)).filter((s) => s.current);
    expect(after).toMatchObject({ id: before.id, ipAddress: '192.0.2.99', userAgent: `${FIREFOX} Updated` });
    expect(after.createdAt).toBe(before.createdAt);
    expect(new Date(after.lastUsedAt).getTime()).toBeGreaterThan(new Date(before.lastUsedAt).getTime());
  });

  it("is the user's own: anyone else, an admin included, gets null and FORBIDDEN", async () => {
    const { laptop } = await twoDevices();
    const admin = await registerAs(users, 'ADMIN');
    const answer = await users.client.request(`query($id: ID!) { user(id: $id) { id sessions { totalCount } } }`, {
      variables: { id: laptop.user.id },
      token: admin.accessToken,
    });
    expect(answer.data?.user).toEqual({ id: laptop.user.id, sessions: null });
    expect(answer.errors?.[0]).toMatchObject({ path: ['user', 'sessions'], extensions: { code: 'FORBIDDEN' } });
    expect((await users.client.request(SESSIONS)).data?.me).toBeNull();
  });
});

describe('the device a session records', () => {
  it("believes a forwarded agent only under the gateway's signature, and cuts a long one", async () => {
    const { email } = await twoDevices();
    const direct = await users.unsignedClient.data<{ login: Session }>(LOGIN, {
      variables: { input: { email, password: STRONG_PASSWORD } },
      headers: { 'user-agent': 'Direct/1.0', 'x-client-user-agent': 'Forged/6.6', 'x-client-ip': '192.0.2.66' },
    });
    const [listed] = await sessionsOf(direct.login.accessToken);
    expect(listed).toMatchObject({ current: true, userAgent: 'Direct/1.0' });
    expect(listed.ipAddress).not.toBe('192.0.2.66');
    const long = await signIn(email, '192.0.2.67', `Agent/${'x'.repeat(2_000)}`);
    const [newest] = await sessionsOf(long.accessToken);
    expect(newest.userAgent).toHaveLength(512);
  });
});

describe('revokeSession', () => {
  it("ends that session's refresh token at once and its access token within seconds; the others keep working", async () => {
    const { laptop, phone } = await twoDevices();
    const answer = await users.client.data(REVOKE, {
      variables: { id: sessionIdOf(phone) },
      token: laptop.accessToken,
    });
    expect(answer).toEqual({ revokeSession: { revokedSessionId: sessionIdOf(phone) } });
    expect((await refreshOf(phone.refreshToken)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    await refusedSoon(phone.accessToken);
    expect((await meWith(laptop.accessToken)).data?.me?.id).toBe(laptop.user.id);
    const next = (await refreshOf(laptop.refreshToken)).data!.refreshToken;
    expect((await meWith(next.accessToken)).data?.me?.id).toBe(laptop.user.id);
    expect((await sessionsOf(next.accessToken)).map((s) => s.id)).not.toContain(sessionIdOf(phone));
    expect(await auditRecords('SESSION_REVOKED', uuidOf(sessionIdOf(phone)))).toEqual([
      expect.objectContaining({
        actor: { kind: 'USER', userId: uuidOf(laptop.user.id), role: 'CUSTOMER' },
        targetType: 'Session',
        after: { userId: uuidOf(laptop.user.id), current: false },
      }),
    ]);
  });

  it('ends the current session too, and a second revocation is NOT_FOUND', async () => {
    const { laptop, phone } = await twoDevices();
    await users.client.data(REVOKE, { variables: { id: sessionIdOf(phone) }, token: laptop.accessToken });
    const again = await users.client.request(REVOKE, {
      variables: { id: sessionIdOf(phone) },
      token: laptop.accessToken,
    });
    expect(again.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    await users.client.data(REVOKE, { variables: { id: sessionIdOf(laptop) }, token: laptop.accessToken });
    await refusedSoon(laptop.accessToken);
    expect((await refreshOf(laptop.refreshToken)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("refuses another user's session as NOT_FOUND, exactly like an unknown one, and leaves it working", async () => {
    const victim = await twoDevices();
    const attacker = await twoDevices();
    const theirs = await users.client.request(REVOKE, {
      variables: { id: sessionIdOf(victim.phone) },
      token: attacker.laptop.accessToken,
    });
    const unknown = await users.client.request(REVOKE, {
      variables: { id: 'Session:5b1d1b4e-8d55-4c1e-9a43-3f3f3f3f3f3f' },
      token: attacker.laptop.accessToken,
    });
    expect(theirs.errors?.[0]).toEqual(unknown.errors?.[0]);
    expect(theirs.errors?.[0]).toMatchObject({ message: 'Session not found', extensions: { code: 'NOT_FOUND' } });
    expect(theirs.data?.revokeSession).toBeNull();
    expect((await meWith(victim.phone.accessToken)).data?.me?.id).toBe(victim.phone.user.id);
    expect((await refreshOf(victim.phone.refreshToken)).data?.refreshToken.accessToken).toBeTruthy();
  });

  it.each([
    ['not a global id', 'nonsense'],
    ['an id of another type', 'User:5b1d1b4e-8d55-4c1e-9a43-3f3f3f3f3f3f'],
    ['a global id without a uuid', 'Session:42'],
  ])('refuses %s as BAD_USER_INPUT', async (_what, id) => {
    const { laptop } = await twoDevices();
    const answer = await users.client.request(REVOKE, { variables: { id }, token: laptop.accessToken });
    expect(answer.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('needs a signed-in user', async () => {
    const { phone } = await twoDevices();
    const answer = await users.client.request(REVOKE, { variables: { id: sessionIdOf(phone) } });
    expect(answer.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await meWith(phone.accessToken)).data?.me?.id).toBe(phone.user.id);
  });
});

describe('revokeOtherSessions', () => {
  it('ends every session but the current one, and records it', async () => {
    const { email, laptop, phone } = await twoDevices();
    const tablet = await signIn(email, '198.51.100.40', 'Tablet');
    const { revokeOtherSessions } = await users.client.data<{ revokeOtherSessions: { revokedSessionIds: string[] } }>(
      REVOKE_OTHERS,
      { token: laptop.accessToken },
    );
    expect(revokeOtherSessions.revokedSessionIds).toHaveLength(3);
    expect(revokeOtherSessions.revokedSessionIds).toEqual(
      expect.arrayContaining([sessionIdOf(phone), sessionIdOf(tablet)]),
    );
    expect(revokeOtherSessions.revokedSessionIds).not.toContain(sessionIdOf(laptop));
    for (const ended of [phone, tablet]) {
      expect((await refreshOf(ended.refreshToken)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      await refusedSoon(ended.accessToken);
    }
    expect(await sessionsOf(laptop.accessToken)).toEqual([expect.objectContaining({ current: true })]);
    const [record] = await auditRecords('OTHER_SESSIONS_REVOKED', uuidOf(laptop.user.id));
    expect(record).toMatchObject({
      targetType: 'User',
      after: {
        reason: 'OTHER_SESSIONS_REVOKED',
        keptSessionId: uuidOf(sessionIdOf(laptop)),
        sessionIds: expect.arrayContaining([uuidOf(sessionIdOf(phone)), uuidOf(sessionIdOf(tablet))]),
      },
    });
    const again = await users.client.data(REVOKE_OTHERS, { token: laptop.accessToken });
    expect(again).toEqual({ revokeOtherSessions: { revokedSessionIds: [] } });
  });

  it('from two devices at once, ends every other session without a deadlock', async () => {
    const { laptop, phone } = await twoDevices();
    const answers = await Promise.all(
      [laptop, phone].map((s) => users.client.request(REVOKE_OTHERS, { token: s.accessToken })),
    );
    for (const answer of answers)
      expect(answer.errors?.[0]?.extensions?.code ?? 'OK').toMatch(/^(OK|UNAUTHENTICATED)$/);
    const live = await queryRows<{ id: string }>(
      users.subgraph.deps.db,
      `SELECT id FROM sessions WHERE user_id = $1 AND ended_at IS NULL`,
      [uuidOf(laptop.user.id)],
    );
    expect(live.length).toBeLessThanOrEqual(1);
  });
});

describe('access tokens and their session claim', () => {
  const config = readCommonConfig();
  const signer = new AccessTokenSigner(loadTokenKeys(config).privateKeyPem!, {
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
  });

  it('a token naming no session (issued before sessions were named) works, but cannot keep itself alone', async () => {
    const { laptop, phone } = await twoDevices();
    const viewer = { id: uuidOf(laptop.user.id), role: Role.CUSTOMER };
    const unnamed = signer.sign(viewer, claimsOf(laptop.accessToken).sv as number);
    expect((await meWith(unnamed)).data?.me?.id).toBe(laptop.user.id);
    expect((await sessionsOf(unnamed)).some((s) => s.current)).toBe(false);
    const answer = await users.client.request(REVOKE_OTHERS, { token: unnamed });
    expect(answer.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect((await meWith(phone.accessToken)).data?.me?.id).toBe(phone.user.id);
  });

  it('a token whose session claim is not a session id is refused', async () => {
    const { laptop } = await twoDevices();
    const viewer = { id: uuidOf(laptop.user.id), role: Role.CUSTOMER };
    const forged = signer.sign(viewer, claimsOf(laptop.accessToken).sv as number, 60, { id: 'not-a-session' });
    expect((await meWith(forged)).errors?.[0]).toEqual({
      message: 'Invalid access token',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });
});

describe('a password change', () => {
  it('ends the other sessions, keeps this device signed in, and records the sessions it ended', async () => {
    const { laptop, phone } = await twoDevices();
    const { changePassword } = await users.client.data<{ changePassword: Session }>(CHANGE_PASSWORD, {
      variables: { c: STRONG_PASSWORD, n: 'a brand new passphrase 7' },
      token: laptop.accessToken,
      headers: device('203.0.113.7', FIREFOX),
    });
    expect((await refreshOf(phone.refreshToken)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    await refusedSoon(phone.accessToken);
    expect(await sessionsOf(changePassword.accessToken)).toEqual([
      expect.objectContaining({ id: sessionIdOf(changePassword), current: true, userAgent: FIREFOX }),
    ]);
    const [record] = await auditRecords('OTHER_SESSIONS_REVOKED', uuidOf(laptop.user.id));
    expect(record).toMatchObject({
      after: {
        reason: 'PASSWORD_CHANGED',
        sessionIds: expect.arrayContaining([uuidOf(sessionIdOf(phone)), uuidOf(sessionIdOf(laptop))]),
      },
    });
  });
});

describe('personal data', () => {
  it("a data export holds the user's sessions with their devices; erasure deletes them", async () => {
    const { laptop, phone } = await twoDevices();
    await users.client.data(REVOKE, { variables: { id: sessionIdOf(phone) }, token: laptop.accessToken });
    const { exportMyData } = await users.client.data(`mutation { exportMyData { dataExport { id } } }`, {
      token: laptop.accessToken,
    });
    const [part] = await queryRows<{ data: { sessions: Record<string, unknown>[] } }>(
      users.subgraph.deps.db,
      `SELECT data FROM data_export_parts WHERE export_id = $1 AND subgraph = 'users'`,
      [uuidOf(exportMyData.dataExport.id)],
    );
    expect(part.data.sessions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sessionId: uuidOf(sessionIdOf(laptop)), userAgent: FIREFOX, endedAt: null }),
        expect.objectContaining({
          sessionId: uuidOf(sessionIdOf(phone)),
          userAgent: PHONE,
          clientIp: '198.51.100.23',
          endedAt: expect.any(String),
        }),
      ]),
    );
    await users.client.data(`mutation($p: String!) { deleteMyAccount(input: { password: $p }) { user { id } } }`, {
      variables: { p: STRONG_PASSWORD },
      token: laptop.accessToken,
    });
    const left = await queryRows(users.subgraph.deps.db, `SELECT 1 FROM sessions WHERE user_id = $1`, [
      uuidOf(laptop.user.id),
    ]);
    expect(left).toEqual([]);
  });
});

import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import type { Session } from '../testing';
import {
  CHANGE_PASSWORD as CHANGE,
  LOGOUT,
  REFRESH,
  REQUEST_PASSWORD_RESET as REQUEST,
  RESET_PASSWORD as RESET,
  RESET_SUBJECT,
  STRONG_PASSWORD,
  VERIFY,
  login,
  mailsTo,
  register,
  startUsers,
  tokenFrom,
  uniqueEmail,
  waitForMail,
} from '../testing';

/** Refresh tokens, logging out, changing and resetting a password, and verifying an email. */
let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers();
});
afterAll(() => users.close());

describe('refresh tokens', () => {
  it('rotate: each refresh returns a new pair and the old token stops working', async () => {
    const session = await register(users);
    const next = (
      await users.client.data<{ refreshToken: Session }>(REFRESH, { variables: { t: session.refreshToken } })
    ).refreshToken;
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(next.user.id).toBe(session.user.id);
    const third = (await users.client.data<{ refreshToken: Session }>(REFRESH, { variables: { t: next.refreshToken } }))
      .refreshToken;
    expect(third.refreshToken).not.toBe(next.refreshToken);
  });

  it('reuse of a rotated token revokes the whole family', async () => {
    const session = await register(users);
    const next = (
      await users.client.data<{ refreshToken: Session }>(REFRESH, { variables: { t: session.refreshToken } })
    ).refreshToken;
    expect(await users.client.errorCode(REFRESH, { variables: { t: session.refreshToken } })).toBe('UNAUTHENTICATED');
    // The thief's reuse also ended the legitimate holder's newer token.
    expect(await users.client.errorCode(REFRESH, { variables: { t: next.refreshToken } })).toBe('UNAUTHENTICATED');
    // Other sessions of the same user are separate families and survive.
    const other = await login(users.client, session.user.email);
    expect(
      (
        await users.client.data<{ refreshToken: Session }>(REFRESH, {
          variables: { t: other.data!.login.refreshToken },
        })
      ).refreshToken,
    ).toBeTruthy();
  });

  it('two concurrent refreshes with one token: one wins, and the race counts as reuse', async () => {
    const session = await register(users);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        users.client.request<{ refreshToken: Session }>(REFRESH, { variables: { t: session.refreshToken } }),
      ),
    );
    const winners = results.filter((r) => r.data?.refreshToken);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0].extensions?.code === 'UNAUTHENTICATED')).toHaveLength(4);
    expect(
      await users.client.errorCode(REFRESH, { variables: { t: winners[0].data!.refreshToken.refreshToken } }),
    ).toBe('UNAUTHENTICATED');
  });

  it('refuses unknown, garbage and empty tokens', async () => {
    for (const t of ['unknown-token', '', 'x'.repeat(5000)]) {
      expect(await users.client.errorCode(REFRESH, { variables: { t } })).toBe('UNAUTHENTICATED');
    }
  });

  it('picks up a role change on refresh', async () => {
    const session = await register(users);
    await users.subgraph.deps.db.query(`UPDATE users SET role = 'VENDOR' WHERE id = $1`, [uuidOf(session.user.id)]);
    const next = (
      await users.client.data<{ refreshToken: Session }>(REFRESH, { variables: { t: session.refreshToken } })
    ).refreshToken;
    expect(next.user.role).toBe('VENDOR');
    const claims = JSON.parse(Buffer.from(next.accessToken.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({
      sub: uuidOf(session.user.id),
      role: 'VENDOR',
      iss: 'marketplace-users',
      aud: 'marketplace',
    });
    expect(claims.exp - claims.iat).toBe(900);
  });
});

describe('logout', () => {
  const logout = async (t: string) =>
    (await users.client.data<{ logout: { sessionEnded: boolean } }>(LOGOUT, { variables: { t } })).logout;

  it('ends that session only, and says whether it ended one', async () => {
    const session = await register(users);
    const other = (await login(users.client, session.user.email)).data!.login;
    expect(await logout(session.refreshToken)).toEqual({ sessionEnded: true });
    expect(await users.client.errorCode(REFRESH, { variables: { t: session.refreshToken } })).toBe('UNAUTHENTICATED');
    expect((await users.client.data(REFRESH, { variables: { t: other.refreshToken } })).refreshToken).toBeTruthy();
    // Already ended, unknown, empty: nothing to end, and no error (the answer is no oracle for valid tokens).
    expect(await logout(session.refreshToken)).toEqual({ sessionEnded: false });
    expect(await logout('never-issued')).toEqual({ sessionEnded: false });
    expect(await logout('')).toEqual({ sessionEnded: false });
  });

  it('ends the session from an older token of it too; a session whose tokens all expired is not live', async () => {
    const session = await register(users);
    await users.client.data(REFRESH, { variables: { t: session.refreshToken } });
    expect(await logout(session.refreshToken)).toEqual({ sessionEnded: true });

    const expired = await register(users);
    await users.subgraph.deps.db.query(
      `UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [uuidOf(expired.user.id)],
    );
    expect(await logout(expired.refreshToken)).toEqual({ sessionEnded: false });
  });

  it('ends a session once when logouts with its token race', async () => {
    const session = await register(users);
    const answers = await Promise.all(Array.from({ length: 6 }, () => logout(session.refreshToken)));
    expect(answers.filter((a) => a.sessionEnded)).toHaveLength(1);
  });
});

describe('changePassword', () => {
  it('needs a signed-in user', async () => {
    const result = await users.client.request(CHANGE, {
      variables: { c: STRONG_PASSWORD, n: 'a brand new passphrase' },
    });
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data).toEqual({ changePassword: null });
  });

  it('refuses a wrong current password and a weak or unchanged new one', async () => {
    const session = await register(users);
    const attempt = (c: string, n: string) =>
      users.client.request(CHANGE, { variables: { c, n }, token: session.accessToken });
    expect((await attempt('not my password', 'a brand new passphrase')).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.currentPassword', message: 'is not your current password' }],
    });
    expect((await attempt(STRONG_PASSWORD, 'short')).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [expect.objectContaining({ field: 'input.newPassword' })],
    });
    expect((await attempt(STRONG_PASSWORD, STRONG_PASSWORD)).errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.newPassword', message: 'must differ from the current password' }],
    });
    expect((await login(users.client, session.user.email)).data?.login).toBeTruthy();
  });

  it('changes the password, ends other sessions and returns a fresh one', async () => {
    const session = await register(users);
    const newPassword = 'a brand new passphrase';
    const changed = (
      await users.client.data<{ changePassword: Session }>(CHANGE, {
        variables: { c: STRONG_PASSWORD, n: newPassword },
        token: session.accessToken,
      })
    ).changePassword;
    expect(await users.client.errorCode(REFRESH, { variables: { t: session.refreshToken } })).toBe('UNAUTHENTICATED');
    expect((await users.client.data(REFRESH, { variables: { t: changed.refreshToken } })).refreshToken).toBeTruthy();
    expect(
      (await login(users.client, session.user.email, STRONG_PASSWORD, '10.7.0.1')).errors?.[0].extensions?.code,
    ).toBe('UNAUTHENTICATED');
    expect((await login(users.client, session.user.email, newPassword, '10.7.0.2')).data?.login).toBeTruthy();
  });
});

describe('password reset', () => {
  it('answers the normalized address, the same for an unknown email, without sending anything', async () => {
    const ghost = uniqueEmail('ghost');
    const known = (await register(users)).user.email;
    const ask = async (e: string) =>
      (await users.client.request(REQUEST, { variables: { e }, headers: { 'x-client-ip': '10.11.0.1' } })).data;
    expect(await ask(`  ${ghost.toUpperCase()} `)).toEqual({ requestPasswordReset: { email: ghost } });
    expect(await ask(`  ${known.toUpperCase()} `)).toEqual({ requestPasswordReset: { email: known } });
    expect(mailsTo(users, ghost)).toHaveLength(0);
    await waitForMail(users, known, RESET_SUBJECT);
  });

  it.each(['not an email', '', 'a'.repeat(250) + '@example.com'])(
    'refuses a malformed address %# with BAD_USER_INPUT naming input.email',
    async (e) => {
      const result = await users.client.request(REQUEST, { variables: { e } });
      expect(result.errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.email', message: expect.any(String) }],
      });
      expect(result.data).toEqual({ requestPasswordReset: null });
    },
  );

  it('resets with the mailed token once, verifies the email and ends every session', async () => {
    const session = await register(users);
    await users.client.data(REQUEST, { variables: { e: session.user.email.toUpperCase() } });
    const [mail] = mailsTo(users, session.user.email).filter((m) => m.subject === RESET_SUBJECT);
    const token = tokenFrom(mail);

    // A weak password is refused before the token is used up.
    expect(
      (await users.client.request(RESET, { variables: { t: token, p: 'weak' } })).errors?.[0].extensions?.code,
    ).toBe('BAD_USER_INPUT');
    expect(
      (await users.client.data(RESET, { variables: { t: token, p: 'reset passphrase 42' } })).resetPassword,
    ).toEqual(
      // Anonymous: the caller proved the inbox, not a session, so the email stays private.
      { user: { id: session.user.id, email: null, emailVerified: true } },
    );
    expect(
      (await users.client.request(RESET, { variables: { t: token, p: 'another passphrase 43' } })).errors?.[0]
        .extensions,
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.token', message: 'is invalid, used or expired' }],
    });
    expect(await users.client.errorCode(REFRESH, { variables: { t: session.refreshToken } })).toBe('UNAUTHENTICATED');
    const signedIn = await login(users.client, session.user.email, 'reset passphrase 42', '10.8.0.1');
    expect(signedIn.data?.login.user.emailVerified).toBe(true);
  });

  it('refuses expired tokens and tokens superseded by a newer request', async () => {
    const session = await register(users);
    await users.client.data(REQUEST, { variables: { e: session.user.email } });
    await users.client.data(REQUEST, { variables: { e: session.user.email } });
    const [first, second] = mailsTo(users, session.user.email)
      .filter((m) => m.subject === RESET_SUBJECT)
      .map(tokenFrom);
    expect(await users.client.errorCode(RESET, { variables: { t: first, p: 'reset passphrase 42' } })).toBe(
      'BAD_USER_INPUT',
    );
    await users.subgraph.deps.db.query(
      `UPDATE email_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [uuidOf(session.user.id)],
    );
    expect(await users.client.errorCode(RESET, { variables: { t: second, p: 'reset passphrase 42' } })).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('stores only token hashes', async () => {
    const session = await register(users);
    await users.client.data(REQUEST, { variables: { e: session.user.email } });
    const token = tokenFrom(mailsTo(users, session.user.email).find((m) => m.subject === RESET_SUBJECT)!);
    const rows = await users.subgraph.deps.db.query(
      `SELECT token_hash FROM email_tokens UNION ALL SELECT token_hash FROM refresh_tokens`,
    );
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(session.refreshToken);
  });

  it('is rate limited per email', async () => {
    const email = uniqueEmail();
    for (let i = 0; i < 5; i += 1)
      await users.client.data(REQUEST, { variables: { e: email }, headers: { 'x-client-ip': `10.10.0.${i}` } });
    expect(
      await users.client.errorCode(REQUEST, { variables: { e: email }, headers: { 'x-client-ip': '10.10.1.1' } }),
    ).toBe('RATE_LIMITED');
  });
});

describe('verifyEmail', () => {
  it('verifies with the registration token, once', async () => {
    const session = await register(users);
    const token = tokenFrom(mailsTo(users, session.user.email)[0]);
    expect((await users.client.data(VERIFY, { variables: { t: token } })).verifyEmail).toEqual({
      user: { id: session.user.id, emailVerified: true },
    });
    for (const t of [token, 'made-up']) {
      const again = await users.client.request(VERIFY, { variables: { t } });
      expect(again.errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.token', message: 'is invalid, used or expired' }],
      });
      expect(again.data).toEqual({ verifyEmail: null });
    }
  });
});

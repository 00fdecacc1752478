import { TestSubgraph } from '@marketplace/kit/testing';
import {
  AUTH_FIELDS,
  STRONG_PASSWORD,
  Session,
  login,
  mailsTo,
  register,
  startUsers,
  tokenFrom,
  uniqueEmail,
} from '../testing';

let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '5', LOGIN_MAX_ATTEMPTS_PER_IP: '8' });
});
afterAll(() => users.close());

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { ${AUTH_FIELDS} } }`;
const ME = `{ me { id email displayName role emailVerified } }`;

async function userCount(email: string): Promise<number> {
  const [row] = await users.subgraph.deps.db.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
  return row.n;
}

describe('register', () => {
  it('creates a customer, signs them in, normalises the email and mails a verification link', async () => {
    const raw = `  ${uniqueEmail('Mixed.Case').toUpperCase()}  `;
    const session = await register(users, raw);
    const email = raw.trim().toLowerCase();
    expect(session.user).toMatchObject({ email, role: 'CUSTOMER', emailVerified: false, displayName: 'Test User' });
    expect(session.accessToken.split('.')).toHaveLength(3);
    const me = await users.client.data(ME, { token: session.accessToken });
    expect(me.me.id).toBe(session.user.id);
    expect(mailsTo(users, email)).toEqual([expect.objectContaining({ subject: 'Confirm your email address' })]);
  });

  it('refuses a duplicate email, whatever its case, with CONFLICT and writes nothing', async () => {
    const email = uniqueEmail();
    await register(users, email);
    const result = await users.client.request(REGISTER, {
      variables: { input: { email: email.toUpperCase(), password: STRONG_PASSWORD, displayName: 'Again' } },
    });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'email' });
    expect(await userCount(email)).toBe(1);
  });

  it('lists every invalid field at once and writes nothing', async () => {
    const result = await users.client.request(REGISTER, {
      variables: { input: { email: 'not-an-email', password: 'short', displayName: 'x'.repeat(81) } },
    });
    const error = result.errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((error?.extensions?.fields as { field: string }[]).map((f) => f.field).sort()).toEqual([
      'input.displayName',
      'input.email',
      'input.password',
    ]);
    expect(error).not.toHaveProperty('extensions.stacktrace');
    expect(await userCount('not-an-email')).toBe(0);
  });

  it.each([
    ['an empty display name', { displayName: '   ' }, 'input.displayName'],
    ['an over-long email', { email: `${'a'.repeat(250)}@example.com` }, 'input.email'],
    ['an over-long password', { password: 'Ab1!'.repeat(40) }, 'input.password'],
    ['a common password', { password: 'password123' }, 'input.password'],
    ['a password of one repeated character', { password: 'aaaaaaaaaaaa' }, 'input.password'],
    ['control characters in the name', { displayName: 'bad\u0000name' }, 'input.displayName'],
  ])('refuses %s', async (_label, override, field) => {
    const input = { email: uniqueEmail(), password: STRONG_PASSWORD, displayName: 'Valid Name', ...override };
    const result = await users.client.request(REGISTER, { variables: { input } });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [expect.objectContaining({ field })],
    });
  });

  it('creates exactly one account when the same email registers concurrently', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        users.client.request(REGISTER, {
          variables: { input: { email, password: STRONG_PASSWORD, displayName: `Racer ${i}` } },
          headers: { 'x-client-ip': `10.2.0.${i}` },
        }),
      ),
    );
    expect(results.filter((r) => r.data?.register).length).toBe(1);
    expect(results.filter((r) => r.errors?.[0].extensions?.code === 'CONFLICT').length).toBe(7);
    expect(await userCount(email)).toBe(1);
  });
});

describe('login', () => {
  it('signs in with the right password, ignoring email case and spaces', async () => {
    const email = uniqueEmail();
    await register(users, email);
    const result = await login(users.client, ` ${email.toUpperCase()} `);
    expect(result.data?.login.user.email).toBe(email);
  });

  it('gives unknown email and wrong password the same error, in the same time order', async () => {
    const email = uniqueEmail();
    await register(users, email);
    const wrong = await login(users.client, email, 'wrong password here', '10.3.0.1');
    const unknown = await login(users.client, uniqueEmail('nobody'), 'wrong password here', '10.3.0.2');
    expect(wrong.errors?.[0]).toEqual(unknown.errors?.[0]);
    expect(wrong.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    // Both paths run one password verification; compare medians so one slow request cannot decide.
    const time = async (emailToTry: string, ip: string) => {
      const started = performance.now();
      await login(users.client, emailToTry, 'another wrong password', ip);
      return performance.now() - started;
    };
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const known: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      known.push(await time(email, `10.3.1.${i}`));
      unknownTimes.push(await time(uniqueEmail('ghost'), `10.3.2.${i}`));
    }
    const ratio = median(known) / median(unknownTimes);
    expect(ratio).toBeGreaterThan(0.25);
    expect(ratio).toBeLessThan(4);
  });

  it('rate limits repeated attempts on one account, even with the right password afterwards', async () => {
    const email = uniqueEmail();
    await register(users, email);
    for (let i = 0; i < 5; i += 1) {
      expect((await login(users.client, email, 'wrong password!!', `10.4.0.${i}`)).errors?.[0].extensions?.code).toBe(
        'UNAUTHENTICATED',
      );
    }
    const blocked = await login(users.client, email, STRONG_PASSWORD, '10.4.1.1');
    expect(blocked.errors?.[0].extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
    const other = uniqueEmail();
    await register(users, other);
    expect((await login(users.client, other, STRONG_PASSWORD, '10.4.1.2')).data?.login.user.email).toBe(other);
  });

  it('rate limits failures from one IP across accounts', async () => {
    const ip = '10.5.0.1';
    for (let i = 0; i < 8; i += 1) await login(users.client, uniqueEmail('spray'), 'wrong password!!', ip);
    const email = uniqueEmail();
    await register(users, email);
    expect((await login(users.client, email, STRONG_PASSWORD, ip)).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect((await login(users.client, email, STRONG_PASSWORD, '10.5.0.2')).data?.login).toBeTruthy();
  });

  it('lets no more than the limit through when attempts race', async () => {
    const email = uniqueEmail();
    await register(users, email);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(users.client, email, 'wrong password!!', `10.6.0.${i}`)),
    );
    const codes = results.map((r) => r.errors?.[0].extensions?.code);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(15);
  });
});

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
    await users.subgraph.deps.db.query(`UPDATE users SET role = 'VENDOR' WHERE id = $1`, [session.user.id]);
    const next = (
      await users.client.data<{ refreshToken: Session }>(REFRESH, { variables: { t: session.refreshToken } })
    ).refreshToken;
    expect(next.user.role).toBe('VENDOR');
    const claims = JSON.parse(Buffer.from(next.accessToken.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({
      sub: session.user.id,
      role: 'VENDOR',
      iss: 'marketplace-users',
      aud: 'marketplace',
    });
    expect(claims.exp - claims.iat).toBe(900);
  });
});

describe('logout', () => {
  it('ends that session only and is always true', async () => {
    const session = await register(users);
    const other = (await login(users.client, session.user.email)).data!.login;
    const LOGOUT = `mutation($t: String!) { logout(refreshToken: $t) }`;
    expect((await users.client.data(LOGOUT, { variables: { t: session.refreshToken } })).logout).toBe(true);
    expect(await users.client.errorCode(REFRESH, { variables: { t: session.refreshToken } })).toBe('UNAUTHENTICATED');
    expect((await users.client.data(REFRESH, { variables: { t: other.refreshToken } })).refreshToken).toBeTruthy();
    expect((await users.client.data(LOGOUT, { variables: { t: 'never-issued' } })).logout).toBe(true);
  });
});

describe('changePassword', () => {
  const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { ${AUTH_FIELDS} } }`;

  it('needs a signed-in user', async () => {
    expect(
      await users.client.errorCode(CHANGE, { variables: { c: STRONG_PASSWORD, n: 'a brand new passphrase' } }),
    ).toBe('UNAUTHENTICATED');
  });

  it('refuses a wrong current password and a weak or unchanged new one', async () => {
    const session = await register(users);
    const attempt = (c: string, n: string) =>
      users.client.request(CHANGE, { variables: { c, n }, token: session.accessToken });
    expect((await attempt('not my password', 'a brand new passphrase')).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'currentPassword', message: 'is not your current password' }],
    });
    expect((await attempt(STRONG_PASSWORD, 'short')).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [expect.objectContaining({ field: 'newPassword' })],
    });
    expect((await attempt(STRONG_PASSWORD, STRONG_PASSWORD)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
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
  const REQUEST = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
  const RESET = `mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }`;

  it('answers true for unknown emails without sending anything', async () => {
    const email = uniqueEmail('ghost');
    expect((await users.client.data(REQUEST, { variables: { e: email } })).requestPasswordReset).toBe(true);
    expect(mailsTo(users, email)).toHaveLength(0);
  });

  it('resets with the mailed token once, verifies the email and ends every session', async () => {
    const session = await register(users);
    await users.client.data(REQUEST, { variables: { e: session.user.email.toUpperCase() } });
    const [mail] = mailsTo(users, session.user.email).filter((m) => m.subject === 'Reset your password');
    const token = tokenFrom(mail);

    // A weak password is refused before the token is used up.
    expect(
      (await users.client.request(RESET, { variables: { t: token, p: 'weak' } })).errors?.[0].extensions?.code,
    ).toBe('BAD_USER_INPUT');
    expect((await users.client.data(RESET, { variables: { t: token, p: 'reset passphrase 42' } })).resetPassword).toBe(
      true,
    );
    expect(
      (await users.client.request(RESET, { variables: { t: token, p: 'another passphrase 43' } })).errors?.[0]
        .extensions,
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'token', message: 'is invalid, used or expired' }],
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
      .filter((m) => m.subject === 'Reset your password')
      .map(tokenFrom);
    expect(await users.client.errorCode(RESET, { variables: { t: first, p: 'reset passphrase 42' } })).toBe(
      'BAD_USER_INPUT',
    );
    await users.subgraph.deps.db.query(
      `UPDATE email_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [session.user.id],
    );
    expect(await users.client.errorCode(RESET, { variables: { t: second, p: 'reset passphrase 42' } })).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('stores only token hashes', async () => {
    const session = await register(users);
    await users.client.data(REQUEST, { variables: { e: session.user.email } });
    const token = tokenFrom(mailsTo(users, session.user.email).find((m) => m.subject === 'Reset your password')!);
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
  const VERIFY = `mutation($t: String!) { verifyEmail(token: $t) { id emailVerified } }`;

  it('verifies with the registration token, once', async () => {
    const session = await register(users);
    const token = tokenFrom(mailsTo(users, session.user.email)[0]);
    expect((await users.client.data(VERIFY, { variables: { t: token } })).verifyEmail).toEqual({
      id: session.user.id,
      emailVerified: true,
    });
    expect(await users.client.errorCode(VERIFY, { variables: { t: token } })).toBe('BAD_USER_INPUT');
    expect(await users.client.errorCode(VERIFY, { variables: { t: 'made-up' } })).toBe('BAD_USER_INPUT');
  });
});

describe('secrets stay secret', () => {
  it('never logs passwords, hashes or session tokens, and never returns a hash', async () => {
    const password = 'a very distinctive passphrase 991';
    const session = await register(users, uniqueEmail(), password);
    await login(users.client, session.user.email, password);
    await login(users.client, session.user.email, 'a wrong distinctive passphrase');
    await users.client.data(REFRESH, { variables: { t: session.refreshToken } });
    const logs = users.logs.records().filter((record) => !record.mail);
    const text = JSON.stringify(logs);
    expect(text).not.toContain(password);
    expect(text).not.toContain(session.refreshToken);
    expect(text).not.toContain(session.accessToken);
    expect(text).not.toContain('scrypt$');
    const introspection = await users.client.data(`{ __type(name: "User") { fields { name } } }`);
    expect(introspection.__type.fields.map((f: { name: string }) => f.name)).not.toContain('passwordHash');
  });
});

import { TestSubgraph } from '@marketplace/kit/testing';
import {
  ME,
  REFRESH,
  REGISTER,
  STRONG_PASSWORD,
  VERIFICATION_SUBJECT,
  login,
  mailsTo,
  register,
  startUsers,
  uniqueEmail,
} from '../testing';

/** Registering and signing in, with their limits, and what never shows in logs or answers. */
let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers({ LOGIN_MAX_ATTEMPTS_PER_IP: '8' });
});
afterAll(() => users.close());

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
    expect(mailsTo(users, email)).toEqual([expect.objectContaining({ subject: VERIFICATION_SUBJECT })]);
  });

  it('refuses a duplicate email, whatever its case, with CONFLICT and writes nothing', async () => {
    const email = uniqueEmail();
    await register(users, email);
    const result = await users.client.request(REGISTER, {
      variables: { input: { email: email.toUpperCase(), password: STRONG_PASSWORD, displayName: 'Again' } },
    });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'EMAIL_TAKEN',
      fields: [{ field: 'input.email', message: 'is taken by another account' }],
    });
    expect(result.data).toEqual({ register: null });
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
    expect(wrong.errors?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(wrong.data).toEqual({ login: null });

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

  it('rate limits failures from one IP across accounts', async () => {
    const ip = '10.5.0.1';
    for (let i = 0; i < 8; i += 1) await login(users.client, uniqueEmail('spray'), 'wrong password!!', ip);
    const email = uniqueEmail();
    await register(users, email);
    expect((await login(users.client, email, STRONG_PASSWORD, ip)).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect((await login(users.client, email, STRONG_PASSWORD, '10.5.0.2')).data?.login).toBeTruthy();
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

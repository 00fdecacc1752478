import { TestSubgraph, until, uuidOf } from '@marketplace/kit/testing';
import {
  CHANGE_PASSWORD as CHANGE,
  LOGOUT,
  ME,
  REFRESH,
  REQUEST_PASSWORD_RESET,
  RESET_PASSWORD,
  RESET_SUBJECT,
  SET_USER_ROLE as SET_ROLE,
  STRONG_PASSWORD,
  Session,
  claimsOf,
  login,
  loginAsAdmin,
  mailsTo,
  register,
  startUsers,
  tokenFrom,
} from '../testing';

/**
 * Issue 18 item 9: logging out, changing or resetting the password, or a role change left
 * every access token working until its 15-minute expiry. Each but logout now raises the
 * user's session version, and logout ends its own session's tokens (`sid`, issue 25); this
 * subgraph (like the gateway) refuses them within seconds.
 */
let users: TestSubgraph;
let admin: Session;
beforeAll(async () => {
  users = await startUsers();
  admin = await loginAsAdmin(users);
});
afterAll(() => users.close());

/** A write, so the refusal covers more than reads. */
const UPDATE = `mutation($name: String!) { updateProfile(input: { displayName: $name }) { user { id displayName } } }`;
/** How long a test waits for a revocation to reach the subgraph: "within seconds". */
const REVOCATION_WAIT_MS = 5_000;

async function meWith(token: string) {
  return users.client.request<{ me: { id: string } | null }>(ME, { token });
}

/** Polls until the token is refused; fails after REVOCATION_WAIT_MS. */
async function refusedSoon(token: string) {
  const result = await until(
    async () => {
      const answer = await meWith(token);
      return answer.status === 401 ? answer : undefined;
    },
    'the old access token to be refused',
    REVOCATION_WAIT_MS,
  );
  expect(result.errors?.[0]).toEqual({
    message: 'Session ended: sign in again',
    extensions: { code: 'UNAUTHENTICATED' },
  });
  const write = await users.client.request(UPDATE, { variables: { name: 'Mallory' }, token });
  expect(write.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
}

describe('ending a session ends its access tokens within seconds', () => {
  it("logout: the session's token is refused, the user's other device and a fresh login work", async () => {
    const session = await register(users);
    const other = (await login(users.client, session.user.email)).data!.login;
    expect((await meWith(session.accessToken)).data?.me?.id).toBe(session.user.id);
    await users.client.data(LOGOUT, { variables: { t: session.refreshToken } });
    await refusedSoon(session.accessToken);
    expect((await meWith(other.accessToken)).data?.me?.id).toBe(session.user.id);
    const again = (await login(users.client, session.user.email)).data!.login;
    expect((await meWith(again.accessToken)).data?.me?.id).toBe(session.user.id);
    // Ended alone (its `sid`): the user's session version is unchanged.
    expect(claimsOf(again.accessToken).sv).toBe(claimsOf(session.accessToken).sv);
  });

  it('changePassword: every older token is refused, the one it returns works', async () => {
    const session = await register(users);
    const other = (await login(users.client, session.user.email)).data!.login;
    const { changePassword } = await users.client.data<{ changePassword: Session }>(CHANGE, {
      variables: { c: STRONG_PASSWORD, n: 'a brand new passphrase 7' },
      token: session.accessToken,
    });
    await refusedSoon(session.accessToken);
    await refusedSoon(other.accessToken);
    expect((await meWith(changePassword.accessToken)).data?.me?.id).toBe(session.user.id);
  });

  it('resetPassword: the token of the forgotten password is refused', async () => {
    const session = await register(users);
    await users.client.data(REQUEST_PASSWORD_RESET, { variables: { e: session.user.email } });
    const mail = await until(
      () => mailsTo(users, session.user.email).find((m) => m.subject === RESET_SUBJECT),
      'the reset mail',
    );
    await users.client.data(RESET_PASSWORD, { variables: { t: tokenFrom(mail), p: 'reset passphrase 42' } });
    await refusedSoon(session.accessToken);
  });

  it('a role change: the token with the old role is refused, a refresh carries the new one', async () => {
    const session = await register(users);
    await users.client.data(SET_ROLE, {
      variables: { userId: session.user.id, role: 'VENDOR' },
      token: admin.accessToken,
    });
    await refusedSoon(session.accessToken);
    const { refreshToken } = await users.client.data<{ refreshToken: Session }>(REFRESH, {
      variables: { t: session.refreshToken },
    });
    expect(claimsOf(refreshToken.accessToken).role).toBe('VENDOR');
    expect((await meWith(refreshToken.accessToken)).data?.me?.id).toBe(session.user.id);
  });

  it('a reused refresh token (stolen): the access tokens of its user are refused too', async () => {
    const session = await register(users);
    await users.client.data(REFRESH, { variables: { t: session.refreshToken } });
    await users.client.request(REFRESH, { variables: { t: session.refreshToken } });
    await refusedSoon(session.accessToken);
  });

  it('requests racing a logout are each answered or refused, and the token is refused afterwards', async () => {
    const session = await register(users);
    const [logout, ...answers] = await Promise.all([
      users.client.request(LOGOUT, { variables: { t: session.refreshToken } }),
      ...Array.from({ length: 10 }, () => meWith(session.accessToken)),
    ]);
    expect(logout.data).toEqual({ logout: { sessionEnded: true } });
    for (const answer of answers) {
      if (answer.status === 200) expect(answer.data?.me?.id).toBe(session.user.id);
      else expect(answer.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    await refusedSoon(session.accessToken);
  });

  it('racing logouts of two devices end both sessions and leave the version alone', async () => {
    const session = await register(users);
    const second = (await login(users.client, session.user.email)).data!.login;
    const answers = await Promise.all(
      [session, second].map((s) => users.client.data(LOGOUT, { variables: { t: s.refreshToken } })),
    );
    expect(answers).toEqual([{ logout: { sessionEnded: true } }, { logout: { sessionEnded: true } }]);
    const [row] = await users.subgraph.deps.db.query('SELECT session_version FROM users WHERE id = $1', [
      uuidOf(session.user.id),
    ]);
    expect(row.session_version).toBe(1);
    await refusedSoon(session.accessToken);
    await refusedSoon(second.accessToken);
    const third = (await login(users.client, session.user.email)).data!.login;
    expect(claimsOf(third.accessToken).sv).toBe(1);
    expect((await meWith(third.accessToken)).data?.me?.id).toBe(session.user.id);
  });
});

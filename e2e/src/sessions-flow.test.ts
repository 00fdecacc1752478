import { randomUUID } from 'node:crypto';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * Issue 25, sessions, through the gateway: the session list shows each device as the client
 * reached the gateway (its User-Agent and address), and a revoked session's access token is
 * refused by the gateway itself within about a second while the user's other device goes on.
 */
let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph({ TRUST_PROXY: 'loopback' });
}, 120_000);
afterAll(() => supergraph?.close());

const PASSWORD = 'a long sessions passphrase';
const AUTH = 'accessToken refreshToken user { id }';
const SESSIONS = '{ me { sessions { totalCount edges { node { id userAgent ipAddress current } } } } }';
const REVOKE = 'mutation($id: ID!) { revokeSession(input: { sessionId: $id }) { revokedSessionId } }';
const REFRESH = `mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { ${AUTH} } }`;

interface SignedIn {
  accessToken: string;
  refreshToken: string;
  user: { id: string };
}

/** A device: what its requests carry to the gateway. */
const device = (ip: string, agent: string) => ({ 'x-forwarded-for': ip, 'user-agent': agent });

it('lists each device as the gateway saw it, and ends one within a second while the other goes on', async () => {
  const email = `sessions.${randomUUID()}@example.com`;
  const laptop = (
    await supergraph.client.data<{ register: SignedIn }>(
      `mutation($i: RegisterInput!) { register(input: $i) { ${AUTH} } }`,
      {
        variables: { i: { email, password: PASSWORD, displayName: 'Two Devices' } },
        headers: device('203.0.113.10', 'Laptop Firefox/128.0'),
      },
    )
  ).register;
  const phone = (
    await supergraph.client.data<{ login: SignedIn }>(`mutation($i: LoginInput!) { login(input: $i) { ${AUTH} } }`, {
      variables: { i: { email, password: PASSWORD } },
      headers: device('198.51.100.20', 'Phone Safari/17'),
    })
  ).login;

  const { me } = await supergraph.client.data(SESSIONS, { token: laptop.accessToken });
  const nodes = me.sessions.edges.map((edge: { node: unknown }) => edge.node);
  expect(nodes).toEqual([
    {
      id: expect.stringMatching(/^Session:/),
      userAgent: 'Phone Safari/17',
      ipAddress: '198.51.100.20',
      current: false,
    },
    {
      id: expect.stringMatching(/^Session:/),
      userAgent: 'Laptop Firefox/128.0',
      ipAddress: '203.0.113.10',
      current: true,
    },
  ]);

  const revoked = await supergraph.client.data(REVOKE, { variables: { id: nodes[0].id }, token: laptop.accessToken });
  expect(revoked).toEqual({ revokeSession: { revokedSessionId: nodes[0].id } });
  const started = Date.now();
  const refusal = await until(
    async () => {
      const answer = await supergraph.client.request('{ me { id } }', { token: phone.accessToken });
      return answer.status === 401 ? answer : undefined;
    },
    "the gateway to refuse the revoked session's access token",
    5_000,
  );
  expect(Date.now() - started).toBeLessThan(3_000);
  expect(refusal.errors?.[0]).toEqual({
    message: 'Session ended: sign in again',
    extensions: { code: 'UNAUTHENTICATED' },
  });
  const refreshed = await supergraph.client.request(REFRESH, { variables: { t: phone.refreshToken } });
  expect(refreshed.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

  // The laptop goes on, across subgraphs.
  const still = await supergraph.client.data('{ me { id cart { itemCount } } }', { token: laptop.accessToken });
  expect(still.me.id).toBe(laptop.user.id);
  expect((await supergraph.client.data(SESSIONS, { token: laptop.accessToken })).me.sessions.totalCount).toBe(1);
});

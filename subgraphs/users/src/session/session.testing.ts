import { Envelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, until } from '@marketplace/kit/testing';
import { LOGIN, ME, REFRESH, STRONG_PASSWORD, Session, claimsOf, register, uniqueEmail } from '../testing';

export const SESSIONS = `{ me { sessions(first: 50) { totalCount edges { node {
  id userAgent ipAddress createdAt lastUsedAt expiresAt current } } } } }`;
export const REVOKE = `mutation($id: ID!) { revokeSession(input: { sessionId: $id }) { revokedSessionId } }`;
export const REVOKE_OTHERS = `mutation { revokeOtherSessions { revokedSessionIds } }`;
const REVOCATION_WAIT_MS = 5_000;
export const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
export const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148';

export interface ListedSession {
  id: string;
  userAgent: string | null;
  ipAddress: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  current: boolean;
}

/** A device's request headers, as the gateway forwards them (signed by the test client). */
export const device = (ip: string, agent: string) => ({ 'x-client-ip': ip, 'x-client-user-agent': agent });

/** The global id of the session a token belongs to. */
export const sessionIdOf = (session: Session) => `Session:${claimsOf(session.accessToken).sid as string}`;

/** What the session tests do with the users subgraph `subgraph()` answers (started in their `beforeAll`). */
export function sessionTools(subgraph: () => TestSubgraph) {
  const client = () => subgraph().client;

  async function signIn(email: string, ip: string, agent: string): Promise<Session> {
    const data = await client().data<{ login: Session }>(LOGIN, {
      variables: { input: { email, password: STRONG_PASSWORD } },
      headers: device(ip, agent),
    });
    return data.login;
  }

  async function sessionsOf(token: string): Promise<ListedSession[]> {
    const data = await client().data<{ me: { sessions: { edges: { node: ListedSession }[] } } }>(SESSIONS, { token });
    return data.me.sessions.edges.map((edge) => edge.node);
  }

  const meWith = (token: string) => client().request<{ me: { id: string } | null }>(ME, { token });

  /** Polls until the token is refused as an ended session; fails after REVOCATION_WAIT_MS. */
  async function refusedSoon(token: string) {
    const refused = await until(
      async () => {
        const answer = await meWith(token);
        return answer.status === 401 ? answer : undefined;
      },
      'the ended session to be refused',
      REVOCATION_WAIT_MS,
    );
    expect(refused.errors?.[0]).toEqual({
      message: 'Session ended: sign in again',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }

  const refreshOf = (refreshToken: string, headers: Record<string, string> = {}) =>
    client().request<{ refreshToken: Session }>(REFRESH, { variables: { t: refreshToken }, headers });

  async function auditRecords(action: string, targetId: string) {
    const rows = await queryRows<{ envelope: Envelope<Record<string, unknown>> }>(
      subgraph().subgraph.deps.db,
      `SELECT envelope FROM outbox WHERE type = 'audit.recorded'
         AND envelope->'payload'->>'action' = $1 AND envelope->'payload'->>'targetId' = $2 ORDER BY position`,
      [action, targetId],
    );
    return rows.map((row) => row.envelope.payload);
  }

  /** A fresh user signed in on a laptop and a phone (and by registering). */
  async function twoDevices() {
    const email = uniqueEmail('devices');
    await register(subgraph(), email);
    const laptop = await signIn(email, '203.0.113.7', FIREFOX);
    const phone = await signIn(email, '198.51.100.23', PHONE);
    return { email, laptop, phone };
  }

  return { signIn, sessionsOf, meWith, refusedSoon, refreshOf, auditRecords, twoDevices };
}

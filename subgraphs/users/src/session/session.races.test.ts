import { queryRows } from '@marketplace/kit';
import { TestSubgraph, until, uuidOf } from '@marketplace/kit/testing';
import { claimsOf, startUsers } from '../testing';
import { REVOKE, sessionIdOf, sessionTools } from './session.testing';

/**
 * Issue 25, sessions: a refresh racing the revocation of its session leaves no live token,
 * whichever commits first.
 */
let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers();
});
afterAll(() => users.close());

const { sessionsOf, refusedSoon, refreshOf, twoDevices } = sessionTools(() => users);

describe('a refresh racing a revocation of its session', () => {
  it('unordered, six times: whichever commits first, no live token is left', async () => {
    for (let round = 0; round < 6; round += 1) {
      const { laptop, phone } = await twoDevices();
      const [refreshed] = await Promise.all([
        refreshOf(phone.refreshToken),
        users.client.data(REVOKE, { variables: { id: sessionIdOf(phone) }, token: laptop.accessToken }),
      ]);
      const won = refreshed.data?.refreshToken;
      if (won) {
        // The refresh committed first: the pair it answered belongs to the ended session.
        expect(claimsOf(won.accessToken).sid).toBe(claimsOf(phone.accessToken).sid);
        expect((await refreshOf(won.refreshToken)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
        await refusedSoon(won.accessToken);
      } else {
        expect(refreshed.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      }
      await refusedSoon(phone.accessToken);
      expect((await sessionsOf(laptop.accessToken)).map((s) => s.id)).not.toContain(sessionIdOf(phone));
    }
  });
});

/**
 * Holds the session's row lock while `first`, then `second`, queue behind it (Postgres grants
 * a row's waiters in turn), then lets them go: the two run in that order, deterministically.
 */
async function inOrder<A, B>(sessionId: string, first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
  const db = users.subgraph.deps.db;
  const holder = db.createQueryRunner();
  await holder.connect();
  const waiting = async (count: number) =>
    until(
      async () => {
        const [row] = await queryRows<{ n: number }>(
          db,
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return row.n >= count ? true : undefined;
      },
      `${count} request(s) waiting for the session row`,
      5_000,
    );
  try {
    await holder.startTransaction();
    await holder.query(`SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE`, [sessionId]);
    const firstDone = first();
    await waiting(1);
    const secondDone = second();
    await waiting(2);
    await holder.commitTransaction();
    return [await firstDone, await secondDone];
  } finally {
    await holder.release();
  }
}

describe('a refresh racing a revocation of its session', () => {
  it('refresh first: the pair it answered is ended with the session', async () => {
    const { laptop, phone } = await twoDevices();
    const [refreshed, revoked] = await inOrder(
      uuidOf(sessionIdOf(phone)),
      () => refreshOf(phone.refreshToken),
      () => users.client.request(REVOKE, { variables: { id: sessionIdOf(phone) }, token: laptop.accessToken }),
    );
    expect(revoked.data).toEqual({ revokeSession: { revokedSessionId: sessionIdOf(phone) } });
    const won = refreshed.data!.refreshToken;
    expect(claimsOf(won.accessToken).sid).toBe(claimsOf(phone.accessToken).sid);
    expect((await refreshOf(won.refreshToken)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    await refusedSoon(won.accessToken);
  });

  it('revocation first: the refresh finds the session ended', async () => {
    const { laptop, phone } = await twoDevices();
    const [revoked, refreshed] = await inOrder(
      uuidOf(sessionIdOf(phone)),
      () => users.client.request(REVOKE, { variables: { id: sessionIdOf(phone) }, token: laptop.accessToken }),
      () => refreshOf(phone.refreshToken),
    );
    expect(revoked.data).toEqual({ revokeSession: { revokedSessionId: sessionIdOf(phone) } });
    expect(refreshed.errors?.[0]).toMatchObject({
      message: 'Invalid or expired refresh token',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    await refusedSoon(phone.accessToken);
  });
});

import { randomUUID } from 'node:crypto';
import { createLogger, openDatabase, queryRows } from '@marketplace/kit';
import { createTestDatabase } from '@marketplace/kit/testing';
import { usersSubgraph } from '../index';
import { Sessions1802700000000 } from './1802700000000-sessions';

describe('the sessions migration', () => {
  it('makes each existing refresh token family a session, live or ended as its tokens say', async () => {
    const database = await createTestDatabase();
    const options = {
      url: database.url,
      schema: 'legacy_users',
      entities: [],
      log: createLogger({ name: 'test', level: 'silent' }),
    };
    const all = usersSubgraph.migrations ?? [];
    const earlier = all.filter((migration) => migration !== Sessions1802700000000);
    try {
      const before = await openDatabase({ ...options, migrations: earlier });
      const [{ id: userId }] = await queryRows<{ id: string }>(
        before,
        `INSERT INTO users (email, display_name, password_hash) VALUES ($1, 'Legacy', 'x') RETURNING id`,
        [`legacy.${randomUUID()}@example.com`],
      );
      const [live, ended] = [randomUUID(), randomUUID()];
      await before.query(
        `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, used_at, revoked_at, created_at) VALUES
           ($1, $2, 'h1', now() + interval '29 days', now(), NULL, now() - interval '2 days'),
           ($1, $2, 'h2', now() + interval '30 days', NULL, NULL, now() - interval '1 day'),
           ($1, $3, 'h3', now() + interval '30 days', NULL, now(), now() - interval '3 days')`,
        [userId, live, ended],
      );
      await before.destroy();
      const after = await openDatabase({ ...options, migrations: all });
      try {
        const rows = await queryRows<{
          id: string;
          user_id: string;
          ended: boolean;
          end_reason: string | null;
          days: number;
        }>(
          after,
          `SELECT id, user_id, ended_at IS NOT NULL AS ended, end_reason,
                  round(extract(epoch FROM last_used_at - created_at) / 86400)::int AS days
             FROM sessions ORDER BY created_at`,
        );
        expect(rows).toEqual([
          { id: ended, user_id: userId, ended: true, end_reason: 'ENDED_BEFORE_SESSIONS', days: 0 },
          { id: live, user_id: userId, ended: false, end_reason: null, days: 1 },
        ]);
        // Every token now belongs to a session row.
        await expect(
          after.query(
            `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, 'h4', now())`,
            [userId, randomUUID()],
          ),
        ).rejects.toThrow(/refresh_tokens_session_fkey/);
      } finally {
        await after.destroy();
      }
    } finally {
      await database.drop();
    }
  });
});

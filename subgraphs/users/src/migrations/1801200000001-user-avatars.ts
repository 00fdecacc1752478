import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (storefront richness): users' avatars. Every upload is a row; the current avatar
 * is the one not removed (at most one per user, which the partial unique index enforces);
 * replaced and removed ones stay as rows (their files deleted) so that the upload link's id
 * stays used. Erasure deletes them all.
 */
export class UserAvatars1801200000001 implements MigrationInterface {
  name = 'UserAvatars1801200000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE user_avatars (
        media_id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        upload_id uuid NOT NULL CONSTRAINT user_avatars_upload_id_key UNIQUE,
        content_type text NOT NULL,
        original_file text NOT NULL,
        width int NOT NULL CHECK (width > 0),
        height int NOT NULL CHECK (height > 0),
        size int NOT NULL CHECK (size > 0),
        variants jsonb NOT NULL CHECK (jsonb_typeof(variants) = 'array'),
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz
      )`);
    await db.query(`CREATE UNIQUE INDEX user_avatars_current_key ON user_avatars (user_id) WHERE removed_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE user_avatars');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1763770000000 implements MigrationInterface {
  name = 'CreateUsers1763770000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CONSTRAINT users_email_key UNIQUE CHECK (email = lower(btrim(email))),
        display_name text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL DEFAULT 'CUSTOMER' CHECK (role IN ('CUSTOMER', 'VENDOR', 'ADMIN')),
        email_verified_at timestamptz,
        -- Millisecond precision, so a JavaScript Date in a page cursor matches the row exactly.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX users_created_at_idx ON users (created_at DESC, id DESC)`);
    await db.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        token_hash text NOT NULL CONSTRAINT refresh_tokens_hash_key UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await db.query(`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)`);
    await db.query(`
      CREATE TABLE email_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('VERIFY_EMAIL', 'RESET_PASSWORD')),
        email text NOT NULL,
        token_hash text NOT NULL CONSTRAINT email_tokens_hash_key UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE email_tokens');
    await db.query('DROP TABLE refresh_tokens');
    await db.query('DROP TABLE users');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25 (two-factor authentication with TOTP). One authenticator per user: its secret
 * encrypted (AES-256-GCM, see two-factor/secret-box.ts), `enabled_at` null until the user
 * confirms a first code, `last_time_step` the newest accepted TOTP step (a code is never
 * taken twice). Recovery codes are stored as keyed hashes. A sign-in that needs a second
 * factor holds a challenge row (its token hashed) until it is completed, expires or has
 * used its attempts. Refresh tokens remember how their session was established (`amr`),
 * so a refreshed access token keeps saying whether a second factor was shown.
 */
export class TwoFactor1802600000000 implements MigrationInterface {
  name = 'TwoFactor1802600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE user_totp (
        user_id uuid PRIMARY KEY REFERENCES users (id),
        secret_sealed text NOT NULL,
        enabled_at timestamptz,
        last_time_step bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE two_factor_recovery_codes (
        user_id uuid NOT NULL REFERENCES users (id),
        code_hash text NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, code_hash)
      )`);
    await db.query(`
      CREATE TABLE two_factor_challenges (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        expires_at timestamptz NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX two_factor_challenges_user_idx ON two_factor_challenges (user_id)`);
    await db.query(`ALTER TABLE refresh_tokens ADD COLUMN amr text[] NOT NULL DEFAULT '{}'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE refresh_tokens DROP COLUMN amr`);
    await db.query(`DROP TABLE two_factor_challenges`);
    await db.query(`DROP TABLE two_factor_recovery_codes`);
    await db.query(`DROP TABLE user_totp`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25 (social login): identities at OpenID Connect / OAuth providers linked to users,
 * the pending authorization requests (state, PKCE verifier, nonce; single use, minutes long),
 * and the pending links a password must confirm. Accounts created by social login have no
 * password, hence `password_hash` may be null.
 */
export class SocialLogin1802500000000 implements MigrationInterface {
  name = 'SocialLogin1802500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL`);
    await db.query(`
      CREATE TABLE oauth_identities (
        user_id uuid NOT NULL REFERENCES users (id),
        provider text NOT NULL,
        subject text NOT NULL,
        email text,
        linked_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        PRIMARY KEY (provider, subject),
        CONSTRAINT oauth_identities_user_provider_key UNIQUE (user_id, provider)
      )`);
    await db.query(`
      CREATE TABLE oauth_requests (
        state_hash text PRIMARY KEY,
        provider text NOT NULL,
        redirect_uri text NOT NULL,
        code_verifier text NOT NULL,
        nonce text NOT NULL,
        user_id uuid REFERENCES users (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX oauth_requests_expiry_idx ON oauth_requests (expires_at)`);
    await db.query(`
      CREATE TABLE oauth_pending_links (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        provider text NOT NULL,
        subject text NOT NULL,
        email text NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE oauth_pending_links');
    await db.query('DROP TABLE oauth_requests');
    await db.query('DROP TABLE oauth_identities');
    await db.query(`UPDATE users SET password_hash = '!' WHERE password_hash IS NULL`);
    await db.query(`ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25 (passkeys). A passkey is a WebAuthn credential: its id (base64url, unique across
 * users: an authenticator never reuses one), COSE public key and signature counter. A
 * ceremony is one registration or sign-in waiting for the browser's answer: its random
 * challenge (stored as SHA-256, found again from the answer's client data), who it is for,
 * and, when it is the second step of a password sign-in, the two-factor challenge it completes.
 * A two-factor challenge remembers the first factor shown (`pwd`, or none for a sign-in
 * provider), so the session's `amr` says what was shown, whichever second factor follows.
 */
export class Passkeys1803000000000 implements MigrationInterface {
  name = 'Passkeys1803000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE passkeys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        credential_id text NOT NULL UNIQUE,
        public_key bytea NOT NULL,
        sign_count bigint NOT NULL DEFAULT 0,
        transports text[] NOT NULL DEFAULT '{}',
        device_type text NOT NULL CHECK (device_type IN ('singleDevice', 'multiDevice')),
        backed_up boolean NOT NULL,
        aaguid uuid NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz
      )`);
    await db.query(`CREATE INDEX passkeys_user_idx ON passkeys (user_id)`);
    await db.query(`
      CREATE TABLE webauthn_ceremonies (
        challenge_hash text PRIMARY KEY,
        purpose text NOT NULL CHECK (purpose IN ('REGISTRATION', 'SIGN_IN', 'SECOND_FACTOR')),
        user_id uuid REFERENCES users (id),
        two_factor_challenge_hash text,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((purpose = 'SIGN_IN') = (user_id IS NULL)),
        CHECK ((purpose = 'SECOND_FACTOR') = (two_factor_challenge_hash IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX webauthn_ceremonies_expiry_idx ON webauthn_ceremonies (expires_at)`);
    await db.query(`ALTER TABLE two_factor_challenges ADD COLUMN first_factors text[] NOT NULL DEFAULT '{pwd}'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE two_factor_challenges DROP COLUMN first_factors`);
    await db.query(`DROP TABLE webauthn_ceremonies`);
    await db.query(`DROP TABLE passkeys`);
  }
}

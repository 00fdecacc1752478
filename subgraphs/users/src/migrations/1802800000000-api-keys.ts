import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25: vendors' API keys. A key is `mk_<lookup id>_<secret>`: the lookup id finds the
 * row (and is shown, never secret), the secret is stored only as its SHA-256. Revoked keys
 * stay as rows (their lookup id stays used; revocation is a fact worth keeping).
 */
export class ApiKeys1802800000000 implements MigrationInterface {
  name = 'ApiKeys1802800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id),
        name text NOT NULL,
        lookup_id text NOT NULL CONSTRAINT api_keys_lookup_id_key UNIQUE,
        secret_hash bytea NOT NULL CHECK (octet_length(secret_hash) = 32),
        scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);
    await db.query(`CREATE INDEX api_keys_owner_idx ON api_keys (owner_id, created_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE api_keys`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The keys this subgraph has signed with, by purpose: a start with another key than the last
 * one is a rotation, which the audit trail records (kit/src/audit/signing-key-history.ts).
 */
export class CreateUsersSigningKeys1800500000000 implements MigrationInterface {
  name = 'CreateUsersSigningKeys1800500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE signing_keys (
        purpose text NOT NULL,
        -- First 16 hex characters of the SHA-256 of the public key (SPKI DER); never key material.
        key_id text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
        first_used_at timestamptz NOT NULL DEFAULT now(),
        last_started_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (purpose, key_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE signing_keys`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privacy (issue 20): when an account was erased, and the data exports users assemble from
 * every subgraph's part. At most one export per user is PENDING at a time (the partial
 * unique index is what refuses a second one, also between racing requests).
 */
export class Privacy1800800000000 implements MigrationInterface {
  name = 'Privacy1800800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN erased_at timestamptz`);
    await db.query(`
      CREATE TABLE data_exports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'READY')),
        -- Millisecond precision, so a JavaScript Date in a page cursor matches the row exactly.
        requested_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        ready_at timestamptz,
        expires_at timestamptz,
        -- Where the assembled JSON document is in the exports' object storage, and its size.
        storage_key text,
        size bigint CHECK (size >= 0),
        CHECK ((status = 'READY') = (ready_at IS NOT NULL AND expires_at IS NOT NULL AND storage_key IS NOT NULL))
      )`);
    await db.query(
      `CREATE UNIQUE INDEX data_exports_one_pending_key ON data_exports (user_id) WHERE status = 'PENDING'`,
    );
    await db.query(
      `CREATE INDEX data_exports_user_requested_idx ON data_exports (user_id, requested_at DESC, id DESC)`,
    );
    await db.query(`
      CREATE TABLE data_export_parts (
        export_id uuid NOT NULL REFERENCES data_exports (id) ON DELETE CASCADE,
        subgraph text NOT NULL,
        data jsonb NOT NULL,
        truncated boolean NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        -- A redelivered part is stored once.
        PRIMARY KEY (export_id, subgraph)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE data_export_parts');
    await db.query('DROP TABLE data_exports');
    await db.query('ALTER TABLE users DROP COLUMN erased_at');
  }
}

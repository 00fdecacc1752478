import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Artifacts: every uploaded build of a product (kept, so licensing can serve a buyer the
 * version they bought) and the current one on the product row. An upload URL is used up
 * when its artifact row exists (`upload_id` is the signed token's id).
 */
export class Artifacts1763800000004 implements MigrationInterface {
  name = 'Artifacts1763800000004';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE artifacts (
        product_id uuid NOT NULL REFERENCES products (id),
        version text NOT NULL,
        upload_id uuid NOT NULL,
        object_key text NOT NULL,
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL CHECK (size > 0),
        uploaded_by uuid NOT NULL,
        uploaded_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        CONSTRAINT artifacts_pkey PRIMARY KEY (product_id, version),
        CONSTRAINT artifacts_upload_id_key UNIQUE (upload_id)
      )`);
    await db.query(`
      ALTER TABLE products
        ADD COLUMN artifact_version text,
        ADD COLUMN artifact_sha256 text,
        ADD COLUMN artifact_size bigint,
        ADD COLUMN artifact_uploaded_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE products DROP COLUMN artifact_version, DROP COLUMN artifact_sha256, DROP COLUMN artifact_size, DROP COLUMN artifact_uploaded_at`,
    );
    await db.query('DROP TABLE artifacts');
  }
}

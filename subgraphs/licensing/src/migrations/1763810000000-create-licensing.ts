import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Licensing's own tables: replicas of what it needs of the catalog (product policy, current
 * artifact), the licenses, their activations, refunded orders and the download log.
 */
export class CreateLicensing1763810000000 implements MigrationInterface {
  name = 'CreateLicensing1763810000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE products (
        -- The catalog owns products: this replica holds the license policy, from product.published / product.updated.
        id uuid PRIMARY KEY,
        vendor_id uuid NOT NULL,
        name text NOT NULL,
        status text NOT NULL,
        max_activations int NOT NULL CHECK (max_activations BETWEEN 1 AND 1000),
        -- The catalog's revision held: an older state arriving late is ignored.
        revision int NOT NULL CHECK (revision >= 1),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE artifacts (
        -- The current build of each product (the newest product.artifact_uploaded), what downloads stream.
        product_id uuid PRIMARY KEY,
        version text NOT NULL,
        storage_key text NOT NULL,
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL CHECK (size >= 0),
        content_type text NOT NULL,
        -- occurredAt of the upload event: orders late arrivals.
        uploaded_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE licenses (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL,
        product_id uuid NOT NULL,
        owner_id uuid NOT NULL,
        -- EXPIRED is derived from expires_at when read; only a revocation is stored.
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'REVOKED')),
        max_activations int NOT NULL CHECK (max_activations BETWEEN 1 AND 1000),
        -- The signed key itself, so its owner can read it again (see license.store.ts), and its SHA-256 for lookups.
        license_key text NOT NULL,
        key_sha256 text NOT NULL CONSTRAINT licenses_key_sha256_key UNIQUE,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz,
        revoked_at timestamptz,
        revoke_reason text,
        -- One license per order line: a redelivered order.paid issues nothing new.
        CONSTRAINT licenses_order_product_key UNIQUE (order_id, product_id),
        CHECK ((status = 'REVOKED') = (revoked_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX licenses_owner_idx ON licenses (owner_id, issued_at DESC, id DESC)`);
    await db.query(`
      CREATE TABLE activations (
        license_id uuid NOT NULL REFERENCES licenses (id),
        fingerprint text NOT NULL,
        label text,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        PRIMARY KEY (license_id, fingerprint)
      )`);
    await db.query(`
      CREATE TABLE refunded_orders (
        -- A refund that overtook order.paid: that order's licenses are never issued.
        order_id uuid PRIMARY KEY,
        reason text NOT NULL,
        refunded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE downloads (
        id bigserial PRIMARY KEY,
        license_id uuid NOT NULL REFERENCES licenses (id),
        at timestamptz NOT NULL DEFAULT now(),
        version text NOT NULL,
        -- Bytes served: the whole artifact or the requested range.
        bytes bigint NOT NULL CHECK (bytes >= 0),
        -- The satisfied Range as "start-end"; null for a whole download.
        range text
      )`);
    await db.query(`CREATE INDEX downloads_license_idx ON downloads (license_id, at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['downloads', 'refunded_orders', 'activations', 'licenses', 'artifacts', 'products'])
      await db.query(`DROP TABLE ${table}`);
  }
}

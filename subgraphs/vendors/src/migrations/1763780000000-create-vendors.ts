import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateVendors1763780000000 implements MigrationInterface {
  name = 'CreateVendors1763780000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE vendors (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- The users subgraph owns users: no foreign key across schemas, one vendor per user.
        user_id uuid NOT NULL CONSTRAINT vendors_user_id_key UNIQUE,
        display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 80),
        slug text NOT NULL CONSTRAINT vendors_slug_key UNIQUE
          CHECK (char_length(slug) BETWEEN 3 AND 48 AND slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        bio text CHECK (char_length(bio) <= 2000),
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'ACTIVE', 'REJECTED', 'SUSPENDED')),
        commission_bps int NOT NULL CHECK (commission_bps BETWEEN 0 AND 10000),
        rejection_reason text CHECK ((status = 'REJECTED') = (rejection_reason IS NOT NULL)),
        suspension_reason text CHECK (status = 'SUSPENDED' OR suspension_reason IS NULL),
        -- Millisecond precision, so a JavaScript Date in a page cursor matches the row exactly.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        approved_at timestamptz CHECK (status NOT IN ('ACTIVE', 'SUSPENDED') OR approved_at IS NOT NULL),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX vendors_created_at_idx ON vendors (created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX vendors_status_created_at_idx ON vendors (status, created_at DESC, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE vendors');
  }
}

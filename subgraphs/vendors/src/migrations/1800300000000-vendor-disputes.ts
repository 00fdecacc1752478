import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Card disputes on vendors' sales (`Vendor.disputes`): one row per disputed payment and
 * vendor with a line in its order, kept from payment.dispute_updated. Before this table no
 * dispute was kept here (payment.disputed had no consumer): nothing to backfill.
 */
export class VendorDisputes1800300000000 implements MigrationInterface {
  name = 'VendorDisputes1800300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE vendor_disputes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        payment_id uuid NOT NULL,
        vendor_id uuid NOT NULL REFERENCES vendors (id),
        order_id uuid NOT NULL REFERENCES ledger_orders (order_id),
        stripe_dispute_id text NOT NULL,
        -- The vendor's lines of the order: what of theirs is disputed.
        product_ids uuid[] NOT NULL CHECK (cardinality(product_ids) >= 1),
        -- The vendor's share: the gross of their lines, in minor units.
        amount bigint NOT NULL CHECK (amount >= 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL,
        reason text NOT NULL,
        evidence_due_by timestamptz,
        opened_at timestamptz NOT NULL,
        closed_at timestamptz,
        -- payments' revision of the dispute: an older state arriving late is ignored.
        revision int NOT NULL CHECK (revision >= 1),
        -- Millisecond precision, so a JavaScript Date in a page cursor matches the row exactly.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        CONSTRAINT vendor_disputes_payment_vendor_key UNIQUE (payment_id, vendor_id)
      )`);
    await db.query(
      `CREATE INDEX vendor_disputes_vendor_created_at_idx ON vendor_disputes (vendor_id, created_at DESC, id DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE vendor_disputes');
  }
}

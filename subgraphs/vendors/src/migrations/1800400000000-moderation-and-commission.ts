import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 20 (operator console):
 * - `vendors.submitted_at`: when the application (or re-application) entered review, for the
 *   moderation queue; a pending vendor's last change was its application, so it is backfilled
 *   from `updated_at`, every other vendor's from `created_at`.
 * - `vendor_commission_rates`: each vendor's commission over time. A sale is credited at the
 *   rate in force when the order was paid. Every vendor starts with its current rate since it
 *   applied (no rate could change before this history existed); a trigger gives every new
 *   vendor its first row, however the vendor row is written (API, seed, tests).
 * - `ledger_entries.commission_bps`: the rate each sale line used (required on SALE and
 *   COMMISSION credits; refunds copy it from the line they reverse), the ledger's own record of
 *   its terms; backfilled with the one rate in force until now.
 */
export class ModerationAndCommission1800400000000 implements MigrationInterface {
  name = 'ModerationAndCommission1800400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE vendors ADD COLUMN submitted_at timestamptz`);
    await db.query(`
      UPDATE vendors SET submitted_at = CASE WHEN status = 'PENDING' THEN date_trunc('milliseconds', updated_at) ELSE created_at END`);
    await db.query(
      `ALTER TABLE vendors ALTER COLUMN submitted_at SET DEFAULT date_trunc('milliseconds', now()), ALTER COLUMN submitted_at SET NOT NULL`,
    );
    await db.query(`CREATE INDEX vendors_review_queue_idx ON vendors (submitted_at, id) WHERE status = 'PENDING'`);

    await db.query(`
      CREATE TABLE vendor_commission_rates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        vendor_id uuid NOT NULL REFERENCES vendors (id),
        rate_bps int NOT NULL CHECK (rate_bps BETWEEN 0 AND 10000),
        -- Sales paid at or after this time (and before the next row's) are credited at this rate.
        effective_from timestamptz NOT NULL,
        -- The admin who set it; null for a vendor's first rate (the default when it applied).
        changed_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT vendor_commission_rates_once UNIQUE (vendor_id, effective_from)
      )`);
    await db.query(`
      INSERT INTO vendor_commission_rates (vendor_id, rate_bps, effective_from)
      SELECT id, commission_bps, created_at FROM vendors`);
    await db.query(`
      CREATE FUNCTION vendor_first_commission_rate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO vendor_commission_rates (vendor_id, rate_bps, effective_from)
        VALUES (NEW.id, NEW.commission_bps, NEW.created_at);
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER vendors_first_commission_rate AFTER INSERT ON vendors
      FOR EACH ROW EXECUTE FUNCTION vendor_first_commission_rate()`);

    await db.query(
      `ALTER TABLE ledger_entries ADD COLUMN commission_bps int CHECK (commission_bps BETWEEN 0 AND 10000)`,
    );
    // The ledger is append-only for the API; this one-time backfill of a new column is the exception.
    await db.query(`ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only`);
    await db.query(`
      UPDATE ledger_entries e SET commission_bps = v.commission_bps
        FROM vendors v
       WHERE v.id = e.vendor_id AND e.kind IN ('SALE', 'COMMISSION', 'REFUND', 'REFUND_COMMISSION')`);
    await db.query(`ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only`);
    await db.query(`
      ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_commission_terms CHECK (
        kind NOT IN ('SALE', 'COMMISSION') OR commission_bps IS NOT NULL)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE ledger_entries DROP COLUMN commission_bps`);
    await db.query(`DROP TRIGGER vendors_first_commission_rate ON vendors`);
    await db.query(`DROP FUNCTION vendor_first_commission_rate()`);
    await db.query(`DROP TABLE vendor_commission_rates`);
    await db.query(`DROP INDEX vendors_review_queue_idx`);
    await db.query(`ALTER TABLE vendors DROP COLUMN submitted_at`);
  }
}

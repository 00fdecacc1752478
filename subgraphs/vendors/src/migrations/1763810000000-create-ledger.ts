import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Vendor earnings: the paid orders this subgraph learnt from `order.paid`, payouts, and an
 * append-only ledger where every movement points at the order line or the payout behind it.
 */
export class CreateLedger1763810000000 implements MigrationInterface {
  name = 'CreateLedger1763810000000';

  async up(db: QueryRunner): Promise<void> {
    // One row per paid order: a refund that arrives first finds none and is retried until order.paid came.
    await db.query(`
      CREATE TABLE ledger_orders (
        order_id uuid PRIMARY KEY,
        number text NOT NULL,
        payment_id uuid NOT NULL,
        paid_at timestamptz NOT NULL,
        refunded_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE payouts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        vendor_id uuid NOT NULL REFERENCES vendors (id),
        amount bigint NOT NULL CHECK (amount > 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL DEFAULT 'REQUESTED' CHECK (status IN ('REQUESTED', 'PAID', 'REJECTED')),
        reason text CHECK ((status = 'REJECTED') = (reason IS NOT NULL)),
        -- Millisecond precision, so a JavaScript Date in a page cursor matches the row exactly.
        requested_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        paid_at timestamptz CHECK ((status = 'PAID') = (paid_at IS NOT NULL)),
        rejected_at timestamptz CHECK ((status = 'REJECTED') = (rejected_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX payouts_vendor_requested_at_idx ON payouts (vendor_id, requested_at DESC, id DESC)`);
    await db.query(`CREATE INDEX payouts_status_requested_at_idx ON payouts (status, requested_at DESC, id DESC)`);
    await db.query(`
      CREATE TABLE ledger_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        vendor_id uuid NOT NULL REFERENCES vendors (id),
        kind text NOT NULL CHECK (kind IN ('SALE', 'COMMISSION', 'REFUND', 'REFUND_COMMISSION', 'PAYOUT', 'PAYOUT_REVERSAL')),
        -- Signed, in minor units: credits positive, debits negative.
        amount bigint NOT NULL,
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        order_id uuid REFERENCES ledger_orders (order_id),
        product_id uuid,
        product_name text,
        payout_id uuid REFERENCES payouts (id),
        -- When it happened in the business (order paid, refund, payout request): what periods count.
        occurred_at timestamptz NOT NULL,
        available_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        -- Each order line is credited once and debited once, each payout taken once and returned once.
        CONSTRAINT ledger_entries_line_once UNIQUE (kind, order_id, product_id),
        CONSTRAINT ledger_entries_payout_once UNIQUE (kind, payout_id),
        -- Every movement is traceable: order movements to an order line, payout movements to a payout.
        CONSTRAINT ledger_entries_traceable CHECK (
          CASE WHEN kind IN ('SALE', 'COMMISSION', 'REFUND', 'REFUND_COMMISSION')
            THEN order_id IS NOT NULL AND product_id IS NOT NULL AND payout_id IS NULL
            ELSE payout_id IS NOT NULL AND order_id IS NULL AND product_id IS NULL
          END),
        CONSTRAINT ledger_entries_sign CHECK (
          CASE kind
            WHEN 'SALE' THEN amount >= 0
            WHEN 'COMMISSION' THEN amount <= 0
            WHEN 'REFUND' THEN amount <= 0
            WHEN 'REFUND_COMMISSION' THEN amount >= 0
            WHEN 'PAYOUT' THEN amount < 0
            ELSE amount > 0
          END)
      )`);
    await db.query(
      `CREATE INDEX ledger_entries_vendor_created_at_idx ON ledger_entries (vendor_id, created_at DESC, id DESC)`,
    );
    await db.query(
      `CREATE INDEX ledger_entries_vendor_occurred_at_idx ON ledger_entries (vendor_id, currency, occurred_at)`,
    );
    await db.query(`CREATE INDEX ledger_entries_order_id_idx ON ledger_entries (order_id) WHERE order_id IS NOT NULL`);
    // Append-only: a correction is a new entry, never an edit.
    await db.query(`
      CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger_entries is append-only';
      END $$`);
    await db.query(
      `CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE ledger_entries');
    await db.query('DROP FUNCTION ledger_entries_append_only()');
    await db.query('DROP TABLE payouts');
    await db.query('DROP TABLE ledger_orders');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily rollups of the ledger, so that earnings, stats and the platform's commission read a
 * few hundred rows instead of every entry. Kept current by a statement-level trigger on
 * `ledger_entries` (append-only), in the same transaction as the entries: whatever inserts
 * entries (sales, refunds, payouts, dispute debits, a kind added later) rolls up without code
 * changes. Days are UTC dates of `occurred_at`.
 */
export class LedgerRollups1800700000000 implements MigrationInterface {
  name = 'LedgerRollups1800700000000';

  async up(db: QueryRunner): Promise<void> {
    // One row per vendor, currency, UTC day and kind: the signed sum and the number of entries.
    await db.query(`
      CREATE TABLE ledger_daily (
        vendor_id uuid NOT NULL REFERENCES vendors (id),
        currency text NOT NULL,
        day date NOT NULL,
        kind text NOT NULL,
        amount bigint NOT NULL,
        entries int NOT NULL,
        PRIMARY KEY (vendor_id, currency, day, kind)
      )`);
    // The same across vendors, per currency, UTC day and kind: the platform's commission per day in one row.
    await db.query(`
      CREATE TABLE ledger_daily_platform (
        day date NOT NULL,
        currency text NOT NULL,
        kind text NOT NULL,
        amount bigint NOT NULL,
        entries int NOT NULL,
        PRIMARY KEY (day, currency, kind)
      )`);
    // Sales per vendor, currency, UTC day and product, for the top products; the name of the latest sale.
    await db.query(`
      CREATE TABLE ledger_daily_products (
        vendor_id uuid NOT NULL REFERENCES vendors (id),
        currency text NOT NULL,
        day date NOT NULL,
        product_id uuid NOT NULL,
        gross bigint NOT NULL,
        sales int NOT NULL,
        product_name text NOT NULL,
        named_at timestamptz NOT NULL,
        PRIMARY KEY (vendor_id, currency, day, product_id)
      )`);
    // Lock order, so that writers never deadlock: every statement takes its platform rows first (a
    // transaction's statements share them: one order's credits, one refund, one payout), then the
    // vendors' rows in key order. Credits and refunds touch different kinds, hence different rows.
    await db.query(`
      CREATE FUNCTION ledger_entries_roll_up() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO ledger_daily_platform AS d (day, currency, kind, amount, entries)
        SELECT (occurred_at AT TIME ZONE 'UTC')::date, currency, kind, sum(amount), count(*)
          FROM new_entries GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (day, currency, kind)
          DO UPDATE SET amount = d.amount + excluded.amount, entries = d.entries + excluded.entries;
        INSERT INTO ledger_daily AS d (vendor_id, currency, day, kind, amount, entries)
        SELECT vendor_id, currency, (occurred_at AT TIME ZONE 'UTC')::date, kind, sum(amount), count(*)
          FROM new_entries GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (vendor_id, currency, day, kind)
          DO UPDATE SET amount = d.amount + excluded.amount, entries = d.entries + excluded.entries;
        INSERT INTO ledger_daily_products AS p (vendor_id, currency, day, product_id, gross, sales, product_name, named_at)
        SELECT vendor_id, currency, (occurred_at AT TIME ZONE 'UTC')::date, product_id, sum(amount), count(*),
               (array_agg(product_name ORDER BY occurred_at DESC))[1], max(occurred_at)
          FROM new_entries WHERE kind = 'SALE' AND product_id IS NOT NULL
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (vendor_id, currency, day, product_id)
          DO UPDATE SET gross = p.gross + excluded.gross, sales = p.sales + excluded.sales,
                        product_name = CASE WHEN excluded.named_at >= p.named_at THEN excluded.product_name ELSE p.product_name END,
                        named_at = GREATEST(p.named_at, excluded.named_at);
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER ledger_entries_roll_up AFTER INSERT ON ledger_entries
        REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_roll_up()`);
    // Backfill from the entries already there (the trigger exists now, so nothing is missed or counted twice in this transaction).
    await db.query(`
      INSERT INTO ledger_daily (vendor_id, currency, day, kind, amount, entries)
      SELECT vendor_id, currency, (occurred_at AT TIME ZONE 'UTC')::date, kind, sum(amount), count(*)
        FROM ledger_entries GROUP BY 1, 2, 3, 4`);
    await db.query(`
      INSERT INTO ledger_daily_platform (day, currency, kind, amount, entries)
      SELECT day, currency, kind, sum(amount), sum(entries) FROM ledger_daily GROUP BY 1, 2, 3`);
    await db.query(`
      INSERT INTO ledger_daily_products (vendor_id, currency, day, product_id, gross, sales, product_name, named_at)
      SELECT vendor_id, currency, (occurred_at AT TIME ZONE 'UTC')::date, product_id, sum(amount), count(*),
             (array_agg(product_name ORDER BY occurred_at DESC, created_at DESC))[1], max(occurred_at)
        FROM ledger_entries WHERE kind = 'SALE' AND product_id IS NOT NULL GROUP BY 1, 2, 3, 4`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER ledger_entries_roll_up ON ledger_entries');
    await db.query('DROP FUNCTION ledger_entries_roll_up()');
    await db.query('DROP TABLE ledger_daily_products');
    await db.query('DROP TABLE ledger_daily_platform');
    await db.query('DROP TABLE ledger_daily');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Standard VAT rates of the EU member states (basis points) as of 2026: a starting table the admin maintains. */
const EU_STANDARD_RATES_BPS: Record<string, number> = {
  AT: 2000,
  BE: 2100,
  BG: 2000,
  CY: 1900,
  CZ: 2100,
  DE: 1900,
  DK: 2500,
  EE: 2400,
  ES: 2100,
  FI: 2550,
  FR: 2000,
  GR: 2400,
  HR: 2500,
  HU: 2700,
  IE: 2300,
  IT: 2200,
  LT: 2100,
  LU: 1700,
  LV: 2100,
  MT: 1800,
  NL: 2100,
  PL: 2300,
  PT: 2300,
  RO: 2100,
  SE: 2500,
  SI: 2200,
  SK: 2300,
};

/**
 * Money beyond list prices (issue 23): each line's discount (and the part its vendor funds),
 * tax rate and tax; the order's sums, billing details and what was refunded; the tax rates
 * table; and the product's category in the replica (coupons target categories).
 */
export class OrderMoney1801600000000 implements MigrationInterface {
  name = 'OrderMoney1801600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE products ADD COLUMN category_id uuid`);
    await db.query(`
      ALTER TABLE order_items
        ADD COLUMN discount int NOT NULL DEFAULT 0,
        ADD COLUMN vendor_discount int NOT NULL DEFAULT 0,
        ADD COLUMN tax_rate_bps int NOT NULL DEFAULT 0 CHECK (tax_rate_bps BETWEEN 0 AND 10000),
        ADD COLUMN tax int NOT NULL DEFAULT 0 CHECK (tax >= 0),
        -- What the buyer pays for the line: never typed in, so it always adds up.
        ADD COLUMN total int GENERATED ALWAYS AS (unit_price - discount + tax) STORED,
        -- Set when a refund covered the line (each line is refunded once, in full).
        ADD COLUMN refunded_at timestamptz,
        ADD CONSTRAINT order_items_discount_bounds CHECK (discount BETWEEN 0 AND unit_price AND vendor_discount BETWEEN 0 AND discount)`);
    await db.query(`
      ALTER TABLE orders
        ADD COLUMN discount_amount int NOT NULL DEFAULT 0 CHECK (discount_amount >= 0),
        ADD COLUMN tax_amount int NOT NULL DEFAULT 0 CHECK (tax_amount >= 0),
        ADD COLUMN refunded_amount int NOT NULL DEFAULT 0,
        -- What the tax is called (VAT, GST…) as the rate table said at checkout; null when none was charged.
        ADD COLUMN tax_name text,
        -- Who is billed, as given at checkout (null for orders placed before billing details existed).
        ADD COLUMN billing jsonb,
        ADD CONSTRAINT orders_total_adds_up CHECK (total_amount = subtotal_amount - discount_amount + tax_amount),
        ADD CONSTRAINT orders_refunded_bounds CHECK (refunded_amount BETWEEN 0 AND total_amount)`);
    await db.query(`
      CREATE TABLE tax_rates (
        country text PRIMARY KEY CHECK (country ~ '^[A-Z]{2}$'),
        rate_bps int NOT NULL CHECK (rate_bps BETWEEN 0 AND 10000),
        -- What the tax is called on invoices: VAT, GST, sales tax…
        name text NOT NULL CHECK (name <> ''),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- The admin who set it last; null for the rates this migration starts with.
        updated_by uuid
      )`);
    const countries = Object.keys(EU_STANDARD_RATES_BPS);
    await db.query(
      `INSERT INTO tax_rates (country, rate_bps, name) SELECT country, rate, 'VAT' FROM unnest($1::text[], $2::int[]) AS r (country, rate)`,
      [countries, countries.map((country) => EU_STANDARD_RATES_BPS[country])],
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE tax_rates');
    await db.query(`
      ALTER TABLE orders DROP CONSTRAINT orders_refunded_bounds, DROP CONSTRAINT orders_total_adds_up,
        DROP COLUMN billing, DROP COLUMN tax_name, DROP COLUMN refunded_amount, DROP COLUMN tax_amount, DROP COLUMN discount_amount`);
    await db.query(`
      ALTER TABLE order_items DROP CONSTRAINT order_items_discount_bounds, DROP COLUMN refunded_at, DROP COLUMN total,
        DROP COLUMN tax, DROP COLUMN tax_rate_bps, DROP COLUMN vendor_discount, DROP COLUMN discount`);
    await db.query('ALTER TABLE products DROP COLUMN category_id');
  }
}

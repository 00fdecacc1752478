import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LIST_PRICE } from './1800700000000-order-rollups';

/** An order's first move to PAID or REFUNDED among the new history rows, with its lines (as in OrderRollups). */
const firstMoveLines = (rows: string, lineAmount: string) => `
  SELECT m.day, m.to_status, i.currency, i.product_id, i.vendor_id, ${lineAmount} AS amount
    FROM (SELECT n.order_id, n.to_status, (n.at AT TIME ZONE 'UTC')::date AS day
            FROM ${rows} n
           WHERE n.to_status IN ('PAID', 'REFUNDED')
             AND NOT EXISTS (SELECT 1 FROM order_status_history h
                              WHERE h.order_id = n.order_id AND h.to_status = n.to_status AND h.id < n.id)) m
    JOIN order_items i ON i.order_id = m.order_id`;

export const rollUpSellers = (rows: string, conflict: 'add' | 'none', lineAmount = LIST_PRICE) => {
  const add = (table: string, columns: string[]) =>
    conflict === 'add'
      ? `DO UPDATE SET ${columns.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')}`
      : 'DO NOTHING';
  return [
    `INSERT INTO order_daily_vendors AS v (day, currency, vendor_id, gross, line_count, refunds, refund_count)
     SELECT day, currency, vendor_id,
            COALESCE(sum(amount) FILTER (WHERE to_status = 'PAID'), 0), count(*) FILTER (WHERE to_status = 'PAID'),
            COALESCE(sum(amount) FILTER (WHERE to_status = 'REFUNDED'), 0), count(*) FILTER (WHERE to_status = 'REFUNDED')
       FROM (${firstMoveLines(rows, lineAmount)}) l
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
     ON CONFLICT (day, currency, vendor_id) ${add('v', ['gross', 'line_count', 'refunds', 'refund_count'])}`,
    `INSERT INTO order_monthly_products AS p (month, currency, product_id, vendor_id, gross)
     SELECT date_trunc('month', day)::date, currency, product_id, vendor_id, sum(amount)
       FROM (${firstMoveLines(rows, lineAmount)}) l WHERE to_status = 'PAID'
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
     ON CONFLICT (month, currency, product_id, vendor_id) ${add('p', ['gross'])}`,
  ];
};

/**
 * What makes `platformStats`' top lists and paying customers cheap on a large marketplace:
 * - sales per vendor and UTC day (the top vendors' sums, without a row per product);
 * - gross per product and calendar month, ranked by an index: an upper bound of a product's
 *   net sales in a period inside those months, so that only the best of each month need
 *   exact sums (see platform-stats.tops.ts);
 * - an index to sum one product's days;
 * - `order_daily.customer_count`, the day's distinct paying customers, counted as the
 *   customers rollup gains rows.
 * Kept by a second statement-level trigger on `order_status_history`, like OrderRollups.
 */
export class TopSellerRollups1800900000000 implements MigrationInterface {
  name = 'TopSellerRollups1800900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE order_daily_vendors (
        day date NOT NULL,
        currency text NOT NULL,
        vendor_id uuid NOT NULL,
        gross bigint NOT NULL,
        line_count int NOT NULL,
        refunds bigint NOT NULL,
        refund_count int NOT NULL,
        PRIMARY KEY (day, currency, vendor_id)
      )`);
    await db.query(
      `CREATE INDEX order_daily_vendors_vendor_idx ON order_daily_vendors (vendor_id, currency, day) INCLUDE (gross, refunds, line_count)`,
    );
    await db.query(
      `CREATE INDEX order_daily_products_product_idx ON order_daily_products (product_id, currency, day) INCLUDE (vendor_id, gross, refunds, order_count)`,
    );
    await db.query(`
      CREATE TABLE order_monthly_products (
        month date NOT NULL,
        currency text NOT NULL,
        product_id uuid NOT NULL,
        vendor_id uuid NOT NULL,
        gross bigint NOT NULL,
        PRIMARY KEY (month, currency, product_id, vendor_id)
      )`);
    await db.query(
      `CREATE INDEX order_monthly_products_rank_idx ON order_monthly_products (month, currency, gross DESC)`,
    );
    await db.query(`
      CREATE FUNCTION order_status_history_roll_up_sellers() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${rollUpSellers('new_history', 'add').join(';\n')};
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER order_status_history_roll_up_sellers AFTER INSERT ON order_status_history
        REFERENCING NEW TABLE AS new_history FOR EACH STATEMENT EXECUTE FUNCTION order_status_history_roll_up_sellers()`);
    for (const statement of rollUpSellers('order_status_history', 'none')) await db.query(statement);

    await db.query(`ALTER TABLE order_daily ADD COLUMN customer_count int NOT NULL DEFAULT 0`);
    await db.query(`
      CREATE FUNCTION order_daily_customers_counted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO order_daily AS d (day, currency, gross, order_count, refunds, refund_count, customer_count)
        SELECT day, currency, 0, 0, 0, 0, count(*) FROM new_customers GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (day, currency) DO UPDATE SET customer_count = d.customer_count + excluded.customer_count;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE FUNCTION order_daily_customers_uncounted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE order_daily d SET customer_count = d.customer_count - gone.count
          FROM (SELECT day, currency, count(*) FROM old_customers GROUP BY 1, 2) gone
         WHERE d.day = gone.day AND d.currency = gone.currency;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER order_daily_customers_counted AFTER INSERT ON order_daily_customers
        REFERENCING NEW TABLE AS new_customers FOR EACH STATEMENT EXECUTE FUNCTION order_daily_customers_counted()`);
    await db.query(`
      CREATE TRIGGER order_daily_customers_uncounted AFTER DELETE ON order_daily_customers
        REFERENCING OLD TABLE AS old_customers FOR EACH STATEMENT EXECUTE FUNCTION order_daily_customers_uncounted()`);
    await db.query(`
      UPDATE order_daily d SET customer_count = c.count
        FROM (SELECT day, currency, count(*) FROM order_daily_customers GROUP BY 1, 2) c
       WHERE d.day = c.day AND d.currency = c.currency`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER order_daily_customers_uncounted ON order_daily_customers');
    await db.query('DROP TRIGGER order_daily_customers_counted ON order_daily_customers');
    await db.query('DROP FUNCTION order_daily_customers_uncounted()');
    await db.query('DROP FUNCTION order_daily_customers_counted()');
    await db.query('ALTER TABLE order_daily DROP COLUMN customer_count');
    await db.query('DROP TRIGGER order_status_history_roll_up_sellers ON order_status_history');
    await db.query('DROP FUNCTION order_status_history_roll_up_sellers()');
    await db.query('DROP TABLE order_monthly_products');
    await db.query('DROP INDEX order_daily_products_product_idx');
    await db.query('DROP TABLE order_daily_vendors');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An order's first move to `status` among the new history rows (a status entered again is not counted twice). */
const firstMoves = (rows: string) => `
  SELECT n.order_id, n.to_status, (n.at AT TIME ZONE 'UTC')::date AS day
    FROM ${rows} n
   WHERE n.to_status IN ('PAID', 'REFUNDED')
     AND NOT EXISTS (SELECT 1 FROM order_status_history h
                      WHERE h.order_id = n.order_id AND h.to_status = n.to_status AND h.id < n.id)`;

/**
 * What a line counts for in the product rollup: its list price here; what the buyer paid for it
 * (`i.total`) from LineTotalRollups1801800000001, which replaces the trigger function.
 */
export const LIST_PRICE = 'i.unit_price * i.quantity';

export const rollUp = (rows: string, conflict: 'add' | 'none', lineAmount = LIST_PRICE) => {
  const add = (table: string, columns: string[]) =>
    conflict === 'add'
      ? `DO UPDATE SET ${columns.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')}`
      : 'DO NOTHING';
  return [
    `INSERT INTO order_daily AS d (day, currency, gross, order_count, refunds, refund_count)
     SELECT m.day, o.currency,
            COALESCE(sum(o.total_amount) FILTER (WHERE m.to_status = 'PAID'), 0),
            count(*) FILTER (WHERE m.to_status = 'PAID'),
            COALESCE(sum(o.total_amount) FILTER (WHERE m.to_status = 'REFUNDED'), 0),
            count(*) FILTER (WHERE m.to_status = 'REFUNDED')
       FROM (${firstMoves(rows)}) m JOIN orders o ON o.id = m.order_id
      GROUP BY 1, 2 ORDER BY 1, 2
     ON CONFLICT (day, currency) ${add('d', ['gross', 'order_count', 'refunds', 'refund_count'])}`,
    `INSERT INTO order_daily_customers (currency, day, user_id)
     SELECT DISTINCT o.currency, m.day, o.user_id
       FROM (${firstMoves(rows)}) m JOIN orders o ON o.id = m.order_id
      WHERE m.to_status = 'PAID' ORDER BY 1, 2, 3
     ON CONFLICT DO NOTHING`,
    `INSERT INTO order_daily_products AS p (day, currency, product_id, vendor_id, gross, order_count, refunds, refund_count)
     SELECT m.day, i.currency, i.product_id, i.vendor_id,
            COALESCE(sum(${lineAmount}) FILTER (WHERE m.to_status = 'PAID'), 0),
            count(*) FILTER (WHERE m.to_status = 'PAID'),
            COALESCE(sum(${lineAmount}) FILTER (WHERE m.to_status = 'REFUNDED'), 0),
            count(*) FILTER (WHERE m.to_status = 'REFUNDED')
       FROM (${firstMoves(rows)}) m JOIN order_items i ON i.order_id = m.order_id
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
     ON CONFLICT (day, currency, product_id, vendor_id) ${add('p', ['gross', 'order_count', 'refunds', 'refund_count'])}`,
  ];
};

/**
 * Daily rollups of paid and refunded orders for `platformStats`, kept by a statement-level
 * trigger on `order_status_history` (every status change inserts a row there, in the
 * change's transaction): an order counts on the UTC day it was first PAID (gross, orders,
 * its customer, its lines) and on the day it was first REFUNDED (refunds, whole orders).
 * Paying customers are a distinct count, so they are kept per (currency, day, customer).
 */
export class OrderRollups1800700000000 implements MigrationInterface {
  name = 'OrderRollups1800700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE order_daily (
        day date NOT NULL,
        currency text NOT NULL,
        gross bigint NOT NULL,
        order_count int NOT NULL,
        refunds bigint NOT NULL,
        refund_count int NOT NULL,
        PRIMARY KEY (day, currency)
      )`);
    await db.query(`
      CREATE TABLE order_daily_customers (
        currency text NOT NULL,
        day date NOT NULL,
        user_id uuid NOT NULL,
        PRIMARY KEY (day, currency, user_id)
      )`);
    await db.query(`CREATE INDEX order_daily_customers_user_idx ON order_daily_customers (user_id)`);
    await db.query(`
      CREATE TABLE order_daily_products (
        day date NOT NULL,
        currency text NOT NULL,
        product_id uuid NOT NULL,
        vendor_id uuid NOT NULL,
        gross bigint NOT NULL,
        order_count int NOT NULL,
        refunds bigint NOT NULL,
        refund_count int NOT NULL,
        PRIMARY KEY (day, currency, product_id, vendor_id)
      )`);
    await db.query(`
      CREATE FUNCTION order_status_history_roll_up() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${rollUp('new_history', 'add').join(';\n')};
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER order_status_history_roll_up AFTER INSERT ON order_status_history
        REFERENCING NEW TABLE AS new_history FOR EACH STATEMENT EXECUTE FUNCTION order_status_history_roll_up()`);
    // A customer reference rewritten (pseudonymised on erasure) is rewritten here too: no real id stays behind.
    await db.query(`
      CREATE FUNCTION orders_customer_rewritten() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO order_daily_customers (currency, day, user_id)
        SELECT currency, day, NEW.user_id FROM order_daily_customers WHERE user_id = OLD.user_id
        ON CONFLICT DO NOTHING;
        DELETE FROM order_daily_customers WHERE user_id = OLD.user_id;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER orders_customer_rewritten AFTER UPDATE OF user_id ON orders
        FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id) EXECUTE FUNCTION orders_customer_rewritten()`);
    // Backfill from the history already there.
    for (const statement of rollUp('order_status_history', 'none')) await db.query(statement);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER orders_customer_rewritten ON orders');
    await db.query('DROP FUNCTION orders_customer_rewritten()');
    await db.query('DROP TRIGGER order_status_history_roll_up ON order_status_history');
    await db.query('DROP FUNCTION order_status_history_roll_up()');
    await db.query('DROP TABLE order_daily_products');
    await db.query('DROP TABLE order_daily_customers');
    await db.query('DROP TABLE order_daily');
  }
}

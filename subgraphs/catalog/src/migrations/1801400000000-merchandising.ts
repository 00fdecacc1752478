import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Merchandising and product details (issue 22):
 * - `featured_products`: the admin-curated list, one row per featured product, newest first.
 * - `co_purchase_orders` / `co_purchases`: the paid orders counted once each (a refund marks
 *   its order and subtracts it again) and, per ordered pair of products, how many counted
 *   orders held both. Pairs are stored both ways, so "also bought with X" is one index range.
 * - `product_stats`: download and view counts, apart from the product row, so a counter
 *   update never waits for (or blocks) an edit of the product and never supersedes its cache.
 * - `products.requirements` / `products.compatibility`: the vendor's lists.
 * The counters have no foreign key: events name products by id and a count for an id the
 * catalog does not list is harmless, where a refused insert would dead-letter the event.
 */
export class Merchandising1801400000000 implements MigrationInterface {
  name = 'Merchandising1801400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE featured_products (
        product_id uuid PRIMARY KEY REFERENCES products (id),
        -- Who featured it is in the audit trail (PRODUCT_FEATURED), not here.
        featured_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
      )`);
    await db.query(`CREATE INDEX featured_products_newest ON featured_products (featured_at DESC, product_id DESC)`);
    await db.query(`
      CREATE TABLE co_purchase_orders (
        order_id uuid PRIMARY KEY,
        -- The distinct products the order counted for (at most CO_PURCHASE_MAX_PRODUCTS); empty for a refund that came first.
        product_ids uuid[] NOT NULL,
        refunded boolean NOT NULL DEFAULT false,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE co_purchases (
        product_id uuid NOT NULL,
        other_product_id uuid NOT NULL,
        order_count int NOT NULL CHECK (order_count >= 0),
        PRIMARY KEY (product_id, other_product_id)
      )`);
    await db.query(
      `CREATE INDEX co_purchases_top ON co_purchases (product_id, order_count DESC, other_product_id) WHERE order_count > 0`,
    );
    await db.query(`
      CREATE TABLE product_stats (
        product_id uuid PRIMARY KEY,
        download_count bigint NOT NULL DEFAULT 0 CHECK (download_count >= 0),
        view_count bigint NOT NULL DEFAULT 0 CHECK (view_count >= 0)
      )`);
    await db.query(`
      ALTER TABLE products
        ADD COLUMN requirements text[] NOT NULL DEFAULT '{}',
        ADD COLUMN compatibility text[] NOT NULL DEFAULT '{}'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE products DROP COLUMN requirements, DROP COLUMN compatibility`);
    for (const table of ['product_stats', 'co_purchases', 'co_purchase_orders', 'featured_products'])
      await db.query(`DROP TABLE ${table}`);
  }
}

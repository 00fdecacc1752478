import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verified reviews: the licenses the catalog has heard of (from `license.issued`) decide
 * who may review; one review per customer and product. `products.rating` and
 * `review_count` are recomputed from `reviews` in the transaction that changes them.
 */
export class Reviews1763800000003 implements MigrationInterface {
  name = 'Reviews1763800000003';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE licenses (
        id uuid PRIMARY KEY,
        product_id uuid NOT NULL,
        owner_id uuid NOT NULL,
        order_id uuid NOT NULL,
        issued_at timestamptz NOT NULL,
        -- Set by license.revoked (a later issue); a revoked license no longer lets its owner review.
        revoked_at timestamptz
      )`);
    await db.query(`CREATE INDEX licenses_owner_product_idx ON licenses (owner_id, product_id)`);

    await db.query(`
      CREATE TABLE reviews (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES products (id),
        author_id uuid NOT NULL,
        rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
        body text NOT NULL DEFAULT '',
        -- Millisecond precision, so a JavaScript Date in a page cursor matches the row exactly.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reviews_product_author_key UNIQUE (product_id, author_id)
      )`);
    await db.query(`CREATE INDEX reviews_product_newest_idx ON reviews (product_id, created_at DESC, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE reviews');
    await db.query('DROP TABLE licenses');
  }
}

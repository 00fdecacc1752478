import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 20 (operator console): when a product entered review, for the moderation queue
 * (oldest first), and archived categories.
 *
 * `submitted_at` is set each time the vendor submits; products already IN_REVIEW get their
 * last change as the best known submission time (a submission was their last status change,
 * and edits under review are rare). `archived_at` hides a category from the tree for good;
 * the archived ones stay as rows so that archived products keep their category.
 */
export class ModerationAndCategoryAdmin1800400000000 implements MigrationInterface {
  name = 'ModerationAndCategoryAdmin1800400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE products ADD COLUMN submitted_at timestamptz`);
    await db.query(
      `UPDATE products SET submitted_at = date_trunc('milliseconds', updated_at) WHERE status = 'IN_REVIEW'`,
    );
    // The queue reads products under review oldest first: a small partial index.
    await db.query(`CREATE INDEX products_review_queue_idx ON products (submitted_at, id) WHERE status = 'IN_REVIEW'`);
    await db.query(`ALTER TABLE categories ADD COLUMN archived_at timestamptz`);
    // Products of a category are counted before it is archived (any status but ARCHIVED).
    await db.query(`DROP INDEX products_category_idx`);
    await db.query(`CREATE INDEX products_category_idx ON products (category_id, status)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX products_category_idx`);
    await db.query(`CREATE INDEX products_category_idx ON products (category_id)`);
    await db.query(`ALTER TABLE categories DROP COLUMN archived_at`);
    await db.query(`DROP INDEX products_review_queue_idx`);
    await db.query(`ALTER TABLE products DROP COLUMN submitted_at`);
  }
}

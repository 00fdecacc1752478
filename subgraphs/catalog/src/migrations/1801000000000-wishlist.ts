import { erasedUserTriggerSql } from '@marketplace/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wishlists (issue 22): one row per user and product. The product_id index serves
 * `Product.wishlistCount` and the price-drop fan-out; the (user_id, added_at, product_id)
 * index serves the newest-first page. Only the user's own request writes a row, so one
 * written for an erased user is refused.
 */
export class Wishlist1801000000000 implements MigrationInterface {
  name = 'Wishlist1801000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE wishlist_items (
        user_id uuid NOT NULL,
        product_id uuid NOT NULL REFERENCES products (id),
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, product_id)
      )`);
    await db.query('CREATE INDEX wishlist_items_product_id ON wishlist_items (product_id)');
    await db.query(
      'CREATE INDEX wishlist_items_user_newest ON wishlist_items (user_id, added_at DESC, product_id DESC)',
    );
    await db.query(erasedUserTriggerSql('wishlist_items', 'user_id', 'refuse'));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE wishlist_items');
  }
}

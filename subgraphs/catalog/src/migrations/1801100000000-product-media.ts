import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Product media (issue 22): one row per uploaded image, its files in the media storage
 * under `products/<id>/`. `upload_id` is unique so an upload link is used once; at most one
 * COVER per product; positions are 1..n per product (checked at commit, so a move can
 * shift the others within its transaction). The (product_id, position) index serves
 * `Product.media` for a page of products in one statement.
 */
export class ProductMedia1801100000000 implements MigrationInterface {
  name = 'ProductMedia1801100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE product_media (
        id uuid PRIMARY KEY,
        product_id uuid NOT NULL REFERENCES products (id),
        upload_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('COVER', 'SCREENSHOT', 'VIDEO_POSTER')),
        position int NOT NULL CHECK (position > 0),
        alt text CHECK (alt <> ''),
        format text NOT NULL CHECK (format IN ('png', 'jpeg', 'webp')),
        original_file text NOT NULL,
        width int NOT NULL CHECK (width > 0),
        height int NOT NULL CHECK (height > 0),
        size int NOT NULL CHECK (size > 0),
        variants jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT product_media_upload_id_key UNIQUE (upload_id),
        CONSTRAINT product_media_position_key UNIQUE (product_id, position) DEFERRABLE INITIALLY DEFERRED
      )`);
    await db.query(`CREATE UNIQUE INDEX product_media_one_cover ON product_media (product_id) WHERE kind = 'COVER'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE product_media');
  }
}

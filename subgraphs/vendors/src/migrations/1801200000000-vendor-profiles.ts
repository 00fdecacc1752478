import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (storefront richness), vendor profiles:
 * - a vendor's website and social links. The API checks every address
 *   (vendor-links.validation.ts); the table keeps the shapes and bounds it relies on.
 * - logos and banners. Every upload is a row; the current image of each kind is the one not
 *   removed (at most one, which the partial unique index enforces); replaced and removed ones
 *   stay as rows (their files deleted) so that the upload link's id stays used. The erasure of
 *   the vendor's user deletes them all.
 */
export class VendorProfiles1801200000000 implements MigrationInterface {
  name = 'VendorProfiles1801200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE vendors
        ADD COLUMN website text CHECK (website LIKE 'https://%' AND char_length(website) <= 500),
        ADD COLUMN social_links jsonb NOT NULL DEFAULT '[]'
          CHECK (jsonb_typeof(social_links) = 'array' AND jsonb_array_length(social_links) <= 10)`);
    await db.query(`
      CREATE TABLE vendor_images (
        media_id uuid PRIMARY KEY,
        vendor_id uuid NOT NULL REFERENCES vendors (id),
        kind text NOT NULL CHECK (kind IN ('LOGO', 'BANNER')),
        upload_id uuid NOT NULL CONSTRAINT vendor_images_upload_id_key UNIQUE,
        content_type text NOT NULL,
        original_file text NOT NULL,
        width int NOT NULL CHECK (width > 0),
        height int NOT NULL CHECK (height > 0),
        size int NOT NULL CHECK (size > 0),
        variants jsonb NOT NULL CHECK (jsonb_typeof(variants) = 'array'),
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz
      )`);
    await db.query(
      `CREATE UNIQUE INDEX vendor_images_current_key ON vendor_images (vendor_id, kind) WHERE removed_at IS NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE vendor_images');
    await db.query('ALTER TABLE vendors DROP COLUMN social_links, DROP COLUMN website');
  }
}

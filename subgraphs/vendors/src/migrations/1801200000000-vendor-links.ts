import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (storefront richness): a vendor's website and social links. The API checks every
 * address (vendor-links.validation.ts); the table keeps the shapes and bounds it relies on.
 */
export class VendorLinks1801200000000 implements MigrationInterface {
  name = 'VendorLinks1801200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE vendors
        ADD COLUMN website text CHECK (website LIKE 'https://%' AND char_length(website) <= 500),
        ADD COLUMN social_links jsonb NOT NULL DEFAULT '[]'
          CHECK (jsonb_typeof(social_links) = 'array' AND jsonb_array_length(social_links) <= 10)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE vendors DROP COLUMN social_links, DROP COLUMN website');
  }
}

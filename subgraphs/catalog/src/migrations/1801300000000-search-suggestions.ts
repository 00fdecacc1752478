import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search suggestions (issue 22): a trigram index on the lower-cased names of published
 * products, so that `lower(name) %> prefix` (word similarity: prefixes and small typos of
 * any word of the name) finds its candidates without reading the table. Categories (tens)
 * and vendors (hundreds) are scanned.
 */
export class SearchSuggestions1801300000000 implements MigrationInterface {
  name = 'SearchSuggestions1801300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX products_name_trgm_idx ON products USING gin (lower(name) gin_trgm_ops) WITH (fastupdate = off)
       WHERE status = 'PUBLISHED'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX products_name_trgm_idx');
  }
}

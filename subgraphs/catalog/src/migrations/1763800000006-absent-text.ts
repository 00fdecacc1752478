import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Absent text is NULL, never '' (API contract v1): product and category descriptions and
 * review bodies become nullable, and the empty strings written so far become NULL. The
 * search vector already reads a NULL description as no words.
 */
export class AbsentText1763800000006 implements MigrationInterface {
  name = 'AbsentText1763800000006';

  async up(db: QueryRunner): Promise<void> {
    for (const [table, column] of [
      ['products', 'description'],
      ['categories', 'description'],
      ['reviews', 'body'],
    ]) {
      await db.query(`ALTER TABLE ${table} ALTER COLUMN ${column} DROP NOT NULL, ALTER COLUMN ${column} DROP DEFAULT`);
      await db.query(`UPDATE ${table} SET ${column} = NULL WHERE ${column} = ''`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const [table, column] of [
      ['products', 'description'],
      ['categories', 'description'],
      ['reviews', 'body'],
    ]) {
      await db.query(`UPDATE ${table} SET ${column} = '' WHERE ${column} IS NULL`);
      await db.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET DEFAULT '', ALTER COLUMN ${column} SET NOT NULL`);
    }
  }
}

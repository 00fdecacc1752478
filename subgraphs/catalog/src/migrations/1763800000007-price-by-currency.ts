import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Price sorts group by currency first (amounts of two currencies are never compared): the index follows. */
export class PriceByCurrency1763800000007 implements MigrationInterface {
  name = 'PriceByCurrency1763800000007';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX products_price_idx`);
    await db.query(
      `CREATE INDEX products_price_idx ON products (price_currency, price_amount, id) WHERE status = 'PUBLISHED'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX products_price_idx`);
    await db.query(`CREATE INDEX products_price_idx ON products (price_amount, id) WHERE status = 'PUBLISHED'`);
  }
}

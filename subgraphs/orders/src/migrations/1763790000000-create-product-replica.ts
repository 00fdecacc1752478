import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProductReplica1763790000000 implements MigrationInterface {
  name = 'CreateProductReplica1763790000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE products (
        -- The catalog owns products: this is its replica, kept from product.* events.
        id uuid PRIMARY KEY,
        vendor_id uuid NOT NULL,
        -- Null while the product is known only from a product.archived that overtook its state.
        slug text,
        name text,
        kind text,
        price_amount int CHECK (price_amount >= 0),
        price_currency text CHECK (price_currency ~ '^[A-Z]{3}$'),
        status text NOT NULL,
        -- The catalog's revision of the state held (0: none yet).
        revision int NOT NULL CHECK (revision >= 0),
        -- occurredAt of the last event applied: orders an archive against state events.
        changed_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE products');
  }
}

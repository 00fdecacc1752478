import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCarts1763790000001 implements MigrationInterface {
  name = 'CreateCarts1763790000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE carts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- The users subgraph owns users: no foreign key across schemas, one cart per user.
        user_id uuid NOT NULL CONSTRAINT carts_user_id_key UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE cart_items (
        cart_id uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
        -- Digital goods: a product is in a cart at most once (no quantity).
        product_id uuid NOT NULL REFERENCES products (id),
        added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (cart_id, product_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE cart_items');
    await db.query('DROP TABLE carts');
  }
}

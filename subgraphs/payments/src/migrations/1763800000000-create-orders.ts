import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Payments' own record of orders, from order.created / order.cancelled: the only source of amounts. */
export class CreateOrders1763800000000 implements MigrationInterface {
  name = 'CreateOrders1763800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        -- Null only while order.cancelled has overtaken order.created.
        amount int CHECK (amount >= 0),
        currency text CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CHECK (status IN ('OPEN', 'CANCELLED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (status = 'CANCELLED' OR (amount IS NOT NULL AND currency IS NOT NULL))
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE orders');
  }
}

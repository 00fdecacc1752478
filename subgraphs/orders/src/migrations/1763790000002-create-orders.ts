import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrders1763790000002 implements MigrationInterface {
  name = 'CreateOrders1763790000002';

  async up(db: QueryRunner): Promise<void> {
    // Order numbers are shown to people (receipts, support): short and increasing, unlike ids.
    await db.query(`CREATE SEQUENCE order_number_seq`);
    await db.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number text NOT NULL CONSTRAINT orders_number_key UNIQUE CHECK (number ~ '^MP-[0-9]{6,}$'),
        -- The users subgraph owns users: no foreign key across schemas.
        user_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING_PAYMENT', 'PAID', 'FULFILLED', 'CANCELLED', 'PAYMENT_FAILED', 'REFUNDED')),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        subtotal_amount int NOT NULL CHECK (subtotal_amount >= 0),
        total_amount int NOT NULL CHECK (total_amount >= 0),
        idempotency_key text NOT NULL CHECK (idempotency_key ~ '^[A-Za-z0-9_:-]{8,100}$'),
        -- Milliseconds: page cursors carry the time as JavaScript writes it.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        -- A retried checkout (same key) finds the order of the first attempt.
        CONSTRAINT orders_user_id_idempotency_key_key UNIQUE (user_id, idempotency_key)
      )`);
    // myOrders / User.orders: newest first per user, optionally one status.
    await db.query(`CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC, id DESC)`);
    // The expiry job looks only at unpaid orders.
    await db.query(
      `CREATE INDEX orders_unpaid_created_idx ON orders (created_at) WHERE status IN ('PENDING_PAYMENT', 'PAYMENT_FAILED')`,
    );
    await db.query(`
      CREATE TABLE order_items (
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        product_id uuid NOT NULL,
        vendor_id uuid NOT NULL,
        -- Name and price as they were at checkout: later catalog changes do not rewrite an order.
        name text NOT NULL CHECK (name <> ''),
        unit_price int NOT NULL CHECK (unit_price >= 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        -- Digital goods: one of each per order.
        quantity int NOT NULL DEFAULT 1 CHECK (quantity = 1),
        -- Set from license.issued; every line licensed makes a PAID order FULFILLED.
        license_id uuid,
        position int NOT NULL,
        PRIMARY KEY (order_id, product_id)
      )`);
    await db.query(`
      CREATE TABLE order_status_history (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        -- Null only for the order's creation.
        from_status text CHECK (from_status IN ('PENDING_PAYMENT', 'PAID', 'FULFILLED', 'CANCELLED', 'PAYMENT_FAILED', 'REFUNDED')),
        to_status text NOT NULL CHECK (to_status IN ('PENDING_PAYMENT', 'PAID', 'FULFILLED', 'CANCELLED', 'PAYMENT_FAILED', 'REFUNDED')),
        reason text NOT NULL CHECK (reason <> ''),
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK (from_status IS DISTINCT FROM to_status)
      )`);
    await db.query(`CREATE INDEX order_status_history_order_idx ON order_status_history (order_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE order_status_history');
    await db.query('DROP TABLE order_items');
    await db.query('DROP TABLE orders');
    await db.query('DROP SEQUENCE order_number_seq');
  }
}

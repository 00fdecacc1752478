import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partial refunds (issue 23): payments keeps each order's lines from order.created (what each
 * line charged, tax included), and every refund with the lines it gives back. A line belongs
 * to at most one refund (`refund_lines_line_once`), so two refunds racing for one line cannot
 * both be recorded. Orders whose lines do not add up to their total (and orders placed before
 * this) have no lines here: they are refunded whole only.
 */
export class PartialRefunds1801800000000 implements MigrationInterface {
  name = 'PartialRefunds1801800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE order_lines (
        order_id uuid NOT NULL REFERENCES orders (id),
        product_id uuid NOT NULL,
        amount int NOT NULL CHECK (amount >= 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        PRIMARY KEY (order_id, product_id)
      )`);
    await db.query(`ALTER TABLE payments ADD COLUMN refunded_amount int NOT NULL DEFAULT 0`);
    await db.query(`UPDATE payments SET refunded_amount = amount WHERE status = 'REFUNDED'`);
    await db.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_refunded_amount_check CHECK (refunded_amount BETWEEN 0 AND amount)`,
    );
    await db.query(`
      CREATE TABLE refunds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        payment_id uuid NOT NULL REFERENCES payments (id),
        -- Zero for lines a coupon made free: nothing goes back, but the line is refunded all the same.
        amount int NOT NULL CHECK (amount >= 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
        status text NOT NULL CHECK (status IN ('REQUESTED', 'SUCCEEDED')),
        provider_ref text,
        requested_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        succeeded_at timestamptz CHECK ((status = 'SUCCEEDED') = (succeeded_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX refunds_payment_id_idx ON refunds (payment_id, requested_at)`);
    await db.query(`
      CREATE TABLE refund_lines (
        refund_id uuid NOT NULL REFERENCES refunds (id) ON DELETE CASCADE,
        payment_id uuid NOT NULL REFERENCES payments (id),
        product_id uuid NOT NULL,
        amount int NOT NULL CHECK (amount >= 0),
        PRIMARY KEY (refund_id, product_id),
        CONSTRAINT refund_lines_line_once UNIQUE (payment_id, product_id)
      )`);
    // Payments refunded before: one whole refund each, so Payment.refunds tells the same story.
    await db.query(`
      INSERT INTO refunds (payment_id, amount, currency, reason, status, requested_at, succeeded_at)
      SELECT id, amount, currency, COALESCE(refund_reason, 'Refunded at the payment provider'), 'SUCCEEDED',
             COALESCE(refund_requested_at, refunded_at), refunded_at
        FROM payments WHERE status = 'REFUNDED'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE refund_lines');
    await db.query('DROP TABLE refunds');
    await db.query('ALTER TABLE payments DROP COLUMN refunded_amount');
    await db.query('DROP TABLE order_lines');
  }
}

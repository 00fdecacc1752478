import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partial refunds (issue 23): lines of an order refunded while others stay paid. A line's
 * refund that overtook order.paid keeps that line's license from being issued at all.
 */
export class RefundedOrderLines1801800000000 implements MigrationInterface {
  name = 'RefundedOrderLines1801800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE refunded_order_lines (
        order_id uuid NOT NULL,
        product_id uuid NOT NULL,
        reason text NOT NULL,
        refunded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (order_id, product_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE refunded_order_lines');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tracing (issue 24): the W3C trace context of the request that created the payment
 * (`{"traceparent": …, "tracestate": …}`), so Stripe's webhook, a request of its own,
 * is handled in the checkout's trace. Null when tracing was off (and for older payments).
 */
export class PaymentTraceContext1802400000000 implements MigrationInterface {
  name = 'PaymentTraceContext1802400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE payments ADD COLUMN trace_context jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE payments DROP COLUMN trace_context`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API contract v1: `OrderStatusChange.reason` is the enum `OrderStatusChangeReason`, stored by
 * its value names. The reasons recorded before map one to one, except 'CUSTOMER', which was also
 * recorded when an admin cancelled: those cannot be told apart any more and become
 * CANCELLED_BY_CUSTOMER.
 */
const RENAMES: [before: string, after: string][] = [
  ['checkout', 'CHECKOUT'],
  ['payment.succeeded', 'PAYMENT_SUCCEEDED'],
  ['payment.failed', 'PAYMENT_FAILED'],
  ['payment.refunded', 'PAYMENT_REFUNDED'],
  ['license.issued', 'LICENSES_ISSUED'],
  ['CUSTOMER', 'CANCELLED_BY_CUSTOMER'],
];

const REASONS = [
  'CHECKOUT',
  'PAYMENT_SUCCEEDED',
  'PAYMENT_FAILED',
  'PAYMENT_REFUNDED',
  'LICENSES_ISSUED',
  'CANCELLED_BY_CUSTOMER',
  'CANCELLED_BY_ADMIN',
  'PAYMENT_TIMEOUT',
];

export class OrderStatusChangeReasons1763790000003 implements MigrationInterface {
  name = 'OrderStatusChangeReasons1763790000003';

  async up(db: QueryRunner): Promise<void> {
    for (const [before, after] of RENAMES) {
      await db.query(`UPDATE order_status_history SET reason = $2 WHERE reason = $1`, [before, after]);
    }
    await db.query(
      `ALTER TABLE order_status_history ADD CONSTRAINT order_status_history_reason_known CHECK (reason IN (${REASONS.map((r) => `'${r}'`).join(', ')}))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE order_status_history DROP CONSTRAINT order_status_history_reason_known`);
    for (const [before, after] of RENAMES) {
      await db.query(`UPDATE order_status_history SET reason = $1 WHERE reason = $2`, [before, after]);
    }
    await db.query(`UPDATE order_status_history SET reason = 'CUSTOMER' WHERE reason = 'CANCELLED_BY_ADMIN'`);
  }
}

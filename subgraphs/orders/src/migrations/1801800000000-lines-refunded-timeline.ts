import type { MigrationInterface, QueryRunner } from 'typeorm';

const KINDS = [
  'STATUS_CHANGED',
  'PAYMENT_ATTEMPT_STARTED',
  'WEBHOOK_RECEIVED',
  'REFUND_REQUESTED',
  'LICENSE_ISSUED',
  'LICENSE_REVOKED',
  'DISPUTE_OPENED',
  'DISPUTE_CLOSED',
];

/** Partial refunds (issue 23): the timeline records lines refunded while others stay paid (LINES_REFUNDED). */
export class LinesRefundedTimeline1801800000000 implements MigrationInterface {
  name = 'LinesRefundedTimeline1801800000000';

  async up(db: QueryRunner): Promise<void> {
    await this.allow(db, [...KINDS, 'LINES_REFUNDED']);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM order_timeline WHERE kind = 'LINES_REFUNDED'`);
    await this.allow(db, KINDS);
  }

  private async allow(db: QueryRunner, kinds: string[]): Promise<void> {
    await db.query(`ALTER TABLE order_timeline DROP CONSTRAINT order_timeline_kind_check`);
    await db.query(
      `ALTER TABLE order_timeline ADD CONSTRAINT order_timeline_kind_check CHECK (kind IN (${kinds.map((k) => `'${k}'`).join(', ')}))`,
    );
  }
}

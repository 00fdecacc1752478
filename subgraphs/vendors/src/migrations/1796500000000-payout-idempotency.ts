import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * requestPayout takes an idempotency key: a retry with the same key returns the payout the
 * first request made. Payouts from before have none; each vendor's keys are unique.
 */
export class PayoutIdempotency1796500000000 implements MigrationInterface {
  name = 'PayoutIdempotency1796500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE payouts ADD COLUMN idempotency_key text CHECK (char_length(idempotency_key) BETWEEN 1 AND 200)`,
    );
    await db.query(
      `CREATE UNIQUE INDEX payouts_vendor_idempotency_key_key ON payouts (vendor_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX payouts_vendor_idempotency_key_key');
    await db.query('ALTER TABLE payouts DROP COLUMN idempotency_key');
  }
}

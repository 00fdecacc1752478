import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed Stripe events whose money disagrees with the payment they name (another amount or
 * currency): kept for an operator to look at, never applied. One row per event id.
 */
export class CreateAmountMismatches1763800000002 implements MigrationInterface {
  name = 'CreateAmountMismatches1763800000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE payment_amount_mismatches (
        stripe_event_id text PRIMARY KEY REFERENCES stripe_events (id),
        event_type text NOT NULL,
        payment_id uuid NOT NULL REFERENCES payments (id),
        expected_amount int NOT NULL,
        expected_currency text NOT NULL,
        -- Null when the event did not say.
        received_amount bigint,
        received_currency text,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX payment_amount_mismatches_payment_id_idx ON payment_amount_mismatches (payment_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE payment_amount_mismatches');
  }
}

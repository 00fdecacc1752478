import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Card disputes (Stripe's charge.dispute.* webhooks), one per payment as Stripe allows one
 * per charge; and payments listed newest first for admins (`payments(filter)`), whose keyset
 * cursors carry JavaScript Dates: creation times are kept to the millisecond.
 */
export class PaymentDisputes1800300000000 implements MigrationInterface {
  name = 'PaymentDisputes1800300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE payment_disputes (
        payment_id uuid PRIMARY KEY REFERENCES payments (id),
        stripe_dispute_id text NOT NULL CONSTRAINT payment_disputes_stripe_dispute_id_key UNIQUE,
        status text NOT NULL CHECK (status IN ('WARNING_NEEDS_RESPONSE', 'WARNING_UNDER_REVIEW', 'WARNING_CLOSED',
          'NEEDS_RESPONSE', 'UNDER_REVIEW', 'APPEAL_NEEDS_RESPONSE', 'APPEAL_UNDER_REVIEW', 'PREVENTED', 'WON', 'LOST')),
        reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 100),
        amount int NOT NULL CHECK (amount >= 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        evidence_due_by timestamptz,
        opened_at timestamptz NOT NULL,
        closed_at timestamptz,
        -- Stripe's created time of the newest event applied: an older one arriving late changes nothing.
        last_event_at timestamptz NOT NULL,
        -- Counts the changes, so consumers of payment.dispute_updated keep the newest state.
        revision int NOT NULL DEFAULT 1 CHECK (revision >= 1),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((closed_at IS NOT NULL) = (status IN ('WARNING_CLOSED', 'PREVENTED', 'WON', 'LOST')))
      )`);
    // Before this table, payment.disputed only set the flag: those disputes have no Stripe details to backfill.
    await db.query(`UPDATE payments SET created_at = date_trunc('milliseconds', created_at)`);
    await db.query(`ALTER TABLE payments ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now())`);
    await db.query(`CREATE INDEX payments_created_at_idx ON payments (created_at DESC, id DESC)`);
    await db.query(
      `CREATE INDEX payments_disputed_created_at_idx ON payments (created_at DESC, id DESC) WHERE disputed`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX payments_disputed_created_at_idx');
    await db.query('DROP INDEX payments_created_at_idx');
    await db.query('ALTER TABLE payments ALTER COLUMN created_at SET DEFAULT now()');
    await db.query('DROP TABLE payment_disputes');
  }
}

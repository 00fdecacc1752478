import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePayments1763800000001 implements MigrationInterface {
  name = 'CreatePayments1763800000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- One payment per order: concurrent createPaymentIntent calls meet here.
        order_id uuid NOT NULL CONSTRAINT payments_order_id_key UNIQUE REFERENCES orders (id),
        status text NOT NULL DEFAULT 'REQUIRES_PAYMENT'
          CHECK (status IN ('REQUIRES_PAYMENT', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'REFUNDED')),
        amount int NOT NULL CHECK (amount >= 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        provider text NOT NULL CHECK (provider IN ('STRIPE', 'LOCAL')),
        provider_ref text CONSTRAINT payments_provider_ref_key UNIQUE,
        client_secret text,
        failure_reason text,
        disputed boolean NOT NULL DEFAULT false,
        refund_reason text CHECK (char_length(refund_reason) BETWEEN 1 AND 500),
        refund_requested_at timestamptz,
        refunded_at timestamptz CHECK ((status = 'REFUNDED') = (refunded_at IS NOT NULL)),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((provider_ref IS NULL) = (client_secret IS NULL))
      )`);
    // Each Stripe event id is applied once, whatever Stripe's retries and our replicas do.
    await db.query(`
      CREATE TABLE stripe_events (
        id text PRIMARY KEY,
        type text NOT NULL,
        payment_id uuid REFERENCES payments (id),
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE stripe_events');
    await db.query('DROP TABLE payments');
  }
}

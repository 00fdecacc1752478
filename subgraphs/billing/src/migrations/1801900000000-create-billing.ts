import { erasedUserTriggerSql, erasedUsersGuardSql } from '@marketplace/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing (issue 23): invoices of paid orders and credit notes of their refunds, each a
 * snapshot of what was billed (the PDF is rendered from it), numbered without gaps per series
 * and calendar year by `document_counters`; `credited_lines` lets each invoice line be
 * credited once; `vendors` maps vendors to their users (who may read invoices with their
 * lines). Invoices outlive the buyer's erasure (legal retention): the guard gives an invoice
 * issued after the erasure a fresh pseudonym.
 */
export class CreateBilling1801900000000 implements MigrationInterface {
  name = 'CreateBilling1801900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE document_counters (
        series text NOT NULL,
        year int NOT NULL,
        last int NOT NULL,
        PRIMARY KEY (series, year)
      )`);
    await db.query(`
      CREATE TABLE invoices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number text NOT NULL UNIQUE,
        order_id uuid NOT NULL UNIQUE,
        order_number text NOT NULL,
        buyer_user_id uuid NOT NULL,
        vendor_ids uuid[] NOT NULL,
        currency text NOT NULL,
        total bigint NOT NULL CHECK (total >= 0),
        snapshot jsonb NOT NULL,
        issued_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX invoices_buyer_idx ON invoices (buyer_user_id)`);
    await db.query(`
      CREATE TABLE credit_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number text NOT NULL UNIQUE,
        invoice_id uuid NOT NULL REFERENCES invoices (id),
        -- The refund it documents: payment.partially_refunded's refundId, payment.refunded's payment id.
        refund_key text NOT NULL UNIQUE,
        amount bigint NOT NULL CHECK (amount >= 0),
        snapshot jsonb NOT NULL,
        issued_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id, issued_at)`);
    await db.query(`
      CREATE TABLE credited_lines (
        invoice_id uuid NOT NULL REFERENCES invoices (id),
        product_id uuid NOT NULL,
        credit_note_id uuid NOT NULL REFERENCES credit_notes (id),
        PRIMARY KEY (invoice_id, product_id)
      )`);
    await db.query(`
      CREATE TABLE vendors (
        vendor_id uuid PRIMARY KEY,
        user_id uuid NOT NULL
      )`);
    await db.query(`CREATE INDEX vendors_user_idx ON vendors (user_id)`);
    for (const statement of erasedUsersGuardSql()) await db.query(statement);
    await db.query(erasedUserTriggerSql('invoices', 'buyer_user_id', 'pseudonymise'));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER invoices_erased_user_guard ON invoices');
    await db.query('DROP FUNCTION erased_user_guard()');
    await db.query('DROP TABLE erased_users');
    for (const table of ['vendors', 'credited_lines', 'credit_notes', 'invoices', 'document_counters'])
      await db.query(`DROP TABLE ${table}`);
  }
}

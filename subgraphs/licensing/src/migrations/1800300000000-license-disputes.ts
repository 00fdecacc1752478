import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Card disputes: a license is SUSPENDED while its order's payment is disputed, ACTIVE again
 * if the dispute is won, REVOKED if it is lost. `disputed_orders` holds each order's dispute
 * as licensing heard of it, so licenses issued during a dispute start suspended and a late
 * payment.disputed cannot suspend after the close.
 */
export class LicenseDisputes1800300000000 implements MigrationInterface {
  name = 'LicenseDisputes1800300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE licenses DROP CONSTRAINT licenses_status_check`);
    await db.query(
      `ALTER TABLE licenses ADD CONSTRAINT licenses_status_check CHECK (status IN ('ACTIVE', 'SUSPENDED', 'REVOKED'))`,
    );
    await db.query(`
      CREATE TABLE disputed_orders (
        order_id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('OPEN', 'WON', 'LOST')),
        opened_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz CHECK ((status = 'OPEN') = (closed_at IS NULL))
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE disputed_orders');
    await db.query(`UPDATE licenses SET status = 'ACTIVE' WHERE status = 'SUSPENDED'`);
    await db.query(`ALTER TABLE licenses DROP CONSTRAINT licenses_status_check`);
    await db.query(`ALTER TABLE licenses ADD CONSTRAINT licenses_status_check CHECK (status IN ('ACTIVE', 'REVOKED'))`);
  }
}

import { erasedUserTriggerSql, erasedUsersGuardSql } from '@marketplace/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * In-app notifications (issue 21): the notifications themselves, each user's preferences per
 * category and channel, and the small replicas the handlers need to find recipients, all fed
 * by events: users (role, email, name; admins are every `ADMIN` here), vendors (whose user
 * a vendor's sale or dispute goes to) and orders (whose customer a payment event concerns).
 */
export class CreateNotifications1801000000000 implements MigrationInterface {
  name = 'CreateNotifications1801000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        recipient_id uuid NOT NULL,
        category text NOT NULL,
        kind text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        link text,
        data jsonb NOT NULL DEFAULT '{}',
        source_event_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        read_at timestamptz,
        -- At most one notification of a kind per event and recipient, whatever redelivers or races.
        CONSTRAINT notifications_once_key UNIQUE (source_event_id, recipient_id, kind)
      )`);
    await db.query(`CREATE INDEX notifications_newest_idx ON notifications (recipient_id, created_at, id)`);
    await db.query(
      `CREATE INDEX notifications_unread_idx ON notifications (recipient_id, created_at, id) WHERE read_at IS NULL`,
    );
    await db.query(`
      CREATE TABLE notification_preferences (
        user_id uuid NOT NULL,
        category text NOT NULL,
        in_app boolean NOT NULL,
        email boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, category)
      )`);
    await db.query(`
      CREATE TABLE recipients (
        user_id uuid PRIMARY KEY,
        role text NOT NULL,
        email text NOT NULL,
        display_name text NOT NULL,
        suspended boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX recipients_admins_idx ON recipients (user_id) WHERE role = 'ADMIN' AND NOT suspended`);
    await db.query(`
      CREATE TABLE vendor_accounts (
        vendor_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        display_name text NOT NULL
      )`);
    await db.query(`
      CREATE TABLE order_recipients (
        order_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        number text NOT NULL,
        vendor_ids uuid[] NOT NULL
      )`);
    for (const statement of erasedUsersGuardSql()) await db.query(statement);
    // Late saga events (an order.created heard after the customer's erasure) get a fresh pseudonym,
    // never the erased id; notifications and the users replica check erased_users themselves.
    await db.query(erasedUserTriggerSql('order_recipients', 'user_id', 'pseudonymise'));
    await db.query(erasedUserTriggerSql('vendor_accounts', 'user_id', 'pseudonymise'));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER vendor_accounts_erased_user_guard ON vendor_accounts');
    await db.query('DROP TRIGGER order_recipients_erased_user_guard ON order_recipients');
    await db.query('DROP FUNCTION erased_user_guard()');
    await db.query('DROP TABLE erased_users');
    await db.query('DROP TABLE order_recipients');
    await db.query('DROP TABLE vendor_accounts');
    await db.query('DROP TABLE recipients');
    await db.query('DROP TABLE notification_preferences');
    await db.query('DROP TABLE notifications');
  }
}

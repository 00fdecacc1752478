import { mailOutboxTableSql } from '@marketplace/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The email channel (issue 21): the kit's mail outbox, and what the mails need that the
 * in-app notifications did not: each order's lines (a revoked license's product name).
 */
export class MailOutbox1801100000000 implements MigrationInterface {
  name = 'MailOutbox1801100000000';

  async up(db: QueryRunner): Promise<void> {
    for (const statement of mailOutboxTableSql()) await db.query(statement);
    await db.query(`ALTER TABLE order_recipients ADD COLUMN items jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE order_recipients DROP COLUMN items`);
    await db.query(`DROP TABLE mail_outbox`);
  }
}

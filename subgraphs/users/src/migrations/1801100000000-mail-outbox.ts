import { mailOutboxTableSql } from '@marketplace/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account emails through the kit's mail outbox (issue 21): queued in the transaction that
 * made their token, so a link never reaches anyone before its token committed, and an SMTP
 * outage delays them instead of losing them.
 */
export class MailOutbox1801100000000 implements MigrationInterface {
  name = 'MailOutbox1801100000000';

  async up(db: QueryRunner): Promise<void> {
    for (const statement of mailOutboxTableSql()) await db.query(statement);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE mail_outbox`);
  }
}

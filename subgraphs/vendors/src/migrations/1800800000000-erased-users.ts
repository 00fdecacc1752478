import { erasedUserTriggerSql, erasedUsersGuardSql } from '@marketplace/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privacy (issue 20): the users this subgraph erased (`user.erased`), and the guard that keeps
 * a row written for one of them after the erasure from bringing the old user id back:
 * refused where only the user's own request writes it, given a fresh pseudonym where a
 * late event of the saga writes it (see kit/src/events/personal-data-handlers.ts).
 */
export class ErasedUsers1800800000000 implements MigrationInterface {
  name = 'ErasedUsers1800800000000';

  async up(db: QueryRunner): Promise<void> {
    for (const statement of erasedUsersGuardSql()) await db.query(statement);
    await db.query(erasedUserTriggerSql('vendors', 'user_id', 'refuse'));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER vendors_erased_user_guard ON vendors');
    await db.query('DROP FUNCTION erased_user_guard()');
    await db.query('DROP TABLE erased_users');
  }
}

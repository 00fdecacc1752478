import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Suspended user accounts (issue 20), from the users subgraph's user.suspended and
 * user.reinstated events, and `storefront_vendors`: the vendor replica as the storefront
 * sees it, SUSPENDED while its owner's account is, without touching the vendor's own status
 * (reinstating the user leaves a vendor an admin suspended as a vendor suspended).
 *
 * `ends_at` is when the account suspension stops hiding the vendor: 'infinity' until
 * reinstated, the suspension's `until` if it has one (so it ends by itself, no timer job),
 * '-infinity' once reinstated. No rows exist before this issue: nothing to backfill.
 */
export class AccountSuspensions1800100000001 implements MigrationInterface {
  name = 'AccountSuspensions1800100000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE account_suspensions (
        user_id uuid PRIMARY KEY,
        ends_at timestamptz NOT NULL,
        -- occurredAt of the event that set ends_at: an older event arriving late changes nothing.
        changed_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE VIEW storefront_vendors AS
        SELECT v.id, v.user_id, v.display_name, v.slug,
               CASE WHEN v.status = 'ACTIVE' AND s.user_id IS NOT NULL THEN 'SUSPENDED' ELSE v.status END AS status,
               v.status_changed_at, v.profile_changed_at, v.updated_at
          FROM vendors v
          LEFT JOIN account_suspensions s ON s.user_id = v.user_id AND s.ends_at > now()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP VIEW storefront_vendors');
    await db.query('DROP TABLE account_suspensions');
  }
}

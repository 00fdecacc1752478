import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The vendor replica keeps the public profile (`vendor.updated`) apart from the status:
 * each has its own "as of" time, so an older event arriving late changes neither. A vendor
 * known only from a profile change (not approved yet) is PENDING and may not sell.
 */
export class VendorProfile1763800000002 implements MigrationInterface {
  name = 'VendorProfile1763800000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE vendors ADD COLUMN slug text, ADD COLUMN profile_changed_at timestamptz NOT NULL DEFAULT '-infinity'`,
    );
    await db.query(`UPDATE vendors SET profile_changed_at = status_changed_at WHERE display_name IS NOT NULL`);
    await db.query(`ALTER TABLE vendors DROP CONSTRAINT vendors_status_check`);
    await db.query(
      `ALTER TABLE vendors ADD CONSTRAINT vendors_status_check CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED'))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM vendors WHERE status = 'PENDING'`);
    await db.query(`ALTER TABLE vendors DROP CONSTRAINT vendors_status_check`);
    await db.query(`ALTER TABLE vendors ADD CONSTRAINT vendors_status_check CHECK (status IN ('ACTIVE', 'SUSPENDED'))`);
    await db.query(`ALTER TABLE vendors DROP COLUMN profile_changed_at, DROP COLUMN slug`);
  }
}

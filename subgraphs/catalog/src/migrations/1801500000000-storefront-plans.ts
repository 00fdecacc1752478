import type { MigrationInterface, QueryRunner } from 'typeorm';

const VENDOR_COLUMNS = 'v.id, v.user_id, v.display_name, v.slug';
const CHANGE_COLUMNS = 'v.status_changed_at, v.profile_changed_at, v.updated_at';
const SUSPENDED_NOW = 'EXISTS (SELECT 1 FROM account_suspensions s WHERE s.user_id = v.user_id AND s.ends_at > now())';

/**
 * Two plans the 50,000-product benchmark showed wrong with every cache off.
 *
 * `storefront_vendors` said a vendor's status with a CASE over a left join of suspensions,
 * which the planner cannot estimate: it took `status = 'ACTIVE'` to keep 2 of 500 vendors
 * and drove every join from the vendors (customers-also-bought: one index probe per vendor,
 * 48,000 rows for 20 answers, 400 ms at 50,000 products). The same view as two branches:
 * a constant status for the suspended ones, the stored status for the rest. A filter on the
 * status reaches each branch (the constant one drops out), where the statistics of
 * `vendors.status` answer it (5 ms for the same query). Same columns, same rows.
 *
 * The storefront's `totalCount` without a search counted the published products by reading
 * the whole table (4,500 pages, 100 ms cold): a partial index of their vendors answers it by
 * an index-only scan (15 ms), its vendor column serving the "not of an inactive vendor" filter.
 */
export class StorefrontPlans1801500000000 implements MigrationInterface {
  name = 'StorefrontPlans1801500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE VIEW storefront_vendors AS
        SELECT ${VENDOR_COLUMNS}, 'SUSPENDED'::text AS status, ${CHANGE_COLUMNS}
          FROM vendors v WHERE v.status = 'ACTIVE' AND ${SUSPENDED_NOW}
        UNION ALL
        SELECT ${VENDOR_COLUMNS}, v.status, ${CHANGE_COLUMNS}
          FROM vendors v WHERE v.status <> 'ACTIVE' OR NOT ${SUSPENDED_NOW}`);
    await db.query(`CREATE INDEX products_storefront_vendor_idx ON products (vendor_id) WHERE status = 'PUBLISHED'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX products_storefront_vendor_idx');
    await db.query(`
      CREATE OR REPLACE VIEW storefront_vendors AS
        SELECT ${VENDOR_COLUMNS},
               CASE WHEN v.status = 'ACTIVE' AND s.user_id IS NOT NULL THEN 'SUSPENDED' ELSE v.status END AS status,
               ${CHANGE_COLUMNS}
          FROM vendors v
          LEFT JOIN account_suspensions s ON s.user_id = v.user_id AND s.ends_at > now()`);
  }
}

import { PayloadOf, Events, defineLoader, isUuid, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';

/** The licenses the catalog knows of (from licensing's events): proof of purchase for reviews. */
export class LicenseService {
  constructor(private readonly db: DataSource) {}

  /** Whether the signed-in viewer holds an unrevoked license of each product: one statement per request tick. */
  readonly heldByViewer = defineLoader<string, boolean>(async (productIds, context) => {
    if (context.viewer === null) return productIds.map(() => false);
    const rows = await queryRows<{ productId: string }>(
      this.db,
      `SELECT DISTINCT product_id AS "productId" FROM licenses
       WHERE owner_id = $1 AND product_id = ANY($2::uuid[]) AND revoked_at IS NULL`,
      [context.viewer.id, [...new Set(productIds.filter(isUuid))]],
    );
    const held = new Set(rows.map((row) => row.productId));
    return productIds.map((id) => held.has(id));
  });

  /** Records an issued license; a redelivered or repeated event changes nothing. */
  async issued(manager: EntityManager, license: PayloadOf<typeof Events.LicenseIssued>, at: string): Promise<boolean> {
    const inserted = await queryRows(
      manager,
      `INSERT INTO licenses (id, product_id, owner_id, order_id, issued_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [license.licenseId, license.productId, license.ownerId, license.orderId, at],
    );
    return inserted.length > 0;
  }

  /**
   * Marks a license revoked (a refund): it no longer entitles its owner to review. A
   * revocation that overtakes the issue is kept as a revoked row, so the late issue adds nothing.
   */
  async revoked(
    manager: EntityManager,
    license: PayloadOf<typeof Events.LicenseRevoked>,
    at: string,
  ): Promise<boolean> {
    const changed = await queryRows(
      manager,
      `INSERT INTO licenses AS l (id, product_id, owner_id, order_id, issued_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (id) DO UPDATE SET revoked_at = EXCLUDED.revoked_at WHERE l.revoked_at IS NULL RETURNING id`,
      [license.licenseId, license.productId, license.ownerId, license.orderId, at],
    );
    return changed.length > 0;
  }

  /** Whether the user holds a license of the product that is not revoked. */
  async holds(manager: EntityManager, ownerId: string, productId: string): Promise<boolean> {
    const [row] = await queryRows(
      manager,
      `SELECT 1 FROM licenses WHERE owner_id = $1 AND product_id = $2 AND revoked_at IS NULL LIMIT 1`,
      [ownerId, productId],
    );
    return row !== undefined;
  }
}

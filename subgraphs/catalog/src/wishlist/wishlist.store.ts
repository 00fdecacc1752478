import { lockNameForTransaction, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';

/** Most products one user's wishlist holds; adding beyond is CONFLICT (WISHLIST_FULL). */
export const WISHLIST_MAX_ITEMS = 500;

/** The users whose wishlist holds the product, in a stable order (the price-drop fan-out). */
export async function wishlisterIds(manager: EntityManager, productId: string): Promise<string[]> {
  const rows = await queryRows<{ userId: string }>(
    manager,
    `SELECT user_id AS "userId" FROM wishlist_items WHERE product_id = $1 ORDER BY user_id`,
    [productId],
  );
  return rows.map((row) => row.userId);
}

/** The SQL of wishlist rows. */
export class WishlistStore {
  constructor(private readonly db: DataSource) {}

  /**
   * Serialises one user's wishlist changes until the transaction ends: the count checked
   * against the cap stays true until the insert commits. A transaction-scoped advisory lock,
   * as the user has no row of their own here to lock.
   */
  async lockUser(manager: EntityManager, userId: string): Promise<void> {
    await lockNameForTransaction(manager, `wishlist:${userId}`);
  }

  async holds(manager: EntityManager, userId: string, productId: string): Promise<boolean> {
    const rows = await queryRows(manager, `SELECT 1 FROM wishlist_items WHERE user_id = $1 AND product_id = $2`, [
      userId,
      productId,
    ]);
    return rows.length > 0;
  }

  async count(manager: EntityManager, userId: string): Promise<number> {
    const [{ count }] = await queryRows<{ count: number }>(
      manager,
      `SELECT count(*)::int AS count FROM wishlist_items WHERE user_id = $1`,
      [userId],
    );
    return count;
  }

  /** Adds the row unless it is there (a retry, or a concurrent add of the same product). */
  async insert(manager: EntityManager, userId: string, productId: string): Promise<void> {
    await manager.query(
      `INSERT INTO wishlist_items (user_id, product_id) VALUES ($1, $2) ON CONFLICT (user_id, product_id) DO NOTHING`,
      [userId, productId],
    );
  }

  /** Whether a row was there to remove. */
  async delete(manager: EntityManager, userId: string, productId: string): Promise<boolean> {
    const [, removed] = await manager.query<[unknown[], number]>(
      `DELETE FROM wishlist_items WHERE user_id = $1 AND product_id = $2`,
      [userId, productId],
    );
    return removed > 0;
  }

  /** Which of `productIds` the user's wishlist holds. */
  async heldOf(userId: string, productIds: string[]): Promise<Set<string>> {
    const rows = await queryRows<{ productId: string }>(
      this.db,
      `SELECT product_id AS "productId" FROM wishlist_items WHERE user_id = $1 AND product_id = ANY($2::uuid[])`,
      [userId, productIds],
    );
    return new Set(rows.map((row) => row.productId));
  }

  /** How many wishlists hold each of `productIds` (absent: none). */
  async countsOf(productIds: string[]): Promise<Map<string, number>> {
    const rows = await queryRows<{ productId: string; count: number }>(
      this.db,
      `SELECT product_id AS "productId", count(*)::int AS count FROM wishlist_items
        WHERE product_id = ANY($1::uuid[]) GROUP BY product_id`,
      [productIds],
    );
    return new Map(rows.map((row) => [row.productId, row.count]));
  }
}

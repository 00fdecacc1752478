import { DATA_EXPORT_MAX_ROWS, dataExportPartHandler, queryRows, userErasedHandler } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';

const LIMIT = DATA_EXPORT_MAX_ROWS + 1;

/**
 * The user's reviews in a data export, and their erasure: a review keeps its rating (the
 * product's average stays true) under the pseudonym ("Deleted user"), and loses its text,
 * which may say who wrote it. The license replica follows the pseudonym; an erased vendor's
 * replica loses its name and slug and leaves the storefront with its products. The wishlist
 * is exported, and deleted on erasure.
 */
export const catalogPrivacyHandlers = (storefrontChanged: (manager: EntityManager) => void) => [
  dataExportPartHandler('catalog', async (manager, userId) => ({
    reviews: await queryRows(
      manager,
      `SELECT id, product_id AS "productId", rating, body, created_at AS "createdAt", updated_at AS "updatedAt"
         FROM reviews WHERE author_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, LIMIT],
    ),
    wishlist: await queryRows(
      manager,
      `SELECT product_id AS "productId", added_at AS "addedAt"
         FROM wishlist_items WHERE user_id = $1 ORDER BY added_at DESC, product_id DESC LIMIT $2`,
      [userId, LIMIT],
    ),
  })),
  userErasedHandler('catalog', async (manager, { userId, pseudonym }) => {
    const [, reviews] = await manager.query<[unknown[], number]>(
      `UPDATE reviews SET author_id = $2, body = NULL, updated_at = now() WHERE author_id = $1`,
      [userId, pseudonym],
    );
    const [, licenses] = await manager.query<[unknown[], number]>(
      `UPDATE licenses SET owner_id = $2 WHERE owner_id = $1`,
      [userId, pseudonym],
    );
    const [, vendors] = await manager.query<[unknown[], number]>(
      `UPDATE vendors SET user_id = $2, display_name = 'Deleted vendor', slug = 'deleted-' || substr(md5(random()::text), 1, 12),
              status = 'SUSPENDED', status_changed_at = greatest(status_changed_at, now()), updated_at = now()
        WHERE user_id = $1`,
      [userId, pseudonym],
    );
    // A wishlist is the user's alone and shown to no one else: deleted, not kept under the pseudonym.
    const [, wishlistItems] = await manager.query<[unknown[], number]>(
      `DELETE FROM wishlist_items WHERE user_id = $1`,
      [userId],
    );
    // Cached storefront answers showed the review's text and the vendor's name.
    if (reviews + vendors > 0) storefrontChanged(manager);
    return { reviews, licenses, vendors, wishlistItems };
  }),
];

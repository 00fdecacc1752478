import { DATA_EXPORT_MAX_ROWS, dataExportPartHandler, queryRows, userErasedHandler } from '@marketplace/kit';

const LIMIT = DATA_EXPORT_MAX_ROWS + 1;

/**
 * The user's orders in a data export, and their erasure: orders keep their number, lines,
 * amounts, dates and history (accounting) under the pseudonym; the cart goes.
 */
export const orderPrivacyHandlers = () => [
  dataExportPartHandler('orders', async (manager, userId) => ({
    orders: await queryRows(
      manager,
      `SELECT id, number, status, currency, subtotal_amount AS "subtotalAmount", total_amount AS "totalAmount",
              created_at AS "createdAt", updated_at AS "updatedAt"
         FROM orders WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, LIMIT],
    ),
    orderLines: await queryRows(
      manager,
      `SELECT i.order_id AS "orderId", i.product_id AS "productId", i.vendor_id AS "vendorId", i.name,
              i.unit_price AS "unitPrice", i.currency, i.license_id AS "licenseId"
         FROM order_items i JOIN orders o ON o.id = i.order_id
        WHERE o.user_id = $1 ORDER BY o.created_at DESC, i.position LIMIT $2`,
      [userId, LIMIT],
    ),
    orderStatusHistory: await queryRows(
      manager,
      `SELECT h.order_id AS "orderId", h.from_status AS "fromStatus", h.to_status AS "toStatus", h.reason, h.at
         FROM order_status_history h JOIN orders o ON o.id = h.order_id
        WHERE o.user_id = $1 ORDER BY h.id DESC LIMIT $2`,
      [userId, LIMIT],
    ),
    cart: await queryRows(
      manager,
      `SELECT i.product_id AS "productId", i.added_at AS "addedAt"
         FROM cart_items i JOIN carts c ON c.id = i.cart_id WHERE c.user_id = $1 LIMIT $2`,
      [userId, LIMIT],
    ),
  })),
  userErasedHandler('orders', async (manager, { userId, pseudonym }) => {
    const [, orders] = await manager.query<[unknown[], number]>(`UPDATE orders SET user_id = $2 WHERE user_id = $1`, [
      userId,
      pseudonym,
    ]);
    const [, carts] = await manager.query<[unknown[], number]>(`DELETE FROM carts WHERE user_id = $1`, [userId]);
    // The admin search's email replica, and the user as the actor of timeline entries.
    const [, customers] = await manager.query<[unknown[], number]>(`DELETE FROM customers WHERE user_id = $1`, [
      userId,
    ]);
    const [, timelineEntries] = await manager.query<[unknown[], number]>(
      `UPDATE order_timeline SET actor_user_id = $2 WHERE actor_user_id = $1`,
      [userId, pseudonym],
    );
    return { orders, carts, customers, timelineEntries };
  }),
];

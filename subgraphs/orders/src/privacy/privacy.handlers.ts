import { DATA_EXPORT_MAX_ROWS, dataExportPartHandler, queryRows, userErasedHandler } from '@marketplace/kit';

const LIMIT = DATA_EXPORT_MAX_ROWS + 1;

/** The billing name an erased customer's orders show. */
export const ERASED_BILLING_NAME = 'Erased customer';

/**
 * The user's orders in a data export, and their erasure: orders keep their number, lines,
 * amounts, dates, history and the billing country with its tax treatment (accounting) under
 * the pseudonym, as do their coupon redemptions and the coupons the user created; the billing
 * name, business, VAT id and address go (the billing subgraph keeps the issued invoices, which
 * the law requires); the cart goes.
 */
export const orderPrivacyHandlers = () => [
  dataExportPartHandler('orders', async (manager, userId) => ({
    orders: await queryRows(
      manager,
      `SELECT id, number, status, currency, subtotal_amount AS "subtotalAmount", discount_amount AS "discountAmount",
              tax_amount AS "taxAmount", total_amount AS "totalAmount", refunded_amount AS "refundedAmount", billing,
              created_at AS "createdAt", updated_at AS "updatedAt"
         FROM orders WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, LIMIT],
    ),
    orderLines: await queryRows(
      manager,
      `SELECT i.order_id AS "orderId", i.product_id AS "productId", i.vendor_id AS "vendorId", i.name,
              i.unit_price AS "unitPrice", i.discount, i.tax_rate_bps AS "taxRateBps", i.tax, i.total, i.currency,
              i.refunded_at AS "refundedAt", i.license_id AS "licenseId"
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
    couponRedemptions: await queryRows(
      manager,
      `SELECT r.order_id AS "orderId", c.code, r.redeemed_at AS "redeemedAt", r.released_at AS "releasedAt"
         FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id
        WHERE r.user_id = $1 ORDER BY r.redeemed_at DESC LIMIT $2`,
      [userId, LIMIT],
    ),
  })),
  userErasedHandler('orders', async (manager, { userId, pseudonym }) => {
    const [, orders] = await manager.query<[unknown[], number]>(
      `UPDATE orders SET user_id = $2,
              billing = CASE WHEN billing IS NULL THEN NULL
                ELSE jsonb_build_object('name', $3::text, 'country', billing->'country', 'reverseCharge', billing->'reverseCharge') END
        WHERE user_id = $1`,
      [userId, pseudonym, ERASED_BILLING_NAME],
    );
    const [, carts] = await manager.query<[unknown[], number]>(`DELETE FROM carts WHERE user_id = $1`, [userId]);
    // The admin search's email replica, and the user as the actor of timeline entries.
    const [, customers] = await manager.query<[unknown[], number]>(`DELETE FROM customers WHERE user_id = $1`, [
      userId,
    ]);
    const [, timelineEntries] = await manager.query<[unknown[], number]>(
      `UPDATE order_timeline SET actor_user_id = $2 WHERE actor_user_id = $1`,
      [userId, pseudonym],
    );
    // Redemptions count against per-customer limits under the pseudonym, as the orders they belong to.
    const [, couponRedemptions] = await manager.query<[unknown[], number]>(
      `UPDATE coupon_redemptions SET user_id = $2 WHERE user_id = $1`,
      [userId, pseudonym],
    );
    const [, couponsCreated] = await manager.query<[unknown[], number]>(
      `UPDATE coupons SET created_by = $2 WHERE created_by = $1`,
      [userId, pseudonym],
    );
    return { orders, carts, customers, timelineEntries, couponRedemptions, couponsCreated };
  }),
];

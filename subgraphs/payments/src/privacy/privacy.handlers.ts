import { DATA_EXPORT_MAX_ROWS, dataExportPartHandler, queryRows, userErasedHandler } from '@marketplace/kit';

const LIMIT = DATA_EXPORT_MAX_ROWS + 1;

/**
 * The user's payments in a data export (never the provider's client secret), and their
 * erasure: payments hold no name, email or card data (the provider does), so only the order
 * replica's user reference becomes the pseudonym; amounts and dates stay.
 */
export const paymentPrivacyHandlers = () => [
  dataExportPartHandler('payments', async (manager, userId) => ({
    payments: await queryRows(
      manager,
      `SELECT p.id, p.order_id AS "orderId", p.status, p.amount, p.currency, p.provider, p.provider_ref AS "providerRef",
              p.failure_reason AS "failureReason", p.disputed, p.refund_reason AS "refundReason",
              p.refunded_at AS "refundedAt", p.created_at AS "createdAt", p.updated_at AS "updatedAt"
         FROM payments p JOIN orders o ON o.id = p.order_id
        WHERE o.user_id = $1 ORDER BY p.created_at DESC, p.id DESC LIMIT $2`,
      [userId, LIMIT],
    ),
  })),
  userErasedHandler('payments', async (manager, { userId, pseudonym }) => {
    const [, orders] = await manager.query<[unknown[], number]>(`UPDATE orders SET user_id = $2 WHERE user_id = $1`, [
      userId,
      pseudonym,
    ]);
    return { orders };
  }),
];

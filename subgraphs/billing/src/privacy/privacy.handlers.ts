import { DATA_EXPORT_MAX_ROWS, dataExportPartHandler, queryRows, userErasedHandler } from '@marketplace/kit';

const LIMIT = DATA_EXPORT_MAX_ROWS + 1;

/**
 * The user's invoices and credit notes in a data export, and their erasure. Invoices and
 * credit notes are kept whole, billing details included: tax law requires the seller to
 * retain issued invoices for years (legal retention, GDPR art. 17(3)(b)), so erasure only
 * replaces the buyer's user id with the pseudonym (as orders does) and the vendor's user id
 * in the vendor map; nothing else here names the user.
 */
export const billingPrivacyHandlers = () => [
  dataExportPartHandler('billing', async (manager, userId) => ({
    invoices: await queryRows(
      manager,
      `SELECT number, order_id AS "orderId", issued_at AS "issuedAt", currency, total::text AS total, snapshot
         FROM invoices WHERE buyer_user_id = $1 ORDER BY issued_at DESC, number DESC LIMIT $2`,
      [userId, LIMIT],
    ),
    creditNotes: await queryRows(
      manager,
      `SELECT c.number, i.number AS "invoiceNumber", c.issued_at AS "issuedAt", i.currency, c.amount::text AS amount, c.snapshot
         FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id
        WHERE i.buyer_user_id = $1 ORDER BY c.issued_at DESC, c.number DESC LIMIT $2`,
      [userId, LIMIT],
    ),
  })),
  userErasedHandler('billing', async (manager, { userId, pseudonym }) => {
    const changed = async (sql: string) => (await manager.query<[unknown[], number]>(sql, [userId, pseudonym]))[1];
    return {
      invoices: await changed(`UPDATE invoices SET buyer_user_id = $2 WHERE buyer_user_id = $1`),
      vendors: await changed(`UPDATE vendors SET user_id = $2 WHERE user_id = $1`),
    };
  }),
];

import {
  DATA_EXPORT_MAX_ROWS,
  forgetMailsOf,
  dataExportPartHandler,
  queryRows,
  userErasedHandler,
} from '@marketplace/kit';

const LIMIT = DATA_EXPORT_MAX_ROWS + 1;

/**
 * The user's notifications, preferences and mails (what was sent when, never the bodies) in a
 * data export, and their erasure: an inbox is the user's alone and nothing else counts on it,
 * so it goes entirely (and so do the user's mails, queued or sent, and replicated email and name); orders and vendors keep their user under the pseudonym. A late
 * saga event writing one of those for the erased user gets a fresh pseudonym (the guard triggers).
 */
export const notificationPrivacyHandlers = () => [
  dataExportPartHandler('notifications', async (manager, userId) => ({
    notifications: await queryRows(
      manager,
      `SELECT id, category, kind, title, body, link, data, created_at AS "createdAt", read_at AS "readAt"
         FROM notifications WHERE recipient_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, LIMIT],
    ),
    notificationPreferences: await queryRows(
      manager,
      `SELECT category, in_app AS "inApp", email, updated_at AS "updatedAt"
         FROM notification_preferences WHERE user_id = $1 ORDER BY category LIMIT $2`,
      [userId, LIMIT],
    ),
    mails: await queryRows(
      manager,
      `SELECT kind, to_address AS "to", subject, status, attempts, created_at AS "queuedAt", finished_at AS "finishedAt"
         FROM mail_outbox WHERE recipient_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, LIMIT],
    ),
  })),
  userErasedHandler('notifications', async (manager, { userId, pseudonym }) => {
    const changed = async (sql: string, parameters: unknown[]) =>
      (await manager.query<[unknown[], number]>(sql, parameters))[1];
    return {
      notifications: await changed(`DELETE FROM notifications WHERE recipient_id = $1`, [userId]),
      notificationPreferences: await changed(`DELETE FROM notification_preferences WHERE user_id = $1`, [userId]),
      mails: await forgetMailsOf(manager, userId),
      recipients: await changed(`DELETE FROM recipients WHERE user_id = $1`, [userId]),
      orders: await changed(`UPDATE order_recipients SET user_id = $2 WHERE user_id = $1`, [userId, pseudonym]),
      vendorAccounts: await changed(`UPDATE vendor_accounts SET user_id = $2 WHERE user_id = $1`, [userId, pseudonym]),
    };
  }),
];

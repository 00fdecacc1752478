import { Events, Role, eventHandler, queryRows } from '@marketplace/kit';
import type { AccountEmails } from '../auth/account-emails';

/**
 * `user.registered` → the verification email, queued in the handler's transaction with its
 * token: sent once both committed, once per event (a redelivery finds it queued already),
 * and retried by the mail dispatcher, not by the event's retries.
 */
export const sendVerificationEmail = (emails: AccountEmails) =>
  eventHandler('send-verification-email', Events.UserRegistered, async (event, { manager, log }) => {
    const { payload } = event;
    // Seeded demo accounts are registered verified: nothing to confirm.
    const [user] = await queryRows<{ verified: boolean }>(
      manager,
      `SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1`,
      [payload.userId],
    );
    if (user?.verified) return;
    const account = { id: payload.userId, email: payload.email, displayName: payload.displayName };
    await emails.verification(manager, account, `${event.id}:verify-email`);
    log.info({ userId: payload.userId }, 'verification email queued');
  });

/** `vendor.approved` → the user becomes a VENDOR (admins keep their role); effective at their next token refresh. */
export const grantVendorRole = eventHandler(
  'grant-vendor-role',
  Events.VendorApproved,
  async ({ payload }, { manager, log }) => {
    // TypeORM's Postgres driver answers an UPDATE with [rows, rowCount].
    const [, changed] = await manager.query<[unknown[], number]>(
      `UPDATE users SET role = $2, updated_at = now() WHERE id = $1 AND role = $3`,
      [payload.userId, Role.VENDOR, Role.CUSTOMER],
    );
    log.info({ userId: payload.userId, vendorId: payload.vendorId, changed: changed > 0 }, 'vendor role granted');
  },
);

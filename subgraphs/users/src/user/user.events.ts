import { Events, eventHandler } from '@marketplace/kit';
import type { AccountEmails } from '../auth/account-emails';

/**
 * `user.registered` → the verification email. Through the outbox it is sent exactly when
 * the account committed, and retried when the mailer fails (at-least-once: a retry after
 * a sent-but-uncommitted attempt mails a second, equally valid link).
 */
export const sendVerificationEmail = (emails: AccountEmails) =>
  eventHandler('send-verification-email', Events.UserRegistered, async ({ payload }, { manager, log }) => {
    const mail = await emails.verification(manager, { id: payload.userId, email: payload.email, displayName: payload.displayName });
    await emails.deliver(mail);
    log.info({ userId: payload.userId }, 'verification email sent');
  });

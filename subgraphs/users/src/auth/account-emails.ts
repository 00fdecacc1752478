import type { Logger } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import type { UsersConfig } from '../config';
import { EmailTokenService } from './email-token.service';
import { Mail, Mailer, addressDigest } from './mailer';

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/**
 * The account emails. Tokens are created inside the caller's transaction; the mail is sent
 * only after it commits, so no email ever points at a token that was rolled back.
 */
export class AccountEmails {
  constructor(
    private readonly tokens: EmailTokenService,
    private readonly mailer: Mailer,
    private readonly config: UsersConfig,
    private readonly log: Logger,
  ) {}

  async verification(manager: EntityManager, user: { id: string; email: string; displayName: string }): Promise<Mail> {
    const token = await this.tokens.create(
      manager,
      user,
      'VERIFY_EMAIL',
      this.config.emailVerificationTtlHours * HOUR_MS,
    );
    return {
      kind: 'verify-email',
      to: user.email,
      subject: 'Confirm your email address',
      text: `Hi ${user.displayName}, confirm your address: ${this.config.appUrl}/verify-email?token=${token}\nThe link works once, for ${this.config.emailVerificationTtlHours} hours.`,
    };
  }

  async passwordReset(manager: EntityManager, user: { id: string; email: string; displayName: string }): Promise<Mail> {
    const token = await this.tokens.create(
      manager,
      user,
      'RESET_PASSWORD',
      this.config.passwordResetTtlMinutes * MINUTE_MS,
    );
    return {
      kind: 'reset-password',
      to: user.email,
      subject: 'Reset your password',
      text: `Hi ${user.displayName}, choose a new password: ${this.config.appUrl}/reset-password?token=${token}\nThe link works once, for ${this.config.passwordResetTtlMinutes} minutes. If you did not ask for this, ignore this email.`,
    };
  }

  /** Delivery that must succeed: a failure throws (the event handler calling it is retried). */
  async deliver(mail: Mail): Promise<void> {
    await this.mailer.send(mail);
  }

  /** Delivery failures are logged, not thrown: the account change already committed and the user can ask again. */
  async send(mail: Mail | undefined): Promise<void> {
    if (!mail) return;
    await this.mailer
      .send(mail)
      .catch((error) =>
        this.log.error({ err: error, kind: mail.kind, to: addressDigest(mail.to) }, 'mail delivery failed'),
      );
  }
}

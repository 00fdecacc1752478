import type { Logger } from '@marketplace/kit';
import { MailBrand, MailContent, appLink, renderMail } from '@marketplace/kit/mail-layout';
import type { EntityManager } from 'typeorm';
import type { UsersConfig } from '../config';
import { accountMailTemplates } from './account-mail.templates';
import { EmailTokenService } from './email-token.service';
import { Mail, MailKind, Mailer, addressDigest } from './mailer';

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** An account email made inside the caller's transaction (its token with it), rendered once that committed. */
export interface AccountMail {
  kind: MailKind;
  to: string;
  content: MailContent;
}

/**
 * The account emails. Tokens are created inside the caller's transaction; the mail is rendered
 * and sent only after it commits, so no email ever points at a token that was rolled back, and
 * no transaction waits for MJML.
 */
export class AccountEmails {
  private readonly brand: MailBrand;

  constructor(
    private readonly tokens: EmailTokenService,
    private readonly mailer: Mailer,
    private readonly config: UsersConfig,
    private readonly log: Logger,
  ) {
    // Transactional mail: no unsubscribe link.
    this.brand = { appName: config.mail.appName, appUrl: config.appUrl };
  }

  async verification(
    manager: EntityManager,
    user: { id: string; email: string; displayName: string },
  ): Promise<AccountMail> {
    const validHours = this.config.emailVerificationTtlHours;
    const token = await this.tokens.create(manager, user, 'VERIFY_EMAIL', validHours * HOUR_MS);
    const verifyUrl = appLink(this.config.appUrl, '/verify-email', { token });
    return {
      kind: 'verify-email',
      to: user.email,
      content: accountMailTemplates.verifyEmail({ displayName: user.displayName, verifyUrl, validHours }, this.brand),
    };
  }

  async passwordReset(
    manager: EntityManager,
    user: { id: string; email: string; displayName: string },
  ): Promise<AccountMail> {
    const validMinutes = this.config.passwordResetTtlMinutes;
    const token = await this.tokens.create(manager, user, 'RESET_PASSWORD', validMinutes * MINUTE_MS);
    const resetUrl = appLink(this.config.appUrl, '/reset-password', { token });
    return {
      kind: 'reset-password',
      to: user.email,
      content: accountMailTemplates.passwordReset(
        { displayName: user.displayName, resetUrl, validMinutes },
        this.brand,
      ),
    };
  }

  /** Both parts of `mail`, from its template through the kit's layout. */
  async render({ kind, to, content }: AccountMail): Promise<Mail> {
    return { kind, to, ...(await renderMail(content, this.brand)) };
  }

  /** Delivery that must succeed: a failure throws (the event handler calling it is retried). */
  async deliver(mail: AccountMail): Promise<void> {
    await this.mailer.send(await this.render(mail));
  }

  /** Delivery failures are logged, not thrown: the account change already committed and the user can ask again. */
  async send(mail: AccountMail | undefined): Promise<void> {
    if (!mail) return;
    await this.render(mail)
      .then((rendered) => this.mailer.send(rendered))
      .catch((error) =>
        this.log.error({ err: error, kind: mail.kind, to: addressDigest(mail.to) }, 'mail delivery failed'),
      );
  }
}

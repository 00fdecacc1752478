import { randomUUID } from 'node:crypto';
import type { AfterCommit, Logger, MailOutbox } from '@marketplace/kit';
import { MailBrand, MailContent, appLink, renderMail } from '@marketplace/kit/mail-layout';
import type { EntityManager } from 'typeorm';
import type { UsersConfig } from '../config';
import { SecondFactorChange, accountMailTemplates } from './account-mail.templates';
import { EmailTokenService } from './email-token.service';
import { Mail, MailKind, Mailer, addressDigest } from './mailer';

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** An account email made inside the caller's transaction, its token with it. */
interface AccountMail {
  kind: MailKind;
  userId: string;
  to: string;
  content: MailContent;
}

/**
 * The account emails. Each is made and queued in the transaction that creates its token (the
 * kit's mail outbox, when `SMTP_URL` is set): it is sent once that committed, never for a token
 * rolled back, and retried through an SMTP outage. The log line (and the test harness's copy)
 * follows the commit too.
 */
export class AccountEmails {
  private readonly brand: MailBrand;

  constructor(
    private readonly tokens: EmailTokenService,
    /** The log of this environment, and the test harness's copy. */
    private readonly notice: Mailer,
    /** Absent without `SMTP_URL`: the log alone. */
    private readonly outbox: MailOutbox | undefined,
    private readonly afterCommit: AfterCommit,
    private readonly config: UsersConfig,
    private readonly log: Logger,
  ) {
    // Transactional mail: no unsubscribe link.
    this.brand = { appName: config.mail.appName, appUrl: config.appUrl };
  }

  /**
   * Creates a verification token and queues its mail, both in the caller's transaction; one
   * mail per `dedupeKey` (a redelivered event's key finds its mail queued already).
   */
  async verification(
    manager: EntityManager,
    user: { id: string; email: string; displayName: string },
    dedupeKey = `verify-email:${randomUUID()}`,
  ): Promise<void> {
    const validHours = this.config.emailVerificationTtlHours;
    const token = await this.tokens.create(manager, user, 'VERIFY_EMAIL', validHours * HOUR_MS);
    const verifyUrl = appLink(this.config.appUrl, '/verify-email', { token });
    await this.queue(manager, dedupeKey, {
      kind: 'verify-email',
      userId: user.id,
      to: user.email,
      content: accountMailTemplates.verifyEmail({ displayName: user.displayName, verifyUrl, validHours }, this.brand),
    });
  }

  /** Creates a reset token and queues its mail, both in the caller's transaction. */
  async passwordReset(manager: EntityManager, user: { id: string; email: string; displayName: string }): Promise<void> {
    const validMinutes = this.config.passwordResetTtlMinutes;
    const token = await this.tokens.create(manager, user, 'RESET_PASSWORD', validMinutes * MINUTE_MS);
    const resetUrl = appLink(this.config.appUrl, '/reset-password', { token });
    await this.queue(manager, `reset-password:${randomUUID()}`, {
      kind: 'reset-password',
      userId: user.id,
      to: user.email,
      content: accountMailTemplates.passwordReset(
        { displayName: user.displayName, resetUrl, validMinutes },
        this.brand,
      ),
    });
  }

  /** A notice that two-factor was turned on or off, queued in the caller's transaction (no token in it). */
  async twoFactorChanged(
    manager: EntityManager,
    user: { id: string; email: string; displayName: string },
    change: SecondFactorChange,
  ): Promise<void> {
    const securityUrl = appLink(this.config.appUrl, '/account/security');
    await this.queue(manager, `two-factor-changed:${randomUUID()}`, {
      kind: 'two-factor-changed',
      userId: user.id,
      to: user.email,
      content: accountMailTemplates.twoFactorChanged(
        { displayName: user.displayName, change, securityUrl },
        this.brand,
      ),
    });
  }

  /** Both parts of `mail`, from its template through the kit's layout. */
  private async render({ kind, to, content }: AccountMail): Promise<Mail> {
    return { kind, to, ...(await renderMail(content, this.brand)) };
  }

  /** Queues `mail` in the caller's transaction, once per `dedupeKey`; the log line follows the commit. */
  private async queue(manager: EntityManager, dedupeKey: string, mail: AccountMail): Promise<void> {
    const rendered = await this.render(mail);
    const { kind, to, subject, text, html } = rendered;
    await this.outbox?.enqueue(manager, {
      dedupeKey,
      kind,
      recipientId: mail.userId,
      to,
      subject,
      text,
      html,
      headers: { 'X-Marketplace-Mail': kind },
    });
    this.afterCommit.run(manager, () =>
      this.notice
        .send(rendered)
        .catch((error) => this.log.error({ err: error, kind, to: addressDigest(to) }, 'mail notice failed')),
    );
  }
}

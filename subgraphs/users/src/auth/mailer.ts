import { createHash } from 'node:crypto';
import type { CommonConfig, Logger } from '@marketplace/kit';
import type { RenderedMail } from '@marketplace/kit/mail-layout';

/** What an account email is for; logged in place of its body outside development. */
export type MailKind = 'verify-email' | 'reset-password' | 'two-factor-changed';

/**
 * An account email as rendered from its template (`account-mail.templates.ts`): both parts hold
 * a one-time link with its token, a secret as long as the link works.
 */
export interface Mail extends RenderedMail {
  kind: MailKind;
  to: string;
}

/** Where a copy of each account email goes once queued: the log of each environment (and the test harness). */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * Development transport: the email, link and token included, is written to the log (`"mail"`
 * records); that is how a developer follows a verification or reset link. The text part is
 * enough for that; the HTML part (the same words, some kilobytes of layout) is left out.
 */
export class DevelopmentLogMailer implements Mailer {
  constructor(private readonly log: Logger) {}

  async send({ kind, to, subject, text }: Mail): Promise<void> {
    this.log.info({ mail: { kind, to, subject, text } }, `mail to ${to}: ${subject}`);
  }
}

/**
 * Test and production transport: the log says only which kind of email went to which
 * address digest. A reset link in a log would let anyone who reads logs take the account.
 */
export class RedactedLogMailer implements Mailer {
  constructor(private readonly log: Logger) {}

  async send(mail: Mail): Promise<void> {
    this.log.info({ mail: { kind: mail.kind, to: addressDigest(mail.to) } }, `${mail.kind} mail`);
  }
}

/**
 * The log transport of this environment; `copyTo` also receives every mail (the test
 * harness reads tokens from it, since no log line carries them outside development).
 */
export function logMailer(environment: CommonConfig['environment'], log: Logger, copyTo?: Mailer): Mailer {
  const logged = environment === 'development' ? new DevelopmentLogMailer(log) : new RedactedLogMailer(log);
  if (!copyTo) return logged;
  return {
    send: async (mail) => {
      await logged.send(mail);
      await copyTo.send(mail);
    },
  };
}

/** Enough to tell one recipient's mails from another's in a log, without the address itself. */
export function addressDigest(email: string): string {
  return `sha256:${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 16)}`;
}

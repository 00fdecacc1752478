import { createHash } from 'node:crypto';
import type { CommonConfig, Logger } from '@marketplace/kit';

/** What an account email is for; logged in place of its body outside development. */
export type MailKind = 'verify-email' | 'reset-password';

export interface Mail {
  kind: MailKind;
  to: string;
  subject: string;
  /** Holds a one-time link with its token: a secret as long as the link works. */
  text: string;
}

/** Where account emails go. No delivering transport exists yet: each environment writes to the log. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * Development transport: the whole email, link and token included, is written to the log
 * (`"mail"` records); that is how a developer follows a verification or reset link.
 */
export class DevelopmentLogMailer implements Mailer {
  constructor(private readonly log: Logger) {}

  async send(mail: Mail): Promise<void> {
    this.log.info({ mail }, `mail to ${mail.to}: ${mail.subject}`);
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
  const transport = environment === 'development' ? new DevelopmentLogMailer(log) : new RedactedLogMailer(log);
  if (!copyTo) return transport;
  return {
    send: async (mail) => {
      await transport.send(mail);
      await copyTo.send(mail);
    },
  };
}

/** Enough to tell one recipient's mails from another's in a log, without the address itself. */
export function addressDigest(email: string): string {
  return `sha256:${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 16)}`;
}

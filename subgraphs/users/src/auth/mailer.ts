import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';
import type { CommonConfig, Logger, MailTransport, OutgoingMail } from '@marketplace/kit';

/** What an account email is for; logged in place of its body outside development. */
export type MailKind = 'verify-email' | 'reset-password';

export interface Mail {
  kind: MailKind;
  to: string;
  subject: string;
  /** Holds a one-time link with its token: a secret as long as the link works. */
  text: string;
}

/** Where account emails go: the log of each environment, and SMTP when `SMTP_URL` is set ({@link SmtpMailer}). */
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
  return chainMailers(
    environment === 'development' ? new DevelopmentLogMailer(log) : new RedactedLogMailer(log),
    copyTo,
  );
}

/** Sends through each mailer in turn; one that fails stops the rest, and the send rejects (the caller retries). */
export function chainMailers(...mailers: (Mailer | undefined)[]): Mailer {
  const present = mailers.filter((mailer): mailer is Mailer => mailer !== undefined);
  if (present.length === 1) return present[0];
  return {
    send: async (mail) => {
      for (const mailer of present) await mailer.send(mail);
    },
  };
}

/**
 * Delivers account emails over SMTP (the kit's nodemailer transport, `SMTP_URL`): the same
 * text the log shows in development, and an HTML part with the same words and the link
 * clickable. A refusal or an unreachable server rejects with the server's answer.
 */
export class SmtpMailer implements Mailer {
  constructor(private readonly transport: MailTransport) {}

  async send(mail: Mail): Promise<void> {
    await this.transport.send(renderAccountMail(mail));
  }
}

/** An account email as it goes out: text as written, HTML built from it, and its kind as a header. */
export function renderAccountMail(mail: Mail): OutgoingMail {
  return {
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: htmlOf(mail.subject, mail.text),
    headers: { 'X-Marketplace-Mail': mail.kind },
  };
}

const LINK = /https?:\/\/[^\s<>"]+/g;

function htmlOf(subject: string, text: string): string {
  const paragraphs = text.split('\n').map((line) => {
    let html = '';
    let from = 0;
    for (const match of line.matchAll(LINK)) {
      const url = match[0];
      html += `${escapeHtml(line.slice(from, match.index))}<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
      from = match.index + url.length;
    }
    return `<p>${html}${escapeHtml(line.slice(from))}</p>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>${paragraphs.join('')}</body></html>`;
}

/** Enough to tell one recipient's mails from another's in a log, without the address itself. */
export function addressDigest(email: string): string {
  return `sha256:${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 16)}`;
}

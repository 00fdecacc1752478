import { createTransport } from 'nodemailer';
import { redactUrl } from '../config';
import type { Logger } from '../logger';

/** One mail to one recipient; `from` is the transport's (`MAIL_FROM`). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. `List-Unsubscribe`; never `From`, `To` or `Subject`. */
  headers?: Record<string, string>;
}

/** Sends mail through an SMTP server. A refused mail rejects with a {@link MailDeliveryError}. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

/** What `createMailTransport` needs: where to send, as whom, and how long to wait. */
export interface MailTransportConfig {
  smtpUrl: string;
  from: string;
  /** Sends are logged at debug level; only with `logContent` (development) do recipients and subjects appear. */
  log?: Logger;
  logContent?: boolean;
  /** Connecting, the greeting, and each reply: a mail server that hangs fails the send instead of holding it for minutes (nodemailer's defaults). */
  timeoutMs?: number;
  /**
   * Keep up to this many connections open and send mail after mail on each (nodemailer's
   * pool), for a sender with a queue to work through: a new connection per mail costs its
   * handshake every time. Unset: one connection per mail, for a sender of the odd mail.
   */
  pooledConnections?: number;
}

/** Mails one pooled connection carries before it is replaced, so a long-lived connection never outstays its welcome. */
const MAILS_PER_POOLED_CONNECTION = 100;

/**
 * A mail the SMTP server did not take: `response` is the server's answer
 * (`550 5.1.1 no such user`), `responseCode` its code, `permanent` true for a 5xx (retrying
 * the same mail will not help). A connection failure has neither; its `code` says why
 * (`ECONNECTION`, `ETIMEDOUT`, `ESOCKET`).
 */
export class MailDeliveryError extends Error {
  readonly code: string | undefined;
  readonly response: string | undefined;
  readonly responseCode: number | undefined;
  readonly permanent: boolean;

  constructor(message: string, details: { code?: string; response?: string; responseCode?: number; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.name = 'MailDeliveryError';
    this.code = details.code;
    this.response = details.response;
    this.responseCode = details.responseCode;
    this.permanent = details.responseCode !== undefined && details.responseCode >= 500 && details.responseCode !== 503;
  }
}

const DEFAULT_TIMEOUT_MS = 15_000;

interface NodemailerFailure {
  message?: string;
  code?: string;
  response?: string;
  responseCode?: number;
}

/** nodemailer's error, with the server's answer kept where a caller (and its retry policy) looks for it. */
function deliveryError(error: unknown): MailDeliveryError {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as NodemailerFailure;
  const answer = failure.response ? `: ${failure.response}` : '';
  const reason = failure.message ?? String(error);
  return new MailDeliveryError(answer && !reason.includes(failure.response as string) ? `${reason}${answer}` : reason, {
    code: failure.code,
    response: failure.response,
    responseCode: failure.responseCode,
    cause: error,
  });
}

/**
 * A nodemailer SMTP transport: one connection per mail, or a pool of them
 * (`pooledConnections`; nodemailer reconnects when a server closes an idle one).
 */
export function createMailTransport(config: MailTransportConfig): MailTransport {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Options the URL sets (`?connectionTimeout=…`, `?pool=true`) win over these (nodemailer's rule).
  const transporter = createTransport(
    {
      url: config.smtpUrl,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      ...(config.pooledConnections !== undefined && {
        pool: true,
        maxConnections: config.pooledConnections,
        maxMessages: MAILS_PER_POOLED_CONNECTION,
      }),
    },
    { from: config.from },
  );
  const log = config.log?.child({ component: 'mail', smtp: redactUrl(config.smtpUrl) });
  return {
    async send(mail) {
      let info: { messageId: string; rejected?: unknown[]; rejectedErrors?: unknown[] };
      try {
        info = await transporter.sendMail({
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: mail.headers,
        });
      } catch (error) {
        throw deliveryError(error);
      }
      // With one recipient, a refusal rejects above; a partial one would be resolved with the refusals listed.
      if (info.rejected?.length) throw deliveryError(info.rejectedErrors?.[0] ?? new Error('recipient rejected'));
      log?.debug(
        config.logContent
          ? { messageId: info.messageId, to: mail.to, subject: mail.subject }
          : { messageId: info.messageId },
        'mail sent',
      );
      return { messageId: info.messageId };
    },
    async close() {
      transporter.close();
    },
  };
}

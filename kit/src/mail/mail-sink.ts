import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Logger } from '../logger';

/** One mail the sink received, parsed by mailparser (the raw source is kept apart: {@link Mailbox.raw}). */
export interface ReceivedMail {
  /** A UUID of the sink's own, for the mailbox's URLs. */
  id: string;
  receivedAt: string;
  /** What the client said in `MAIL FROM` / `RCPT TO`, which may differ from the headers (Bcc). */
  envelope: { from: string | undefined; to: string[] };
  /** The headers' addresses, as written (`"Name" <address>`). */
  from: string;
  to: string[];
  subject: string;
  /** The `Date` header, ISO 8601; undefined when absent or unreadable. */
  date: string | undefined;
  messageId: string | undefined;
  text: string | undefined;
  html: string | undefined;
  /** Every header by lower-case name, unfolded; repeated ones joined with ", ". */
  headers: Record<string, string>;
  /** Bytes of the raw source. */
  size: number;
}

/** What the development mailbox (the gateway's `/dev/mail`) reads: newest first, by id. */
export interface Mailbox {
  list(): ReceivedMail[];
  get(id: string): ReceivedMail | undefined;
  raw(id: string): Buffer | undefined;
}

export interface MailSinkOptions {
  /** 0 (the default) picks a free port; `url` says which. */
  port?: number;
  /** Loopback only by default: the sink takes mail from anyone who can reach it, without auth. */
  host?: string;
  /** Mails kept in memory; the oldest go first. */
  maxMessages?: number;
  /** Larger messages are refused with `552` (the size is announced in EHLO's `SIZE`). */
  maxMessageBytes?: number;
  /** Raw bytes kept in all: the oldest mails go first when over it, whatever their count. */
  maxTotalBytes?: number;
  log?: Logger;
}

export const MAIL_SINK_DEFAULTS = {
  maxMessages: 500,
  maxMessageBytes: 10 * 2 ** 20,
  maxTotalBytes: 128 * 2 ** 20,
} as const;
/** Connections served at once: a local sink has few clients, and each holds a message in memory. */
const MAX_CLIENTS = 32;

/**
 * A local SMTP server that takes every mail (no auth, no TLS) and keeps the newest ones
 * parsed in memory: what `npm start` runs so development mail can be read at `/dev/mail`,
 * and what tests send through. Built on `smtp-server` and mailparser's `simpleParser`.
 */
export class MailSink implements Mailbox {
  private readonly mails = new Map<string, { mail: ReceivedMail; raw: Buffer }>();
  private readonly arrivals = new EventEmitter();
  private server: SMTPServer | undefined;
  private address: AddressInfo | undefined;
  private readonly maxMessages: number;
  private readonly maxMessageBytes: number;
  private readonly maxTotalBytes: number;
  private totalBytes = 0;

  constructor(private readonly options: MailSinkOptions = {}) {
    this.maxMessages = options.maxMessages ?? MAIL_SINK_DEFAULTS.maxMessages;
    this.maxMessageBytes = options.maxMessageBytes ?? MAIL_SINK_DEFAULTS.maxMessageBytes;
    this.maxTotalBytes = options.maxTotalBytes ?? MAIL_SINK_DEFAULTS.maxTotalBytes;
    // Every waitFor listens; many concurrent waits are a test's business, not a leak.
    this.arrivals.setMaxListeners(0);
  }

  /** `smtp://host:port`, the SMTP_URL that sends here. */
  get url(): string {
    if (!this.address) throw new Error('the mail sink is not listening');
    const host = this.address.family === 'IPv6' ? `[${this.address.address}]` : this.address.address;
    return `smtp://${host}:${this.address.port}`;
  }

  get port(): number {
    if (!this.address) throw new Error('the mail sink is not listening');
    return this.address.port;
  }

  async listen(): Promise<this> {
    const { port = 0, host = '127.0.0.1' } = this.options;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      hideSTARTTLS: true,
      disableReverseLookup: true,
      logger: false,
      banner: 'Marketplace development mail sink',
      size: this.maxMessageBytes,
      maxClients: MAX_CLIENTS,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          // Past the limit the rest is read and dropped: the client gets 552 at the end of DATA.
          if (bytes <= this.maxMessageBytes) chunks.push(chunk);
        });
        stream.on('end', () => {
          if (stream.sizeExceeded || bytes > this.maxMessageBytes) {
            return callback(
              Object.assign(new Error(`5.3.4 Message exceeds the sink's ${this.maxMessageBytes} bytes`), {
                responseCode: 552,
              }),
            );
          }
          const raw = Buffer.concat(chunks);
          const envelope = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
          };
          this.store(raw, envelope).then(
            (mail) => callback(null, `Queued as ${mail.id}`),
            (error: unknown) => {
              this.options.log?.warn({ err: error }, 'mail sink: unparseable message refused');
              callback(Object.assign(new Error('4.6.0 Message could not be parsed'), { responseCode: 451 }));
            },
          );
        });
      },
    });
    server.on('error', (error) => this.options.log?.warn({ err: error }, 'mail sink: connection error'));
    await new Promise<void>((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(
                `mail sink: port ${port} on ${host} is already in use (set MAIL_SINK_PORT, or SMTP_URL to use another server)`,
              )
            : error,
        );
      server.server.once('error', failed);
      server.listen(port, host, () => {
        server.server.off('error', failed);
        resolve();
      });
    });
    this.server = server;
    this.address = server.server.address() as AddressInfo;
    return this;
  }

  list(): ReceivedMail[] {
    return [...this.mails.values()].map((entry) => entry.mail).reverse();
  }

  get(id: string): ReceivedMail | undefined {
    return this.mails.get(id)?.mail;
  }

  raw(id: string): Buffer | undefined {
    return this.mails.get(id)?.raw;
  }

  /** The newest mail `predicate` accepts, as soon as one has arrived; rejects after `timeoutMs`. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs = 10_000): Promise<ReceivedMail> {
    const present = this.list().find(predicate);
    if (present) return Promise.resolve(present);
    return new Promise((resolve, reject) => {
      const onMail = (mail: ReceivedMail) => {
        if (!predicate(mail)) return;
        clearTimeout(timer);
        this.arrivals.off('mail', onMail);
        resolve(mail);
      };
      const timer = setTimeout(() => {
        this.arrivals.off('mail', onMail);
        reject(new Error(`mail sink: no matching mail within ${timeoutMs} ms (${this.mails.size} received)`));
      }, timeoutMs);
      this.arrivals.on('mail', onMail);
    });
  }

  /** Forgets every mail (tests sharing a sink). */
  clear(): void {
    this.mails.clear();
    this.totalBytes = 0;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async store(raw: Buffer, envelope: ReceivedMail['envelope']): Promise<ReceivedMail> {
    const parsed = await simpleParser(raw, { skipImageLinks: true });
    const headers: Record<string, string> = {};
    for (const { key, line } of parsed.headerLines) {
      const value = line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim();
      headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
    }
    const mail: ReceivedMail = {
      id: randomUUID(),
      receivedAt: new Date().toISOString(),
      envelope,
      from: parsed.from?.text ?? '',
      to: addresses(parsed.to),
      subject: parsed.subject ?? '',
      date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : undefined,
      messageId: parsed.messageId,
      text: parsed.text,
      html: parsed.html === false ? undefined : parsed.html,
      headers,
      size: raw.length,
    };
    this.mails.set(mail.id, { mail, raw });
    this.totalBytes += raw.length;
    // The newest mail always stays (it is at most maxMessageBytes); older ones go while over either bound.
    for (const [oldest, entry] of this.mails) {
      if (oldest === mail.id || (this.mails.size <= this.maxMessages && this.totalBytes <= this.maxTotalBytes)) break;
      this.mails.delete(oldest);
      this.totalBytes -= entry.raw.length;
    }
    this.arrivals.emit('mail', mail);
    return mail;
  }
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (!field) return [];
  return (Array.isArray(field) ? field : [field]).flatMap((group) =>
    group.value.flatMap((address) =>
      address.group ? address.group.map((member) => member.address ?? '') : [address.address ?? ''],
    ),
  );
}

/** Starts a sink: `npm start`'s development mailbox, and the tests' SMTP server. */
export function startMailSink(options: MailSinkOptions = {}): Promise<MailSink> {
  return new MailSink(options).listen();
}

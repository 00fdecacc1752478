import type { Counter } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { lockNameForTransaction, queryRows } from '../data/sql';
import { backoffDelay } from '../events/backoff';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { MailDeliveryConfig } from './mail-config';
import { MailDeliveryError, MailTransport } from './mail-transport';

const HOUR_MS = 3_600_000;
/** A server's answer is kept whole up to this many characters (some quote the whole refused message). */
const MAX_ERROR_CHARS = 1_000;

interface DueMail {
  id: string;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  headers: Record<string, string>;
  attempts: number;
}

/** What happened to one mail in one pass (the metric's `outcome` label). */
export type MailOutcome = 'sent' | 'retried' | 'failed' | 'deferred';

export interface MailDispatcherOptions {
  db: DataSource;
  transport: MailTransport;
  delivery: MailDeliveryConfig;
  log: Logger;
  metrics?: Metrics;
}

/**
 * Sends what {@link MailOutbox} queued, from any number of processes at once: each mail is
 * taken under a row lock (`FOR UPDATE SKIP LOCKED`) held until its outcome is written, so
 * no two processes send the same one. A refusal the server calls temporary (4xx) is retried
 * with exponential back-off, and a permanent one (5xx) or the last attempt records FAILED
 * with the server's answer; a server that cannot be reached at all is retried until it can.
 * An address that had its hour's worth waits for the window to move, mail still queued. A
 * process that dies between the server's "250 OK" and the commit sends that mail again on
 * the next pass: SMTP has no idempotency key, so at-least-once is the most any sender can
 * promise.
 */
export class MailDispatcher {
  private readonly outcomes: Counter<'kind' | 'outcome'> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private passAgain = false;
  private stopped = false;
  private pending = 0;
  private lastPurge = 0;

  constructor(private readonly options: MailDispatcherOptions) {
    this.outcomes = options.metrics?.counter(
      'mail_deliveries_total',
      'Mail delivery attempts by template kind and outcome (sent, retried, failed, deferred by the rate limit)',
      ['kind', 'outcome'],
    );
    options.metrics?.gauge('mail_outbox_pending', 'Queued mails not sent yet, at the last pass', () => this.pending);
  }

  /** Polls every `pollMs` from now on, and passes once right away (mail queued before a restart). */
  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.options.delivery.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Sends whatever is due now; called after a commit that queued mail. Passes never overlap. */
  wake(): void {
    if (this.stopped) return;
    if (this.pass) {
      this.passAgain = true;
      return;
    }
    this.pass = this.sendDue()
      .then(() => undefined)
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'mail: a delivery pass failed'))
      .finally(() => {
        this.pass = undefined;
        if (this.passAgain) {
          this.passAgain = false;
          this.wake();
        }
      });
  }

  /** Waits for the pass under way, if any (tests, and a clean shutdown). */
  async idle(): Promise<void> {
    while (this.pass) await this.pass;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.idle();
  }

  /** Forgets sent and failed mails older than `retentionDays` (the rate limit needs only the last hour). */
  async purgeFinished(): Promise<number> {
    this.lastPurge = Date.now();
    const rows = await queryRows<{ id: string }>(
      this.options.db,
      `DELETE FROM mail_outbox WHERE status <> 'PENDING' AND finished_at < clock_timestamp() - make_interval(days => $1)
       RETURNING id`,
      [this.options.delivery.retentionDays],
    );
    return rows.length;
  }

  /** Sends mails until none is due, `concurrency` at a time; answers how many were handled. */
  async sendDue(): Promise<number> {
    if (Date.now() - this.lastPurge >= HOUR_MS) await this.purgeFinished();
    let handled = 0;
    const worker = async () => {
      while (!this.stopped && (await this.sendNext())) handled += 1;
    };
    await Promise.all(Array.from({ length: this.options.delivery.concurrency }, worker));
    const [{ count }] = await queryRows<{ count: number }>(
      this.options.db,
      `SELECT count(*)::int AS count FROM mail_outbox WHERE status = 'PENDING'`,
    );
    this.pending = count;
    return handled;
  }

  /** Takes the oldest due mail no other process holds and settles it; false when none is due. */
  private sendNext(): Promise<boolean> {
    return this.options.db.transaction(async (manager) => {
      const [mail] = await queryRows<DueMail>(
        manager,
        `SELECT id, kind, to_address, subject, text_body, html_body, headers, attempts FROM mail_outbox
          WHERE status = 'PENDING' AND next_attempt_at <= clock_timestamp()
          ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      if (!mail) return false;
      const outcome = (await this.deferredByRateLimit(manager, mail)) ? 'deferred' : await this.deliver(manager, mail);
      this.outcomes?.inc({ kind: mail.kind, outcome });
      return true;
    });
  }

  /** Past the address's hourly budget: moves the mail to when the oldest send of the hour leaves the window. */
  private async deferredByRateLimit(manager: EntityManager, mail: DueMail): Promise<boolean> {
    // Serialises the count per address across processes; released with the transaction.
    await lockNameForTransaction(manager, `mail_outbox:${mail.to_address}`);
    const [window] = await queryRows<{ sent: number; oldest: Date | null }>(
      manager,
      `SELECT count(*)::int AS sent, min(finished_at) AS oldest FROM mail_outbox
        WHERE to_address = $1 AND status = 'SENT' AND finished_at > clock_timestamp() - make_interval(secs => $2)`,
      [mail.to_address, HOUR_MS / 1000],
    );
    if (window.sent < this.options.delivery.perRecipientPerHour) return false;
    await manager.query(`UPDATE mail_outbox SET next_attempt_at = $2 WHERE id = $1`, [
      mail.id,
      new Date(window.oldest!.getTime() + HOUR_MS),
    ]);
    this.options.log.info({ mailId: mail.id, kind: mail.kind }, 'mail: recipient rate limit reached; deferred');
    return true;
  }

  private async deliver(manager: EntityManager, mail: DueMail): Promise<MailOutcome> {
    const attempts = mail.attempts + 1;
    try {
      const { messageId } = await this.options.transport.send({
        to: mail.to_address,
        subject: mail.subject,
        text: mail.text_body,
        html: mail.html_body ?? undefined,
        headers: mail.headers,
      });
      await manager.query(
        `UPDATE mail_outbox SET status = 'SENT', attempts = $2, message_id = $3, finished_at = clock_timestamp(),
                text_body = NULL, html_body = NULL, last_error = NULL, response_code = NULL WHERE id = $1`,
        [mail.id, attempts, messageId],
      );
      return 'sent';
    } catch (error) {
      const failure = error instanceof MailDeliveryError ? error : undefined;
      const answer = (failure?.response ?? (error instanceof Error ? error.message : String(error))).slice(
        0,
        MAX_ERROR_CHARS,
      );
      // A server that answered (4xx) has `maxAttempts`; one that cannot be reached is an outage of
      // our own relay, waited out however long it lasts: the mail is never given up for it.
      const answered = failure?.responseCode !== undefined;
      const giveUp = failure?.permanent === true || (answered && attempts >= this.options.delivery.maxAttempts);
      const { retryBaseMs, retryMaxMs } = this.options.delivery;
      await manager.query(
        giveUp
          ? `UPDATE mail_outbox SET status = 'FAILED', attempts = $2, last_error = $3, response_code = $4,
                    finished_at = clock_timestamp(), text_body = NULL, html_body = NULL WHERE id = $1`
          : `UPDATE mail_outbox SET attempts = $2, last_error = $3, response_code = $4,
                    next_attempt_at = clock_timestamp() + make_interval(secs => $5) WHERE id = $1`,
        [
          mail.id,
          attempts,
          answer,
          failure?.responseCode ?? null,
          ...(giveUp ? [] : [backoffDelay(attempts, retryBaseMs, retryMaxMs) / 1000]),
        ],
      );
      this.options.log[giveUp ? 'error' : 'warn'](
        { mailId: mail.id, kind: mail.kind, attempts, responseCode: failure?.responseCode, code: failure?.code },
        giveUp ? 'mail: delivery failed for good' : 'mail: delivery failed; will retry',
      );
      return giveUp ? 'failed' : 'retried';
    }
  }
}

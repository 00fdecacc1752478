import type { EntityManager } from 'typeorm';
import { queryRows } from '../data/sql';
import type { OutgoingMail } from './mail-transport';

/** Where a queued mail stands: waiting (first try or a retry), taken by the SMTP server, or given up on. */
export type MailStatus = 'PENDING' | 'SENT' | 'FAILED';

/** One mail to queue in the caller's transaction. */
export interface QueuedMail extends OutgoingMail {
  /**
   * What makes the mail one of a kind, e.g. `<event id>:<recipient>:<kind>`: a second enqueue
   * with the same key (a redelivered event, a racing consumer) queues nothing.
   */
  dedupeKey: string;
  /** Names the template, for the metric's label and the operator's list. */
  kind: string;
  /** The user it is for, when it is for one: an erasure deletes their queued mail. */
  recipientId?: string | null;
}

/**
 * The table a subgraph that sends mail adds in a migration of its own. Bodies are kept only
 * until the mail is sent or given up on: a receipt's license keys or a reset link then live
 * nowhere but in the recipient's mailbox.
 */
export function mailOutboxTableSql(): string[] {
  return [
    `CREATE TABLE mail_outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      dedupe_key text NOT NULL,
      kind text NOT NULL,
      recipient_id uuid,
      to_address text NOT NULL,
      subject text NOT NULL,
      text_body text,
      html_body text,
      headers jsonb NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      last_error text,
      response_code integer,
      message_id text,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      finished_at timestamptz,
      CONSTRAINT mail_outbox_once_key UNIQUE (dedupe_key)
    )`,
    `CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at, id) WHERE status = 'PENDING'`,
    // The per-recipient rate limit counts what each address was sent lately.
    `CREATE INDEX mail_outbox_sent_to_idx ON mail_outbox (to_address, finished_at) WHERE status = 'SENT'`,
    `CREATE INDEX mail_outbox_recipient_idx ON mail_outbox (recipient_id) WHERE recipient_id IS NOT NULL`,
    // The operator's lists: newest first, and what failed.
    `CREATE INDEX mail_outbox_newest_idx ON mail_outbox (created_at, id)`,
    `CREATE INDEX mail_outbox_failed_idx ON mail_outbox (created_at, id) WHERE status = 'FAILED'`,
    `CREATE INDEX mail_outbox_finished_idx ON mail_outbox (finished_at) WHERE status <> 'PENDING'`,
  ];
}

/** Queues mail in the caller's transaction; a {@link MailDispatcher} sends it once that committed. */
export class MailOutbox {
  /** `queued` runs once per mail queued, e.g. to wake the dispatcher after the commit. */
  constructor(private readonly queued: (manager: EntityManager) => void = () => undefined) {}

  /** Queues `mail` unless its dedupe key was queued before; answers whether it was queued now. */
  async enqueue(manager: EntityManager, mail: QueuedMail): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO mail_outbox (dedupe_key, kind, recipient_id, to_address, subject, text_body, html_body, headers)
       VALUES ($1, $2, $3, lower($4), $5, $6, $7, $8)
       ON CONFLICT ON CONSTRAINT mail_outbox_once_key DO NOTHING RETURNING id`,
      [
        mail.dedupeKey,
        mail.kind,
        mail.recipientId ?? null,
        mail.to,
        mail.subject,
        mail.text,
        mail.html ?? null,
        JSON.stringify(mail.headers ?? {}),
      ],
    );
    if (rows.length === 0) return false;
    this.queued(manager);
    return true;
  }
}

/** Forgets every queued and past mail of an erased user (their erasure handler's part). */
export async function forgetMailsOf(manager: EntityManager, recipientId: string): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    manager,
    `DELETE FROM mail_outbox WHERE recipient_id = $1 RETURNING id`,
    [recipientId],
  );
  return rows.length;
}

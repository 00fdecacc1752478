import { ConnectionShape, InputCheck, PageFields, newestFirstPage } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { MAIL_TEMPLATES } from '../mail-templates/mail-templates';
import type { MailDeliveryFilter } from './mail-delivery.inputs';
import { MailDelivery, MailDeliveryStatus } from './mail-delivery.type';

/** RFC 5321's longest path; a longer filter can match nothing. */
const MAX_ADDRESS_LENGTH = 254;

interface MailDeliveryRow {
  id: string;
  kind: string;
  recipient_id: string | null;
  to_address: string;
  subject: string;
  status: MailDeliveryStatus;
  attempts: number;
  last_error: string | null;
  response_code: number | null;
  message_id: string | null;
  created_at: Date;
  next_attempt_at: Date;
  finished_at: Date | null;
}

const COLUMNS = `id, kind, recipient_id, to_address, subject, status, attempts, last_error, response_code, message_id,
  created_at, next_attempt_at, finished_at`;

interface MailDeliveryQuery {
  status: MailDeliveryStatus | null;
  to: string | null;
  kind: string | null;
}

/** The filter, checked (BAD_USER_INPUT names every problem). */
export function checkMailDeliveryFilter(filter: MailDeliveryFilter | null | undefined): MailDeliveryQuery {
  const check = new InputCheck();
  const to = filter?.to?.trim().toLowerCase() || null;
  const kind = filter?.kind ?? null;
  if (to !== null && (to.length > MAX_ADDRESS_LENGTH || !to.includes('@')))
    check.add('filter.to', `must be an email address of at most ${MAX_ADDRESS_LENGTH} characters`);
  if (kind !== null && !Object.hasOwn(MAIL_TEMPLATES, kind))
    check.add(
      'filter.kind',
      `must be a mail template, e.g. orderReceipt (${Object.keys(MAIL_TEMPLATES).length} exist)`,
    );
  check.done();
  return { status: filter?.status ?? null, to, kind };
}

/** What the mail outbox holds, for the admins who must know what reached people and what did not. */
export class MailDeliveryService {
  constructor(private readonly db: DataSource) {}

  list(query: MailDeliveryQuery, page: PageFields): Promise<ConnectionShape<MailDelivery>> {
    return newestFirstPage<MailDeliveryRow, MailDelivery>(
      this.db,
      {
        columns: COLUMNS,
        from: 'mail_outbox',
        where:
          '($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR to_address = $2) AND ($3::text IS NULL OR kind = $3)',
        parameters: [query.status, query.to, query.kind],
        orderBy: ['created_at', 'id'],
        lazyCount: true,
      },
      page,
      toMailDelivery,
      (delivery) => delivery.queuedAt,
    );
  }
}

function toMailDelivery(row: MailDeliveryRow): MailDelivery {
  return Object.assign(new MailDelivery(), {
    id: row.id,
    kind: row.kind,
    recipientId: row.recipient_id,
    to: row.to_address,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    responseCode: row.response_code,
    messageId: row.message_id,
    queuedAt: row.created_at,
    nextAttemptAt: row.status === MailDeliveryStatus.PENDING ? row.next_attempt_at : null,
    finishedAt: row.finished_at,
  });
}

import {
  ConnectionShape,
  Envelope,
  Events,
  PageFields,
  PayloadOf,
  RequestContext,
  Role,
  alignToKeys,
  defineLoader,
  isUuid,
  newestFirstPage,
  queryRows,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { AUDIT_RECORD_COLUMNS, AuditRecord, AuditRecordRow, toAuditRecord } from './audit-record.type';
import type { AuditQuery } from './audit.validation';

type AuditRecorded = Envelope<PayloadOf<typeof Events.AuditRecorded>>;

/**
 * The audit trail: stores what every subgraph records (`audit.recorded`) and answers the
 * admin's `auditLog`. Append-only: this class inserts and reads, and the table's trigger
 * refuses anything else (migrations/1800500000000-create-audit-records.ts).
 */
export class AuditService {
  constructor(private readonly db: DataSource) {}

  /** Records by id, one query per request tick (`node(id:)`, `nodes(ids:)`). */
  readonly byId = defineLoader<string, AuditRecord | null>(async (ids) => {
    const valid = [...new Set(ids.filter(isUuid))];
    const rows = valid.length
      ? await queryRows<AuditRecordRow>(
          this.db,
          `SELECT ${AUDIT_RECORD_COLUMNS} FROM audit_records WHERE id = ANY($1::uuid[])`,
          [valid],
        )
      : [];
    return alignToKeys(ids, rows.map(toAuditRecord), (record) => record.id);
  });

  /** One record, for admins; null when unknown or the caller is not an admin, alike. */
  async find(context: RequestContext, id: string): Promise<AuditRecord | null> {
    if (context.viewer?.role !== Role.ADMIN) return null;
    return this.byId(context).load(id);
  }

  /**
   * Stores one recorded event, in the consumer's transaction with its inbox row. The record's
   * id is the envelope's: a redelivery that got past the inbox still stores it once.
   */
  async store(manager: EntityManager, event: AuditRecorded): Promise<boolean> {
    const { payload } = event;
    const inserted: unknown[] = await manager.query(
      `INSERT INTO audit_records (id, action, actor_kind, actor_user_id, actor_role, target_type, target_id, before, after, request_id, client_ip, subgraph, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        event.id,
        payload.action,
        payload.actor.kind,
        payload.actor.userId,
        payload.actor.role,
        payload.targetType,
        payload.targetId,
        payload.before === null ? null : JSON.stringify(payload.before),
        payload.after === null ? null : JSON.stringify(payload.after),
        payload.requestId,
        payload.clientIp,
        event.source,
        event.occurredAt,
      ],
    );
    return inserted.length > 0;
  }

  /**
   * Newest first, keyset-paged on (occurred_at, id); each filter has its index, so a page is
   * an index range scan whatever the trail's size. `totalCount` is counted only when the
   * query selects it: the count reads every matching row (about 100 ms for 200,000 records,
   * where the page takes under 1 ms), so it is a getter the field's resolver reads.
   */
  list(query: AuditQuery, page: PageFields): Promise<ConnectionShape<AuditRecord>> {
    const parameters: unknown[] = [
      query.actorUserId,
      query.targetType,
      query.targetId,
      query.action,
      query.from,
      query.to,
    ];
    const where = [
      '($1::uuid IS NULL OR actor_user_id = $1)',
      '($2::text IS NULL OR target_type = $2)',
      '($3::text IS NULL OR target_id = $3)',
      '($4::text IS NULL OR action = $4)',
      '($5::timestamptz IS NULL OR occurred_at >= $5)',
      '($6::timestamptz IS NULL OR occurred_at < $6)',
    ].join(' AND ');
    return newestFirstPage(
      this.db,
      {
        columns: AUDIT_RECORD_COLUMNS,
        from: 'audit_records',
        where,
        parameters,
        orderBy: ['occurred_at', 'id'],
        lazyCount: true,
      },
      page,
      toAuditRecord,
      (record) => record.occurredAt,
    );
  }
}

import {
  AuditAction,
  ConnectionShape,
  Envelope,
  ErrorReason,
  Events,
  Outbox,
  PageFields,
  PayloadOf,
  RequestContext,
  alignToKeys,
  conflict,
  defineLoader,
  newestFirstPage,
  notFound,
  queryRows,
  recordAudit,
  requestOrigin,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import {
  DEAD_LETTER_COLUMNS,
  DeadLetter,
  DeadLetterReplay,
  DeadLetterReplayRow,
  DeadLetterRow,
  DeadLetterStatus,
  toDeadLetter,
  toDeadLetterReplay,
} from './dead-letter.type';
import type { DeadLetterQuery } from './dead-letter.validation';

type DeadLettered = Envelope<PayloadOf<typeof Events.EventDeadLettered>>;
type Replayed = PayloadOf<typeof Events.EventReplayed>;

/** What an admin may do to a dead letter, and the audit action each is recorded as. */
const MOVES = {
  replay: { to: DeadLetterStatus.REPLAY_REQUESTED, action: 'DEAD_LETTER_REPLAYED' },
  discard: { to: DeadLetterStatus.DISCARDED, action: 'DEAD_LETTER_DISCARDED' },
} as const satisfies Record<string, { to: DeadLetterStatus; action: AuditAction }>;
type Move = keyof typeof MOVES;

const INVALID_STATUS: ErrorReason = 'INVALID_STATUS';

/**
 * The dead-letter registry: fed by every subgraph's `event.dead_lettered` and
 * `event.replayed`, moved by admins. A replay or a discard is a command to the owning
 * subgraph (`event.replay_requested`, `event.discarded`), recorded with the state change and
 * its audit record in one transaction; only a DEAD letter may be moved, so of two admins
 * racing, the second finds it moved and gets CONFLICT (INVALID_STATUS).
 */
export class DeadLetterService {
  constructor(
    private readonly db: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** Stores a subgraph's report, in the consumer's transaction; a redelivered report is stored once (the owner's id). */
  async register(manager: EntityManager, event: DeadLettered): Promise<boolean> {
    const { payload } = event;
    const inserted = await queryRows(
      manager,
      `INSERT INTO dead_letter_registry
         (id, subgraph, event_type, event_id, handler, envelope, last_error, attempts, dead_lettered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        payload.deadLetterId,
        payload.subgraph,
        payload.eventType,
        payload.eventId,
        payload.handler,
        payload.envelope,
        payload.lastError,
        payload.attempts,
        payload.deadLetteredAt,
      ],
    );
    return inserted.length > 0;
  }

  /**
   * The owner's answer to a replay: REPLAYED when applied (now or before), DEAD again with
   * the new error when it failed. An answer nobody waits for (answered already) changes nothing.
   */
  async recordOutcome(manager: EntityManager, outcome: Replayed): Promise<boolean> {
    const answered = await queryRows(
      manager,
      `UPDATE dead_letter_replays SET outcome = $2, error = $3, completed_at = $4
        WHERE dead_letter_id = $1 AND outcome IS NULL RETURNING id`,
      [outcome.deadLetterId, outcome.outcome, outcome.error, outcome.replayedAt],
    );
    if (answered.length === 0) return false;
    await manager.query(
      `UPDATE dead_letter_registry
          SET status = CASE WHEN $2 = 'FAILED' THEN 'DEAD' ELSE 'REPLAYED' END,
              last_error = CASE WHEN $3::text IS NULL THEN last_error
                                WHEN starts_with($3, handler || ': ') THEN substr($3, length(handler) + 3)
                                ELSE $3 END
        WHERE id = $1 AND status = 'REPLAY_REQUESTED'`,
      [outcome.deadLetterId, outcome.outcome, outcome.error],
    );
    return true;
  }

  /** Newest first, keyset-paged on (dead_lettered_at, id); each filter has its index. */
  list(query: DeadLetterQuery, page: PageFields): Promise<ConnectionShape<DeadLetter>> {
    return newestFirstPage<DeadLetterRow, DeadLetter>(
      this.db,
      {
        columns: DEAD_LETTER_COLUMNS,
        from: 'dead_letter_registry',
        where: [
          '($1::text IS NULL OR subgraph = $1)',
          '($2::text IS NULL OR event_type = $2)',
          '($3::timestamptz IS NULL OR dead_lettered_at >= $3)',
          '($4::timestamptz IS NULL OR dead_lettered_at < $4)',
        ].join(' AND '),
        parameters: [query.subgraph, query.type, query.from, query.to],
        orderBy: ['dead_lettered_at', 'id'],
      },
      page,
      toDeadLetter,
      (letter) => letter.deadLetteredAt,
    );
  }

  /** Every replay of each letter, oldest first: one query per request, however many letters a page lists. */
  readonly replaysOf = defineLoader<string, DeadLetterReplay[]>(async (ids) => {
    const rows = await queryRows<DeadLetterReplayRow>(
      this.db,
      `SELECT dead_letter_id, requested_by, requested_at, outcome, error, completed_at
         FROM dead_letter_replays WHERE dead_letter_id = ANY($1::uuid[]) ORDER BY requested_at, id`,
      [ids],
    );
    const byLetter = new Map<string, DeadLetterReplay[]>();
    for (const row of rows)
      byLetter.set(row.dead_letter_id, [...(byLetter.get(row.dead_letter_id) ?? []), toDeadLetterReplay(row)]);
    return alignToKeys(ids, [...byLetter.entries()], ([id]) => id).map((entry) => entry?.[1] ?? []);
  });

  /** DEAD → REPLAY_REQUESTED, and the command to the owning subgraph. */
  replay(context: RequestContext, id: string): Promise<DeadLetter> {
    return this.move(context, id, 'replay', async (manager, letter) => {
      await manager.query(
        `INSERT INTO dead_letter_replays (dead_letter_id, requested_by, request_id) VALUES ($1, $2, $3)`,
        [letter.id, context.viewer?.id ?? null, context.requestId],
      );
      const [updated] = await queryRows<DeadLetterRow>(
        manager,
        `UPDATE dead_letter_registry SET status = 'REPLAY_REQUESTED' WHERE id = $1 RETURNING ${DEAD_LETTER_COLUMNS}`,
        [letter.id],
      );
      await this.outbox.record(
        manager,
        Events.EventReplayRequested,
        { subgraph: letter.subgraph, deadLetterId: letter.id },
        { aggregateId: letter.id, correlationId: context.requestId },
      );
      return updated;
    });
  }

  /** DEAD → DISCARDED with the reason, and the word to the owning subgraph. */
  discard(context: RequestContext, id: string, reason: string): Promise<DeadLetter> {
    return this.move(context, id, 'discard', async (manager, letter) => {
      const [updated] = await queryRows<DeadLetterRow>(
        manager,
        `UPDATE dead_letter_registry
            SET status = 'DISCARDED', discard_reason = $2, discarded_by = $3, discarded_at = clock_timestamp()
          WHERE id = $1 RETURNING ${DEAD_LETTER_COLUMNS}`,
        [letter.id, reason, context.viewer?.id ?? null],
      );
      await this.outbox.record(
        manager,
        Events.EventDiscarded,
        { subgraph: letter.subgraph, deadLetterId: letter.id, reason },
        { aggregateId: letter.id, correlationId: context.requestId },
      );
      return updated;
    });
  }

  /** Locks the letter, checks it is DEAD, applies the move and audits it: one transaction. */
  private async move(
    context: RequestContext,
    id: string,
    move: Move,
    apply: (manager: EntityManager, letter: DeadLetterRow) => Promise<DeadLetterRow>,
  ): Promise<DeadLetter> {
    const updated = await this.db.transaction(async (manager) => {
      const [letter] = await queryRows<DeadLetterRow>(
        manager,
        `SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letter_registry WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!letter) throw notFound('Dead letter');
      if (letter.status !== DeadLetterStatus.DEAD)
        throw conflict(`The dead letter is ${letter.status}: only a DEAD one can be ${move}ed`, INVALID_STATUS);
      const changed = await apply(manager, letter);
      await recordAudit(manager, this.outbox, requestOrigin(context), {
        action: MOVES[move].action,
        targetType: 'DeadLetter',
        targetId: letter.id,
        before: { status: letter.status },
        after: {
          status: changed.status,
          ...(changed.discard_reason ? { discardReason: changed.discard_reason } : {}),
        },
      });
      return changed;
    });
    context.log.info({ deadLetterId: id, subgraph: updated.subgraph, to: updated.status }, `dead letter ${move}`);
    return toDeadLetter(updated);
  }
}

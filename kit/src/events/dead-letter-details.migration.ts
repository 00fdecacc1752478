import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A timestamp as the event catalog's datetimes read it (`2026-12-07T01:02:03.456Z`). */
const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * What the operator's dead-letter registry needs of each subgraph's `dead_letters` row: a
 * global id (`letter_id`), the failed handler and event apart from the error text, and the
 * row's state (DEAD until replayed or discarded). Rows from before keep their history:
 * the handler is the `handler: message` prefix of their error, the event id read from the
 * body when it carries one, and each is reported to the operator (`event.dead_lettered` in the
 * outbox) as new ones are.
 */
export class AddDeadLetterDetails1800600000000 implements MigrationInterface {
  name = 'AddDeadLetterDetails1800600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE dead_letters
        ADD COLUMN letter_id uuid NOT NULL DEFAULT gen_random_uuid(),
        ADD COLUMN handler text,
        ADD COLUMN event_id uuid,
        ADD COLUMN status text NOT NULL DEFAULT 'DEAD',
        ADD COLUMN replays int NOT NULL DEFAULT 0,
        ADD COLUMN last_replayed_at timestamptz,
        ADD COLUMN discarded_at timestamptz,
        ADD COLUMN discard_reason text`);
    await db.query(`
      UPDATE dead_letters SET
        handler = CASE WHEN position(': ' IN error) > 0 THEN split_part(error, ': ', 1) ELSE '-' END,
        event_id = substring(body FROM '"id"\\s*:\\s*"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"')::uuid`);
    await db.query(`ALTER TABLE dead_letters ALTER COLUMN handler SET NOT NULL`);
    await db.query(`ALTER TABLE dead_letters ADD CONSTRAINT dead_letters_letter_id_key UNIQUE (letter_id)`);
    await db.query(`
      ALTER TABLE dead_letters ADD CONSTRAINT dead_letters_status_check
        CHECK (status IN ('DEAD', 'REPLAYED', 'DISCARDED'))`);
    await db.query(`
      WITH letters AS (
        SELECT d.*, gen_random_uuid() AS report_id,
               to_char(now() AT TIME ZONE 'UTC', ${ISO_UTC}) AS reported_at,
               CASE WHEN d.handler <> '-' AND length(d.error) > length(d.handler) + 2
                    THEN substr(d.error, length(d.handler) + 3) ELSE d.error END AS last_error
          FROM dead_letters d
         WHERE d.routing_key <> 'event.dead_lettered'
      )
      INSERT INTO outbox (id, type, aggregate_id, envelope)
      SELECT report_id, 'event.dead_lettered', letter_id::text,
             jsonb_build_object(
               'id', report_id, 'type', 'event.dead_lettered', 'version', 1, 'occurredAt', reported_at,
               'source', queue, 'correlationId', 'dead-letter:' || letter_id, 'aggregateId', letter_id::text,
               'payload', jsonb_build_object(
                 'deadLetterId', letter_id, 'subgraph', queue, 'handler', handler, 'eventType', routing_key,
                 'eventId', event_id, 'envelope', body, 'lastError', last_error, 'attempts', attempts,
                 'deadLetteredAt', to_char(created_at AT TIME ZONE 'UTC', ${ISO_UTC})))
        FROM letters ORDER BY id`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE dead_letters
        DROP COLUMN letter_id, DROP COLUMN handler, DROP COLUMN event_id, DROP COLUMN status,
        DROP COLUMN replays, DROP COLUMN last_replayed_at, DROP COLUMN discarded_at, DROP COLUMN discard_reason`);
  }
}

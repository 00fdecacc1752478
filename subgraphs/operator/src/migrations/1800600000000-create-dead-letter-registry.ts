import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dead-letter registry: every subgraph's dead letters as their `event.dead_lettered`
 * reports told them (the id is the owner's letter id), their state as the admins moved it,
 * and each replay asked for with its outcome. The operator's own dead letters live in the
 * kit's `dead_letters` table beside it, like every subgraph's.
 */
export class CreateDeadLetterRegistry1800600000000 implements MigrationInterface {
  name = 'CreateDeadLetterRegistry1800600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE dead_letter_registry (
        id uuid PRIMARY KEY,
        subgraph text NOT NULL,
        event_type text NOT NULL,
        event_id uuid,
        handler text NOT NULL,
        envelope text NOT NULL,
        last_error text NOT NULL,
        attempts int NOT NULL,
        dead_lettered_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'DEAD'
          CONSTRAINT dead_letter_registry_status_check
          CHECK (status IN ('DEAD', 'REPLAY_REQUESTED', 'REPLAYED', 'DISCARDED')),
        discard_reason text,
        discarded_by uuid,
        discarded_at timestamptz,
        registered_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX dead_letter_registry_newest_idx ON dead_letter_registry (dead_lettered_at, id)`);
    await db.query(
      `CREATE INDEX dead_letter_registry_subgraph_idx ON dead_letter_registry (subgraph, dead_lettered_at, id)`,
    );
    await db.query(
      `CREATE INDEX dead_letter_registry_type_idx ON dead_letter_registry (event_type, dead_lettered_at, id)`,
    );
    await db.query(`
      CREATE TABLE dead_letter_replays (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dead_letter_id uuid NOT NULL REFERENCES dead_letter_registry (id),
        requested_by uuid,
        request_id text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        outcome text CONSTRAINT dead_letter_replays_outcome_check
          CHECK (outcome IN ('APPLIED', 'ALREADY_APPLIED', 'FAILED')),
        error text,
        completed_at timestamptz
      )`);
    await db.query(`CREATE INDEX dead_letter_replays_letter_idx ON dead_letter_replays (dead_letter_id, requested_at)`);
    // At most one replay waits for its outcome per letter: the state machine's invariant, kept by the table too.
    await db.query(
      `CREATE UNIQUE INDEX dead_letter_replays_pending_key ON dead_letter_replays (dead_letter_id) WHERE outcome IS NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE dead_letter_replays');
    await db.query('DROP TABLE dead_letter_registry');
  }
}

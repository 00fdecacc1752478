import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * outbox, inbox and dead_letters in the subgraph's own schema. Every subgraph lists this
 * migration first; its name is the same everywhere because each schema has its own
 * migrations table.
 */
export class CreateEventTables1763700000000 implements MigrationInterface {
  name = 'CreateEventTables1763700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE outbox (
        position bigserial PRIMARY KEY,
        id uuid NOT NULL CONSTRAINT outbox_id_key UNIQUE,
        type text NOT NULL,
        aggregate_id text NOT NULL,
        envelope jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        sent_at timestamptz,
        publish_attempts int NOT NULL DEFAULT 0,
        last_error text
      )`);
    await db.query(`CREATE INDEX outbox_unsent_idx ON outbox (position) WHERE sent_at IS NULL`);
    await db.query(`CREATE INDEX outbox_sent_at_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL`);
    await db.query(`
      CREATE TABLE inbox (
        event_id uuid NOT NULL,
        handler text NOT NULL,
        type text NOT NULL,
        handled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, handler)
      )`);
    await db.query(`
      CREATE TABLE dead_letters (
        id bigserial PRIMARY KEY,
        queue text NOT NULL,
        routing_key text NOT NULL,
        body text NOT NULL,
        error text NOT NULL,
        attempts int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE dead_letters');
    await db.query('DROP TABLE inbox');
    await db.query('DROP TABLE outbox');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: one row per `audit.recorded` event of any subgraph, append-only. The
 * trigger refuses UPDATE, DELETE and TRUNCATE for every role that runs the application (a
 * superuser could still drop the trigger: the guarantee is against the API and its code,
 * not against the database's owner). One index per filter of `auditLog`, each ending in the
 * list's order (occurred_at, id), so a filtered page is an index range scan.
 */
export class CreateAuditRecords1800500000000 implements MigrationInterface {
  name = 'CreateAuditRecords1800500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_records (
        -- The audit.recorded envelope's id: a redelivered event cannot make a second record.
        id uuid PRIMARY KEY,
        action text NOT NULL,
        actor_kind text NOT NULL CHECK (actor_kind IN ('USER', 'SYSTEM', 'ANONYMOUS')),
        actor_user_id uuid,
        actor_role text CHECK (actor_role IN ('CUSTOMER', 'VENDOR', 'ADMIN')),
        target_type text NOT NULL,
        -- Raw, as recorded: a uuid for every entity, a key id for a SigningKey.
        target_id text NOT NULL,
        before jsonb,
        after jsonb,
        request_id text NOT NULL,
        client_ip text,
        -- The subgraph that recorded it (the envelope's source).
        subgraph text NOT NULL,
        -- When the change committed its outbox row; the list's order.
        occurred_at timestamptz NOT NULL,
        -- When the trail stored it (later than occurred_at by the relay's and the queue's delay).
        stored_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((actor_kind = 'USER') = (actor_user_id IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX audit_records_newest ON audit_records (occurred_at DESC, id DESC)`);
    await db.query(
      `CREATE INDEX audit_records_by_actor ON audit_records (actor_user_id, occurred_at DESC, id DESC) WHERE actor_user_id IS NOT NULL`,
    );
    await db.query(
      `CREATE INDEX audit_records_by_target ON audit_records (target_type, target_id, occurred_at DESC, id DESC)`,
    );
    await db.query(`CREATE INDEX audit_records_by_target_id ON audit_records (target_id, occurred_at DESC, id DESC)`);
    await db.query(`CREATE INDEX audit_records_by_action ON audit_records (action, occurred_at DESC, id DESC)`);
    await db.query(`
      CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_records is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await db.query(`
      CREATE TRIGGER audit_records_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_records
      FOR EACH ROW EXECUTE FUNCTION audit_records_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
      FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_records`);
    await db.query(`DROP FUNCTION audit_records_append_only()`);
  }
}

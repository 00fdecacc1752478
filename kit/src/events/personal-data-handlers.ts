import type { EntityManager } from 'typeorm';
import { Events } from '../contracts/event-catalog';
import { lockNameForTransaction } from '../data/sql';
import { PayloadOf } from './envelope';
import { EventHandler, eventHandler } from './consumer';

/**
 * The subgraphs that hold personal data besides users, by their supergraph name: each answers
 * `user.data_export_requested` with one `user.data_export_part`, and users assembles the export
 * once all of them answered. A subgraph that starts holding personal data joins this list.
 */
export const DATA_EXPORT_SUBGRAPHS = [
  'billing',
  'catalog',
  'licensing',
  'notifications',
  'orders',
  'payments',
  'vendor',
] as const;
export type DataExportSubgraph = (typeof DATA_EXPORT_SUBGRAPHS)[number];

/** Rows per collection in one part (the event stays bounded); a longer history sets `truncated`. */
export const DATA_EXPORT_MAX_ROWS = 5_000;

/** One subgraph's collections of a user's rows, each read with `LIMIT DATA_EXPORT_MAX_ROWS + 1`. */
export type DataExportCollections = Record<string, Record<string, unknown>[]>;

export type UserErasure = PayloadOf<typeof Events.UserErased>;

/**
 * `user.data_export_requested` → this subgraph's part: `gather` reads the user's rows (each
 * collection with `LIMIT DATA_EXPORT_MAX_ROWS + 1`), and the part is recorded in the same
 * transaction as the inbox record, so a redelivered request answers once.
 */
export function dataExportPartHandler(
  subgraph: DataExportSubgraph,
  gather: (manager: EntityManager, userId: string) => Promise<DataExportCollections>,
): EventHandler<PayloadOf<typeof Events.UserDataExportRequested>> {
  return eventHandler(
    `export-user-data-${subgraph}`,
    Events.UserDataExportRequested,
    async ({ payload }, { manager, emit, log }) => {
      const collections = await gather(manager, payload.userId);
      let truncated = false;
      const data: DataExportCollections = {};
      for (const [name, rows] of Object.entries(collections)) {
        if (rows.length > DATA_EXPORT_MAX_ROWS) truncated = true;
        data[name] = rows.slice(0, DATA_EXPORT_MAX_ROWS);
      }
      await emit(
        Events.UserDataExportPart,
        { exportId: payload.exportId, userId: payload.userId, subgraph, data, truncated },
        payload.exportId,
      );
      log.info({ exportId: payload.exportId, subgraph, truncated }, 'data export part sent');
    },
  );
}

/**
 * `user.erased` → `erase` anonymises what this subgraph holds of the user, under the same
 * advisory lock as the `erased_users` guard triggers (see each subgraph's privacy migration),
 * so a row written concurrently for the user is either rewritten here or refused there.
 * Answers how many rows changed per table, for the log.
 */
export function userErasedHandler(
  subgraph: DataExportSubgraph,
  erase: (manager: EntityManager, erasure: UserErasure) => Promise<Record<string, number>>,
): EventHandler<UserErasure> {
  return eventHandler(`erase-user-${subgraph}`, Events.UserErased, async ({ payload }, { manager, log }) => {
    await lockUserForErasure(manager, payload.userId);
    await manager.query(`INSERT INTO erased_users (user_id) VALUES ($1) ON CONFLICT DO NOTHING`, [payload.userId]);
    const changed = await erase(manager, payload);
    log.info({ subgraph, changed }, 'user erased');
  });
}

/** The transaction-scoped lock the erasure and the guard triggers share (one per user id). */
export async function lockUserForErasure(manager: EntityManager, userId: string): Promise<void> {
  // The same name and hash as the guard trigger's below.
  await lockNameForTransaction(manager, `user-erasure:${userId}`);
}

/**
 * SQL of the guard a privacy migration installs: the `erased_users` table and a trigger
 * function that, under the erasure's lock, refuses a new row of an erased user (`refuse`) or
 * gives it a fresh pseudonym of its own (`pseudonymise`: late events of the saga, such as a
 * license issued for an order paid just before the erasure, must not fail forever).
 */
export function erasedUsersGuardSql(): string[] {
  return [
    `CREATE TABLE erased_users (
       user_id uuid PRIMARY KEY,
       erased_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE FUNCTION erased_user_guard() RETURNS trigger LANGUAGE plpgsql AS $$
     DECLARE
       column_name text := TG_ARGV[0];
       subject uuid := (to_jsonb(NEW) ->> column_name)::uuid;
     BEGIN
       PERFORM pg_advisory_xact_lock(hashtextextended('user-erasure:' || subject::text, 0));
       IF NOT EXISTS (SELECT 1 FROM erased_users e WHERE e.user_id = subject) THEN
         RETURN NEW;
       END IF;
       IF TG_ARGV[1] = 'refuse' THEN
         RAISE EXCEPTION 'user % was erased', subject USING ERRCODE = 'P0E01';
       END IF;
       RETURN jsonb_populate_record(NEW, jsonb_build_object(column_name, gen_random_uuid()));
     END $$`,
  ];
}

/** `CREATE TRIGGER` of the guard on `table`, whose user reference is `column`. */
export function erasedUserTriggerSql(table: string, column: string, action: 'refuse' | 'pseudonymise'): string {
  return `CREATE TRIGGER ${table}_erased_user_guard BEFORE INSERT ON ${table}
          FOR EACH ROW EXECUTE FUNCTION erased_user_guard('${column}', '${action}')`;
}

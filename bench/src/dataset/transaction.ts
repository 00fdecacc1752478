import type { DataSource, EntityManager } from 'typeorm';
import type { DatasetReport } from './model';

export type Step = (name: string, work: () => Promise<unknown>) => Promise<void>;

/** Runs a subgraph's load in one transaction (temp tables die with it), timing each step. */
export async function inTransaction(
  db: DataSource,
  subgraph: string,
  phases: DatasetReport['phases'],
  log: (line: string) => void,
  work: (manager: EntityManager, step: Step) => Promise<void>,
) {
  const started = performance.now();
  await db.transaction(async (manager) => {
    await manager.query(`SET LOCAL work_mem = '64MB'`);
    await manager.query(`SET LOCAL synchronous_commit = off`);
    const guards = await erasedUserGuards(manager);
    await switchGuards(manager, guards, 'DISABLE');
    await work(manager, async (name, task) => {
      const from = performance.now();
      await task();
      const seconds = (performance.now() - from) / 1000;
      phases.push({ name: `${subgraph}: ${name}`, seconds });
      log(`  ${subgraph}: ${name} ${seconds.toFixed(2)} s`);
    });
    await switchGuards(manager, guards, 'ENABLE');
  });
  const seconds = (performance.now() - started) / 1000;
  phases.push({ name: `${subgraph} (total)`, seconds });
  log(`${subgraph} loaded in ${seconds.toFixed(2)} s`);
}

/**
 * The privacy guards (`<table>_erased_user_guard`) take a lock per user of every row they
 * see: a set-based load of 100,000 orders in one transaction would exhaust Postgres's lock
 * table. A fresh data set has no erased user, so they are off while it loads, in its
 * transaction (the rollup triggers stay on: they build what the benchmark reads).
 */
async function erasedUserGuards(manager: EntityManager): Promise<{ table: string; trigger: string }[]> {
  return manager.query<{ table: string; trigger: string }[]>(
    `SELECT c.relname AS "table", t.tgname AS "trigger"
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND t.tgname LIKE '%erased_user_guard'`,
  );
}

async function switchGuards(
  manager: EntityManager,
  guards: { table: string; trigger: string }[],
  to: 'ENABLE' | 'DISABLE',
): Promise<void> {
  for (const { table, trigger } of guards) await manager.query(`ALTER TABLE "${table}" ${to} TRIGGER "${trigger}"`);
}

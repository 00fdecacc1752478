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
    await work(manager, async (name, task) => {
      const from = performance.now();
      await task();
      const seconds = (performance.now() - from) / 1000;
      phases.push({ name: `${subgraph}: ${name}`, seconds });
      log(`  ${subgraph}: ${name} ${seconds.toFixed(2)} s`);
    });
  });
  const seconds = (performance.now() - started) / 1000;
  phases.push({ name: `${subgraph} (total)`, seconds });
  log(`${subgraph} loaded in ${seconds.toFixed(2)} s`);
}

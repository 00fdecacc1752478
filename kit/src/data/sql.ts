import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs SQL and returns its rows. TypeORM's Postgres driver answers UPDATE and DELETE
 * with `[rows, rowCount]` but SELECT and INSERT with `rows`; this hides the difference.
 */
export async function queryRows<T = Record<string, unknown>>(
  db: DataSource | EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const result: unknown = await db.query(sql, parameters);
  return (isUpdateResult(result) ? result[0] : result) as T[];
}

function isUpdateResult(result: unknown): result is [unknown[], number] {
  return Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
}

/**
 * Holds the lock named `name` until the caller's transaction ends (a transaction-scoped
 * Postgres advisory lock on the name's 64-bit hash), for what has no row of its own to lock:
 * one user's wishlist, one address's mail budget, a tree being reshaped.
 */
export async function lockNameForTransaction(manager: EntityManager, name: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [name]);
}

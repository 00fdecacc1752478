import { conflict, lockNameForTransaction, queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import { STATUS_SQL } from './user-status.type';

/**
 * One transaction-scoped advisory lock for every change that can take an admin away
 * (suspending, demoting or erasing one). Row locks alone cannot keep the last admin: admin A
 * suspending B and B suspending A lock different rows, each counts the other as still
 * active, and both commit. Under this lock the second waits and then counts (read committed:
 * its next statement sees the first one's commit). Taken before any row lock, always.
 */
export async function lockAdminChanges(manager: EntityManager): Promise<void> {
  await lockNameForTransaction(manager, 'users:admin-changes');
}

/** CONFLICT (LAST_ADMIN) unless an active admin other than `userId` remains. */
export async function requireAnotherActiveAdmin(
  manager: EntityManager,
  userId: string,
  change: 'suspend' | 'demote' | 'erase',
): Promise<void> {
  const [{ count }] = await queryRows<{ count: number }>(
    manager,
    `SELECT count(*)::int AS count FROM users u
      WHERE u.role = 'ADMIN' AND u.id <> $1 AND ${STATUS_SQL.ACTIVE}`,
    [userId],
  );
  if (count === 0)
    throw conflict(`Cannot ${change} the last active admin`, 'LAST_ADMIN', [
      { field: 'input.userId', message: 'is the last active admin' },
    ]);
}

import { DemoIds, Events, Outbox, Role } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import type { PasswordHasher } from './auth/password-hasher';
import type { UsersConfig } from './config';
import { User } from './user/user.entity';

/** Demo accounts for `npm start`; `npm start` prints these logins. */
export const DEMO_PASSWORD = 'demo-password-123';
export const DEMO_USERS = [
  { id: DemoIds.users.ada, email: 'ada@vendors.local', displayName: 'Ada Agents', role: Role.VENDOR },
  { id: DemoIds.users.grace, email: 'grace@vendors.local', displayName: 'Grace Workflows', role: Role.VENDOR },
  { id: DemoIds.users.alan, email: 'alan@customers.local', displayName: 'Alan Buyer', role: Role.CUSTOMER },
] as const;

/**
 * Idempotent: existing accounts are left as they are. Each new one is announced with
 * `user.registered`, as a sign-up is, so the other subgraphs' replicas (the orders
 * subgraph's emails for the admin's search) know the demo accounts too.
 */
export async function seedUsers(
  db: DataSource,
  hasher: PasswordHasher,
  config: UsersConfig,
  outbox: Outbox,
): Promise<void> {
  const accounts = [
    {
      id: DemoIds.users.admin,
      email: config.seedAdmin.email,
      displayName: 'Marketplace Admin',
      role: Role.ADMIN,
      password: config.seedAdmin.password,
    },
    ...DEMO_USERS.map((user) => ({ ...user, password: DEMO_PASSWORD })),
  ];
  const existing = await db
    .getRepository(User)
    .find({ select: { email: true }, where: accounts.map(({ email }) => ({ email })) });
  const known = new Set(existing.map((user) => user.email));
  for (const account of accounts.filter(({ email }) => !known.has(email))) {
    const passwordHash = await hasher.hash(account.password);
    await db.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(User)
        .values({
          id: account.id,
          email: account.email,
          displayName: account.displayName,
          role: account.role,
          passwordHash,
          emailVerifiedAt: new Date(),
        })
        .orIgnore()
        .returning('id')
        .execute();
      if ((inserted.raw as { id: string }[]).length === 0) return;
      const { id: userId, email, displayName, role } = account;
      await outbox.record(
        manager,
        Events.UserRegistered,
        { userId, email, displayName, role },
        { aggregateId: userId, correlationId: 'seed' },
      );
    });
  }
}

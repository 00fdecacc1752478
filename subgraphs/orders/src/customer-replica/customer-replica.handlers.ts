import { Events, eventHandler, lockUserForErasure } from '@marketplace/kit';

/**
 * The customers' emails, for the admin's order search by email: kept from the users
 * subgraph's events, never read from its tables. `user.registered` is the only event that
 * carries an email today; an email change event would upsert here the same way. A
 * registration heard after the user's erasure (a replay) stores nothing: under the erasure's
 * lock, the erased user is on `erased_users` or the erasure has not run yet here.
 */
export const customerReplicaHandlers = () => [
  eventHandler('customer-email-on-registered', Events.UserRegistered, async ({ payload }, { manager }) => {
    await lockUserForErasure(manager, payload.userId);
    await manager.query(
      `INSERT INTO customers (user_id, email)
       SELECT $1, lower($2) WHERE NOT EXISTS (SELECT 1 FROM erased_users WHERE user_id = $1)
       ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, updated_at = clock_timestamp()`,
      [payload.userId, payload.email],
    );
  }),
];

import { Events, eventHandler } from '@marketplace/kit';

/**
 * The customers' emails, for the admin's order search by email: kept from the users
 * subgraph's events, never read from its tables. `user.registered` is the only event that
 * carries an email today; an email change event would upsert here the same way.
 */
export const customerReplicaHandlers = () => [
  eventHandler('customer-email-on-registered', Events.UserRegistered, async ({ payload }, { manager }) => {
    await manager.query(
      `INSERT INTO customers (user_id, email) VALUES ($1, lower($2))
       ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, updated_at = clock_timestamp()`,
      [payload.userId, payload.email],
    );
  }),
];

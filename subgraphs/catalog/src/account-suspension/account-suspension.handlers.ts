import { Events, eventHandler, queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';

/**
 * The catalog hides the vendor of a suspended user itself, from the users subgraph's events,
 * rather than through the vendor subgraph: a user's suspension is not a vendor decision (the
 * vendor's own status, and a separate vendor suspension, stay as they are), it reaches the
 * storefront in one hop, and its end (`until`) is a time the storefront query compares with
 * now(), so a timed suspension ends without a timer job. Storefront queries read
 * `storefront_vendors` (see the migration), so every product of the user's vendor leaves at
 * once and comes back without rewriting a product row.
 *
 * Applied in any arrival order: a row moves only to a change that happened later.
 */
export const accountSuspensionHandlers = (onChange: (manager: EntityManager) => void) => {
  const apply = async (manager: EntityManager, userId: string, endsAt: string, changedAt: string) => {
    const [row] = await queryRows<{ endsAt: Date }>(
      manager,
      `INSERT INTO account_suspensions AS s (user_id, ends_at, changed_at) VALUES ($1, $2::timestamptz, $3)
       ON CONFLICT (user_id) DO UPDATE SET ends_at = EXCLUDED.ends_at, changed_at = EXCLUDED.changed_at
         WHERE EXCLUDED.changed_at >= s.changed_at
       RETURNING ends_at AS "endsAt"`,
      [userId, endsAt, changedAt],
    );
    if (row) onChange(manager);
    return row !== undefined;
  };
  return [
    eventHandler('hide-suspended-account', Events.UserSuspended, async ({ payload, occurredAt }, { manager, log }) => {
      const applied = await apply(manager, payload.userId, payload.until ?? 'infinity', occurredAt);
      log.info({ userId: payload.userId, until: payload.until, applied }, "suspended user's vendor hidden");
    }),
    eventHandler(
      'show-reinstated-account',
      Events.UserReinstated,
      async ({ payload, occurredAt }, { manager, log }) => {
        const applied = await apply(manager, payload.userId, '-infinity', occurredAt);
        log.info({ userId: payload.userId, applied }, "reinstated user's vendor shown (unless suspended as a vendor)");
      },
    ),
  ];
};

import { Events, PayloadOf, eventHandler, lockUserForErasure } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';

type OrderSummary = PayloadOf<typeof Events.OrderCreated>;

/** Registers the order of a saga event: its customer, number, vendors and lines (names for the mails). */
async function keepOrder(manager: EntityManager, { orderId, userId, number, items }: OrderSummary) {
  await manager.query(
    `INSERT INTO order_recipients (order_id, user_id, number, vendor_ids, items) VALUES ($1, $2, $3, $4::uuid[], $5)
     ON CONFLICT (order_id) DO NOTHING`,
    [
      orderId,
      userId,
      number,
      [...new Set(items.map((item) => item.vendorId))],
      JSON.stringify(items.map(({ productId, name, unitPrice }) => ({ productId, name, unitPrice }))),
    ],
  );
}

/**
 * The replicas recipients are found in, kept from other subgraphs' events as orders keeps its
 * customers: users (role, email, name, suspension; a role change is read from the audit
 * trail's USER_ROLE_CHANGED, the only event that tells it), vendors' users, and orders. A
 * registration heard after the user's erasure stores nothing (under the erasure's lock).
 */
export const recipientHandlers = () => [
  eventHandler('recipient-on-registered', Events.UserRegistered, async ({ payload }, { manager }) => {
    await lockUserForErasure(manager, payload.userId);
    await manager.query(
      `INSERT INTO recipients (user_id, role, email, display_name)
       SELECT $1, $2, lower($3), $4 WHERE NOT EXISTS (SELECT 1 FROM erased_users WHERE user_id = $1)
       ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, display_name = EXCLUDED.display_name, updated_at = now()`,
      [payload.userId, payload.role, payload.email, payload.displayName],
    );
  }),

  eventHandler('recipient-role-changed', Events.AuditRecorded, async ({ payload }, { manager }) => {
    if (payload.action !== 'USER_ROLE_CHANGED' || payload.targetType !== 'User') return;
    const role = (payload.after as { role?: unknown } | null)?.role;
    if (role !== 'CUSTOMER' && role !== 'VENDOR' && role !== 'ADMIN') return;
    await manager.query(`UPDATE recipients SET role = $2, updated_at = now() WHERE user_id = $1`, [
      payload.targetId,
      role,
    ]);
  }),

  eventHandler('recipient-suspended', Events.UserSuspended, async ({ payload }, { manager }) => {
    await manager.query(`UPDATE recipients SET suspended = true, updated_at = now() WHERE user_id = $1`, [
      payload.userId,
    ]);
  }),

  eventHandler('recipient-reinstated', Events.UserReinstated, async ({ payload }, { manager }) => {
    await manager.query(`UPDATE recipients SET suspended = false, updated_at = now() WHERE user_id = $1`, [
      payload.userId,
    ]);
  }),

  // The applicant's vendor name, for the answer to the application (a rejection names it too).
  eventHandler('recipient-vendor-applied', Events.VendorApplied, async ({ payload }, { manager }) => {
    await manager.query(
      `INSERT INTO vendor_accounts (vendor_id, user_id, display_name) VALUES ($1, $2, $3)
       ON CONFLICT (vendor_id) DO UPDATE SET display_name = EXCLUDED.display_name`,
      [payload.vendorId, payload.userId, payload.displayName],
    );
  }),

  // Approval makes the user a vendor (users sets the role on the same event).
  eventHandler('recipient-vendor-approved', Events.VendorApproved, async ({ payload }, { manager }) => {
    await manager.query(
      `INSERT INTO vendor_accounts (vendor_id, user_id, display_name) VALUES ($1, $2, $3)
       ON CONFLICT (vendor_id) DO UPDATE SET user_id = EXCLUDED.user_id, display_name = EXCLUDED.display_name`,
      [payload.vendorId, payload.userId, payload.displayName],
    );
    await manager.query(
      `UPDATE recipients SET role = 'VENDOR', updated_at = now() WHERE user_id = $1 AND role = 'CUSTOMER'`,
      [payload.userId],
    );
  }),

  eventHandler('recipient-vendor-updated', Events.VendorUpdated, async ({ payload }, { manager }) => {
    await manager.query(
      `INSERT INTO vendor_accounts (vendor_id, user_id, display_name) VALUES ($1, $2, $3)
       ON CONFLICT (vendor_id) DO UPDATE SET display_name = EXCLUDED.display_name`,
      [payload.vendorId, payload.userId, payload.displayName],
    );
  }),

  eventHandler('recipient-order-created', Events.OrderCreated, ({ payload }, { manager }) =>
    keepOrder(manager, payload),
  ),
  eventHandler('recipient-order-paid', Events.OrderPaid, ({ payload }, { manager }) => keepOrder(manager, payload)),
];

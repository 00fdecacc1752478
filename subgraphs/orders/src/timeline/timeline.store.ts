import { Role, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrderStatus } from '../order/order.type';
import { OrderStatusChangeReason } from '../order/order.type';
import { OrderTimelineEntryKind } from './timeline.type';

/** SQL of `order_timeline`: who caused an entry, as stored. */
export type StoredActor =
  { kind: 'USER'; userId: string | null; role: Role } | { kind: 'PAYMENT_PROVIDER' } | { kind: 'SYSTEM' };

export const PROVIDER: StoredActor = { kind: 'PAYMENT_PROVIDER' };
export const SYSTEM: StoredActor = { kind: 'SYSTEM' };
export const userActor = (userId: string, role: Role): StoredActor => ({ kind: 'USER', userId, role });

/** A summary must fit the column (people's reasons can be long). */
const MAX_SUMMARY = 500;

export interface NewTimelineEntry {
  orderId: string;
  kind: OrderTimelineEntryKind;
  summary: string;
  actor: StoredActor;
  /** When it happened; the order row's `updated_at` when absent (a status change just written). */
  at?: Date;
  status?: OrderStatus;
  /** The event it comes from: a redelivery adds nothing. */
  sourceEventId?: string;
}

/**
 * Appends one entry inside the caller's transaction. Nothing is written for an order this
 * subgraph does not have (the insert selects the order row), nor twice for one event.
 */
export function appendTimeline(manager: EntityManager, entry: NewTimelineEntry): Promise<unknown> {
  const actor = entry.actor;
  const summary = entry.summary.length > MAX_SUMMARY ? `${entry.summary.slice(0, MAX_SUMMARY - 1)}…` : entry.summary;
  return manager.query(
    `INSERT INTO order_timeline (order_id, at, kind, status, summary, actor_kind, actor_user_id, actor_role, source_event_id)
     SELECT id, COALESCE($2::timestamptz, updated_at), $3, $4, $5, $6, $7, $8, $9 FROM orders WHERE id = $1
     ON CONFLICT (source_event_id) DO NOTHING`,
    [
      entry.orderId,
      entry.at ?? null,
      entry.kind,
      entry.status ?? null,
      summary,
      actor.kind,
      actor.kind === 'USER' ? actor.userId : null,
      actor.kind === 'USER' ? actor.role : null,
      entry.sourceEventId ?? null,
    ],
  );
}

/** What each status change says in the timeline (the migration's backfill says the same). */
export const STATUS_CHANGE_SUMMARY: Record<OrderStatusChangeReason, string> = {
  CHECKOUT: 'Order placed at checkout',
  PAYMENT_SUCCEEDED: 'Paid: the payment succeeded',
  PAYMENT_FAILED: 'Payment failed',
  PAYMENT_REFUNDED: 'Refunded',
  LICENSES_ISSUED: 'Fulfilled: every line has its license',
  CANCELLED_BY_CUSTOMER: 'Cancelled by the customer',
  CANCELLED_BY_ADMIN: 'Cancelled by an admin',
  PAYMENT_TIMEOUT: 'Cancelled: unpaid for too long',
};

/**
 * Who caused a status change when the caller does not say: the provider for what its
 * webhooks report, the marketplace for fulfilment and the timeout. A refund is the refund
 * requester's when payments told who asked (`payment.refund_requested`), else the provider's.
 * Call with the order row locked, so a request recorded concurrently is seen.
 */
export async function defaultActor(
  manager: EntityManager,
  orderId: string,
  ownerId: string,
  reason: OrderStatusChangeReason,
): Promise<StoredActor> {
  switch (reason) {
    case OrderStatusChangeReason.CHECKOUT:
    case OrderStatusChangeReason.CANCELLED_BY_CUSTOMER:
      return userActor(ownerId, Role.CUSTOMER);
    case OrderStatusChangeReason.CANCELLED_BY_ADMIN:
      return { kind: 'USER', userId: null, role: Role.ADMIN };
    case OrderStatusChangeReason.PAYMENT_REFUNDED:
      return (await refundRequester(manager, orderId)) ?? PROVIDER;
    case OrderStatusChangeReason.PAYMENT_SUCCEEDED:
    case OrderStatusChangeReason.PAYMENT_FAILED:
      return PROVIDER;
    default:
      return SYSTEM;
  }
}

/** The user who last asked for the order's refund, if payments said so. */
export async function refundRequester(manager: EntityManager, orderId: string): Promise<StoredActor | null> {
  const [row] = await queryRows<{ userId: string; role: Role }>(
    manager,
    `SELECT actor_user_id AS "userId", actor_role AS role FROM order_timeline
     WHERE order_id = $1 AND kind = 'REFUND_REQUESTED' AND actor_kind = 'USER' ORDER BY at DESC, id DESC LIMIT 1`,
    [orderId],
  );
  return row ? userActor(row.userId, row.role) : null;
}

/**
 * A refund request heard after the refund itself: the REFUNDED step, credited to the provider
 * for want of better, is the requester's (both handlers lock the order row first).
 */
export function creditRefundTo(manager: EntityManager, orderId: string, actor: StoredActor): Promise<unknown> {
  if (actor.kind !== 'USER') return Promise.resolve();
  return manager.query(
    `UPDATE order_timeline SET actor_kind = 'USER', actor_user_id = $2, actor_role = $3
     WHERE order_id = $1 AND kind = 'STATUS_CHANGED' AND status = 'REFUNDED' AND actor_kind = 'PAYMENT_PROVIDER'`,
    [orderId, actor.userId, actor.role],
  );
}

export interface TimelineRow {
  orderId: string;
  at: Date;
  kind: OrderTimelineEntryKind;
  status: OrderStatus | null;
  summary: string;
  actorKind: StoredActor['kind'];
  actorUserId: string | null;
  actorRole: Role | null;
}

/** The timelines of several orders in one query, each in time order. */
export async function timelinesOf(db: DataSource, orderIds: readonly string[]): Promise<Map<string, TimelineRow[]>> {
  const rows = await queryRows<TimelineRow>(
    db,
    `SELECT order_id AS "orderId", at, kind, status, summary, actor_kind AS "actorKind", actor_user_id AS "actorUserId", actor_role AS "actorRole"
     FROM order_timeline WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, at, id`,
    [orderIds],
  );
  const groups = new Map<string, TimelineRow[]>(orderIds.map((id) => [id, []]));
  for (const row of rows) groups.get(row.orderId)?.push(row);
  return groups;
}

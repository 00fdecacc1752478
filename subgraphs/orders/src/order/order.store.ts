import { Money, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { Product, Vendor } from '../entity-stubs';
import { STATUS_CHANGE_SUMMARY, StoredActor, appendTimeline } from '../timeline/timeline.store';
import { OrderTimelineEntryKind } from '../timeline/timeline.type';
import type { OrderStatus, OrderStatusChangeReason } from './order.type';
import { Order, OrderItem, OrderStatusChange } from './order.type';

/** SQL of the order aggregate, shared by the services that read and change orders. */
type Db = DataSource | EntityManager;

export const ORDER_COLUMNS = `o.id, o.number, o.user_id AS "userId", o.status, o.currency, o.subtotal_amount AS "subtotalAmount",
  o.total_amount AS "totalAmount", o.created_at AS "createdAt", o.updated_at AS "updatedAt"`;

export interface OrderRow {
  id: string;
  number: string;
  userId: string;
  status: OrderStatus;
  currency: string;
  subtotalAmount: number;
  totalAmount: number;
  createdAt: Date;
  updatedAt: Date;
}

export function toOrder(row: OrderRow): Order {
  return Object.assign(new Order(), {
    id: row.id,
    number: row.number,
    userId: row.userId,
    status: row.status,
    subtotal: Money.of(row.subtotalAmount, row.currency),
    total: Money.of(row.totalAmount, row.currency),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
}

export async function ordersByIds(db: Db, ids: readonly string[]): Promise<Order[]> {
  const rows = await queryRows<OrderRow>(db, `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = ANY($1::uuid[])`, [
    ids,
  ]);
  return rows.map(toOrder);
}

/** One order, its row locked (FOR UPDATE) until the transaction ends; null when unknown. */
export async function lockOrder(manager: EntityManager, orderId: string): Promise<Order | null> {
  const [row] = await queryRows<OrderRow>(manager, `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1 FOR UPDATE`, [
    orderId,
  ]);
  return row ? toOrder(row) : null;
}

interface ItemRow {
  orderId: string;
  productId: string;
  vendorId: string;
  name: string;
  unitPrice: number;
  currency: string;
  quantity: number;
  licenseId: string | null;
}

export async function itemsOf(db: Db, orderIds: readonly string[]): Promise<Map<string, OrderItem[]>> {
  const rows = await queryRows<ItemRow>(
    db,
    `SELECT order_id AS "orderId", product_id AS "productId", vendor_id AS "vendorId", name, unit_price AS "unitPrice", currency, quantity, license_id AS "licenseId"
     FROM order_items WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, position`,
    [orderIds],
  );
  return groupBy(orderIds, rows, (row) =>
    Object.assign(new OrderItem(), {
      product: Product.of(row.productId),
      vendor: Vendor.of(row.vendorId),
      name: row.name,
      unitPrice: Money.of(row.unitPrice, row.currency),
      quantity: row.quantity,
      licenseId: row.licenseId,
    }),
  );
}

interface HistoryRow {
  orderId: string;
  from: OrderStatus | null;
  to: OrderStatus;
  reason: OrderStatusChangeReason;
  at: Date;
}

export async function historyOf(db: Db, orderIds: readonly string[]): Promise<Map<string, OrderStatusChange[]>> {
  const rows = await queryRows<HistoryRow>(
    db,
    `SELECT order_id AS "orderId", from_status AS "from", to_status AS "to", reason, at
     FROM order_status_history WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, id`,
    [orderIds],
  );
  return groupBy(orderIds, rows, ({ from, to, reason, at }) =>
    Object.assign(new OrderStatusChange(), { from, to, reason, at }),
  );
}

/**
 * Call after writing the order row: the step takes the row's `updated_at`, so the latest step
 * and `updatedAt` are one instant. The step enters the order's timeline in the same transaction.
 */
export async function appendHistory(
  manager: EntityManager,
  orderId: string,
  from: OrderStatus | null,
  to: OrderStatus,
  reason: OrderStatusChangeReason,
  actor: StoredActor,
): Promise<void> {
  await manager.query(
    `INSERT INTO order_status_history (order_id, from_status, to_status, reason, at) SELECT id, $2, $3, $4, updated_at FROM orders WHERE id = $1`,
    [orderId, from, to, reason],
  );
  await appendTimeline(manager, {
    orderId,
    kind: OrderTimelineEntryKind.STATUS_CHANGED,
    status: to,
    summary: STATUS_CHANGE_SUMMARY[reason],
    actor,
  });
}

function groupBy<R extends { orderId: string }, T>(
  orderIds: readonly string[],
  rows: R[],
  map: (row: R) => T,
): Map<string, T[]> {
  const groups = new Map<string, T[]>(orderIds.map((id) => [id, []]));
  for (const row of rows) groups.get(row.orderId)?.push(map(row));
  return groups;
}

import { Money, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { Product, Vendor } from '../entity-stubs';
import { STATUS_CHANGE_SUMMARY, StoredActor, appendTimeline } from '../timeline/timeline.store';
import { OrderTimelineEntryKind } from '../timeline/timeline.type';
import type { OrderStatus, OrderStatusChangeReason } from './order.type';
import { Order, OrderItem, OrderStatusChange, OrderTax } from './order.type';
import { BillingAddress, BillingDetails } from '../tax/billing-details.type';

/** SQL of the order aggregate, shared by the services that read and change orders. */
type Db = DataSource | EntityManager;

export const ORDER_COLUMNS = `o.id, o.number, o.user_id AS "userId", o.status, o.currency, o.subtotal_amount AS "subtotalAmount",
  o.discount_amount AS "discountAmount", o.tax_amount AS "taxAmount", o.total_amount AS "totalAmount",
  o.refunded_amount AS "refundedAmount", o.tax_name AS "taxName", o.billing, o.created_at AS "createdAt", o.updated_at AS "updatedAt"`;

export interface OrderRow {
  id: string;
  number: string;
  userId: string;
  status: OrderStatus;
  currency: string;
  subtotalAmount: number;
  discountAmount: number;
  taxAmount: number;
  totalAmount: number;
  refundedAmount: number;
  taxName: string | null;
  billing: BillingDetails | null;
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
    discount: Money.of(row.discountAmount, row.currency),
    tax: Money.of(row.taxAmount, row.currency),
    total: Money.of(row.totalAmount, row.currency),
    refunded: Money.of(row.refundedAmount, row.currency),
    taxName: row.taxName,
    billing: row.billing ? billingOf(row.billing) : null,
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
  discount: number;
  vendorDiscount: number;
  taxRateBps: number;
  tax: number;
  total: number;
  refundedAt: Date | null;
  licenseId: string | null;
}

export async function itemsOf(db: Db, orderIds: readonly string[]): Promise<Map<string, OrderItem[]>> {
  const rows = await queryRows<ItemRow>(
    db,
    `SELECT order_id AS "orderId", product_id AS "productId", vendor_id AS "vendorId", name, unit_price AS "unitPrice", currency, quantity,
            discount, vendor_discount AS "vendorDiscount", tax_rate_bps AS "taxRateBps", tax, total, refunded_at AS "refundedAt", license_id AS "licenseId"
     FROM order_items WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, position`,
    [orderIds],
  );
  return groupBy(orderIds, rows, (row) =>
    Object.assign(new OrderItem(), {
      orderId: row.orderId,
      product: Product.of(row.productId),
      vendor: Vendor.of(row.vendorId),
      name: row.name,
      unitPrice: Money.of(row.unitPrice, row.currency),
      quantity: row.quantity,
      discount: Money.of(row.discount, row.currency),
      vendorDiscount: Money.of(row.vendorDiscount, row.currency),
      taxRateBps: row.taxRateBps,
      tax: Money.of(row.tax, row.currency),
      total: Money.of(row.total, row.currency),
      refundedAt: row.refundedAt,
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

/** Billing details as stored (jsonb, absent parts left out) in their GraphQL shape (absent parts null). */
function billingOf(stored: Partial<BillingDetails> & { name: string; country: string }): BillingDetails {
  const address = stored.address
    ? Object.assign(new BillingAddress(), {
        line1: stored.address.line1,
        line2: stored.address.line2 ?? null,
        city: stored.address.city,
        postalCode: stored.address.postalCode ?? null,
        region: stored.address.region ?? null,
      })
    : null;
  return Object.assign(new BillingDetails(), {
    name: stored.name,
    country: stored.country,
    businessName: stored.businessName ?? null,
    vatId: stored.vatId ?? null,
    address,
    reverseCharge: stored.reverseCharge ?? false,
  });
}

/** An order's tax per rate from its lines, highest rate first; rates that taxed nothing are left out. */
export function taxesOf(order: Order, items: OrderItem[]): OrderTax[] {
  const byRate = new Map<number, { taxable: number; tax: number }>();
  for (const item of items) {
    if (item.taxRateBps === 0) continue;
    const at = byRate.get(item.taxRateBps) ?? { taxable: 0, tax: 0 };
    at.taxable += item.unitPrice.amount - item.discount.amount;
    at.tax += item.tax.amount;
    byRate.set(item.taxRateBps, at);
  }
  const currency = order.total.currency;
  return [...byRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rateBps, at]) =>
      Object.assign(new OrderTax(), {
        rateBps,
        name: order.taxName ?? 'Tax',
        taxable: Money.of(at.taxable, currency),
        tax: Money.of(at.tax, currency),
      }),
    );
}

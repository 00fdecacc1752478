import { Events, PayloadOf, queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';

export type OrderStatus = 'OPEN' | 'CANCELLED';

/** An order as payments knows it: who may pay it and how much (from order.created only). */
export interface ReplicaOrder {
  id: string;
  userId: string;
  amount: number | null;
  currency: string | null;
  status: OrderStatus;
}

/** Payments' replica of orders; events may arrive in any order and more than once. */
export class OrderReplicaService {
  /** Records the order and its lines; false when its lines do not add up to its total (then kept without lines). */
  async created(manager: EntityManager, order: PayloadOf<typeof Events.OrderCreated>): Promise<boolean> {
    // A cancellation that overtook the creation keeps the order CANCELLED; it only learns its amount.
    await manager.query(
      `INSERT INTO orders AS o (id, user_id, amount, currency, status) VALUES ($1, $2, $3, $4, 'OPEN')
       ON CONFLICT (id) DO UPDATE SET amount = EXCLUDED.amount, currency = EXCLUDED.currency, updated_at = now()
       WHERE o.amount IS NULL`,
      [order.orderId, order.userId, order.total.amount, order.total.currency],
    );
    // Refunds are per line, each line its total; lines that do not add up to the order's total
    // (a producer's mistake) are not kept, and the order is refunded whole only.
    const lines = order.items.map((item) => ({ productId: item.productId, money: item.total ?? item.unitPrice }));
    const consistent =
      lines.every((line) => line.money.currency === order.total.currency) &&
      lines.reduce((sum, line) => sum + line.money.amount, 0) === order.total.amount &&
      new Set(lines.map((line) => line.productId)).size === lines.length;
    if (!consistent) return false;
    await manager.query(
      `INSERT INTO order_lines (order_id, product_id, amount, currency)
       SELECT $1, line.product_id, line.amount, $4 FROM unnest($2::uuid[], $3::int[]) AS line (product_id, amount)
       ON CONFLICT DO NOTHING`,
      [order.orderId, lines.map((l) => l.productId), lines.map((l) => l.money.amount), order.total.currency],
    );
    return true;
  }

  async cancelled(manager: EntityManager, order: PayloadOf<typeof Events.OrderCancelled>): Promise<void> {
    await manager.query(
      `INSERT INTO orders AS o (id, user_id, status) VALUES ($1, $2, 'CANCELLED')
       ON CONFLICT (id) DO UPDATE SET status = 'CANCELLED', updated_at = now() WHERE o.status <> 'CANCELLED'`,
      [order.orderId, order.userId],
    );
  }

  /** One order; `lock` holds its row (FOR UPDATE) until the transaction ends. */
  async find(manager: EntityManager, orderId: string, lock = false): Promise<ReplicaOrder | null> {
    const [row] = await queryRows<ReplicaOrder>(
      manager,
      `SELECT id, user_id AS "userId", amount, currency, status FROM orders WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [orderId],
    );
    return row ?? null;
  }
}

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
  async created(manager: EntityManager, order: PayloadOf<typeof Events.OrderCreated>): Promise<void> {
    // A cancellation that overtook the creation keeps the order CANCELLED; it only learns its amount.
    await manager.query(
      `INSERT INTO orders AS o (id, user_id, amount, currency, status) VALUES ($1, $2, $3, $4, 'OPEN')
       ON CONFLICT (id) DO UPDATE SET amount = EXCLUDED.amount, currency = EXCLUDED.currency, updated_at = now()
       WHERE o.amount IS NULL`,
      [order.orderId, order.userId, order.total.amount, order.total.currency],
    );
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

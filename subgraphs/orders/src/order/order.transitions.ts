import { ChangeTopics, Events, SubgraphDeps } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import type { CouponPricing } from '../coupon/coupon-pricing';
import { StoredActor, defaultActor } from '../timeline/timeline.store';
import { orderSummaryOf } from './order-summary';
import { appendHistory, lockOrder } from './order.store';
import { OrderStatus, OrderStatusChangeReason } from './order.type';

/**
 * The only moves an order can make. PAYMENT_FAILED → PAID because a customer may retry the
 * card on the same payment intent; CANCELLED is only for unpaid orders (a paid one is refunded).
 */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING_PAYMENT: [OrderStatus.PAID, OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELLED],
  PAYMENT_FAILED: [OrderStatus.PAID, OrderStatus.CANCELLED],
  PAID: [OrderStatus.FULFILLED, OrderStatus.REFUNDED],
  FULFILLED: [OrderStatus.REFUNDED],
  CANCELLED: [],
  REFUNDED: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/** Statuses in which nothing has been paid yet: the customer may cancel, the expiry job may. */
export const UNPAID: readonly OrderStatus[] = [OrderStatus.PENDING_PAYMENT, OrderStatus.PAYMENT_FAILED];

export interface TransitionOptions {
  /** The request or event this change follows from (carried by the events it records). */
  correlationId: string;
  /** The payment that paid the order (order.paid carries it). */
  paymentId?: string;
  /** Who caused the change, for the timeline; derived from the reason when absent (`defaultActor`). */
  actor?: StoredActor;
}

type Deps = Pick<SubgraphDeps, 'outbox' | 'changes' | 'afterCommit' | 'log'>;

/**
 * The one way an order changes status. Inside the caller's transaction it locks the order,
 * refuses a move the table does not allow (a repeat included: redelivered or raced events
 * change nothing), appends the history, records the event the move means to others, and
 * tells subscribers once the transaction commits (never about a change that rolled back).
 */
export class OrderTransitions {
  constructor(
    private readonly deps: Deps,
    private readonly coupons?: Pick<CouponPricing, 'release'>,
  ) {}

  /** True when the order moved; false (and a warning) when it is unknown or the move is not allowed from its status. */
  async transition(
    manager: EntityManager,
    orderId: string,
    to: OrderStatus,
    reason: OrderStatusChangeReason,
    options: TransitionOptions,
  ): Promise<boolean> {
    const order = await lockOrder(manager, orderId);
    if (!order) {
      this.deps.log.warn({ orderId, to, reason }, 'order transition refused: unknown order');
      return false;
    }
    if (!canMove(order.status, to)) {
      this.deps.log.warn({ orderId, from: order.status, to, reason }, 'order transition refused');
      return false;
    }
    await manager.query(`UPDATE orders SET status = $2, updated_at = clock_timestamp() WHERE id = $1`, [orderId, to]);
    const actor = options.actor ?? (await defaultActor(manager, orderId, order.userId, reason));
    await appendHistory(manager, orderId, order.status, to, reason, actor);
    const meta = { aggregateId: orderId, correlationId: options.correlationId };
    if (to === OrderStatus.PAID) {
      if (!options.paymentId) throw new Error(`order ${orderId}: PAID needs the payment id`);
      const summary = await orderSummaryOf(manager, order);
      await this.deps.outbox.record(manager, Events.OrderPaid, { ...summary, paymentId: options.paymentId }, meta);
    }
    if (to === OrderStatus.CANCELLED) {
      // A cancelled (or expired) order gives its coupon redemptions back.
      await this.coupons?.release(manager, orderId);
      // The event's contract (v1) knows two reasons: an admin's cancel is the customer's side of the deal.
      const cancelReason = reason === OrderStatusChangeReason.PAYMENT_TIMEOUT ? 'PAYMENT_TIMEOUT' : 'CUSTOMER';
      await this.deps.outbox.record(
        manager,
        Events.OrderCancelled,
        { orderId, userId: order.userId, reason: cancelReason },
        meta,
      );
    }
    this.notify(manager, orderId);
    this.deps.log.info({ orderId, from: order.status, to, reason }, 'order status changed');
    return true;
  }

  /** Tells the order's subscribers, after the current transaction commits, that it changed. */
  notify(manager: EntityManager, orderId: string): void {
    this.deps.afterCommit.run(manager, () => this.deps.changes.publish(ChangeTopics.order(orderId)));
  }
}

import {
  ConnectionShape,
  InputCheck,
  Logger,
  PageFields,
  RequestContext,
  Viewer,
  alignToKeys,
  conflict,
  defineLoader,
  forbidden,
  isSelfOrAdmin,
  isUuid,
  notFound,
  queryRows,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { checkOrderFilter } from './order-filter.validation';
import { orderPage } from './order-search.store';
import type { OrderFilter } from './order.inputs';
import { historyOf, itemsOf, ordersByIds } from './order.store';
import { OrderTransitions, UNPAID } from './order.transitions';
import { Order, OrderItem, OrderStatus, OrderStatusChange, OrderStatusChangeReason } from './order.type';

/** Unpaid orders the expiry job cancels per transaction (several replicas each take their own batch). */
const EXPIRY_BATCH_SIZE = 50;

/** Reading orders, cancelling them, and expiring the unpaid ones. */
export class OrderService {
  constructor(
    private readonly db: DataSource,
    private readonly transitions: OrderTransitions,
    private readonly settings: { paymentTimeoutMinutes: number },
    private readonly log: Logger,
  ) {}

  /** Orders by id, one query per request tick (references, `order`, subscriptions). */
  readonly byId = defineLoader<string, Order | null>(async (ids) => {
    const valid = [...new Set(ids.filter(isUuid))];
    return alignToKeys(ids, valid.length ? await ordersByIds(this.db, valid) : [], (order) => order.id);
  });

  /** `Order.items` of every order in a response, one query. */
  readonly itemsByOrderId = defineLoader<string, OrderItem[]>(async (ids) => {
    const groups = await itemsOf(this.db, ids);
    return ids.map((id) => groups.get(id) ?? []);
  });

  /** `Order.statusHistory` of every order in a response, one query. */
  readonly historyByOrderId = defineLoader<string, OrderStatusChange[]>(async (ids) => {
    const groups = await historyOf(this.db, ids);
    return ids.map((id) => groups.get(id) ?? []);
  });

  /** The owner and admins see an order; nobody else learns anything about it. */
  canSee(viewer: Viewer | null, order: Order): boolean {
    return isSelfOrAdmin(viewer, order.userId);
  }

  /**
   * `order(id)`: BAD_USER_INPUT for a malformed id; otherwise the order, or null, without an
   * error, when it does not exist or is not the viewer's (admins see all), anonymous callers included.
   */
  async find(context: RequestContext, id: string): Promise<Order | null> {
    checkOrderId(id, 'id');
    const order = await this.byId(context).load(id);
    return order && this.canSee(context.viewer, order) ? order : null;
  }

  /**
   * The subject of a mutation or subscription: UNAUTHENTICATED when signed out, BAD_USER_INPUT
   * for a malformed id (on `field`), NOT_FOUND when it does not exist or is not the viewer's.
   */
  async subject(context: RequestContext, id: string, field: string): Promise<Order> {
    requireViewer(context);
    checkOrderId(id, field);
    const order = await this.byId(context).load(id);
    if (!order || !this.canSee(context.viewer, order)) throw notFound('Order');
    return order;
  }

  /** A representation from another subgraph: the order for its owner or an admin, null for anyone else. */
  async reference(context: RequestContext, id: string): Promise<Order | null> {
    const order = await this.byId(context).load(id);
    return order && this.canSee(context.viewer, order) ? order : null;
  }

  /** The order as it is now in the database (a subscription push must not show a cached state). */
  async current(id: string): Promise<Order | null> {
    return (await ordersByIds(this.db, [id]))[0] ?? null;
  }

  /** `User.orders`: one user's orders, newest first, keyset-paged on (created_at, id), through the same filter as `orders`. */
  async list(
    context: RequestContext,
    userId: string,
    filter: OrderFilter | null | undefined,
    page: PageFields,
  ): Promise<ConnectionShape<Order>> {
    const viewer = requireViewer(context);
    if (!isSelfOrAdmin(viewer, userId)) throw forbidden('Only the user or an admin may list their orders');
    return orderPage(this.db, checkOrderFilter(filter), userId, page);
  }

  /** `orders(filter)`: every customer's orders, newest first (the resolver admits admins only). */
  search(filter: OrderFilter | null | undefined, page: PageFields): Promise<ConnectionShape<Order>> {
    return orderPage(this.db, checkOrderFilter(filter), null, page);
  }

  /** The owner (or an admin) cancels an order nobody has paid yet. */
  async cancel(context: RequestContext, id: string): Promise<Order> {
    const order = await this.subject(context, id, 'input.orderId');
    const reason =
      context.viewer!.id === order.userId
        ? OrderStatusChangeReason.CANCELLED_BY_CUSTOMER
        : OrderStatusChangeReason.CANCELLED_BY_ADMIN;
    await this.db.transaction(async (manager) => {
      // The status is read again under the transition's lock: a payment may have landed meanwhile.
      const [row] = await queryRows<{ status: OrderStatus }>(
        manager,
        `SELECT status FROM orders WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!UNPAID.includes(row.status)) {
        throw conflict(`Only an unpaid order can be cancelled; this one is ${row.status}`, 'INVALID_STATUS');
      }
      await this.transitions.transition(manager, id, OrderStatus.CANCELLED, reason, {
        correlationId: context.requestId,
        actor: { kind: 'USER', userId: context.viewer!.id, role: context.viewer!.role },
      });
    });
    context.log.info({ orderId: id, reason }, 'order cancelled');
    return (await this.current(id))!;
  }

  /**
   * Cancels orders still unpaid `paymentTimeoutMinutes` after checkout, a batch per
   * transaction. SKIP LOCKED: replicas running the job at once each take other orders, and
   * an order being paid right now is left for the next round (then it is no longer unpaid).
   */
  async expireUnpaid(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.settings.paymentTimeoutMinutes * 60_000);
    let expired = 0;
    for (;;) {
      const batch = await this.db.transaction(async (manager) => {
        const rows = await queryRows<{ id: string }>(
          manager,
          `SELECT id FROM orders WHERE status = ANY($1::text[]) AND created_at < $2 ORDER BY created_at LIMIT ${EXPIRY_BATCH_SIZE} FOR UPDATE SKIP LOCKED`,
          [UNPAID, cutoff],
        );
        for (const { id } of rows) {
          await this.transitions.transition(
            manager,
            id,
            OrderStatus.CANCELLED,
            OrderStatusChangeReason.PAYMENT_TIMEOUT,
            {
              correlationId: `order-expiry-${now.toISOString()}`,
            },
          );
        }
        return rows.length;
      });
      expired += batch;
      if (batch < EXPIRY_BATCH_SIZE) break;
    }
    if (expired > 0) this.log.info({ expired, cutoff }, 'unpaid orders expired');
    // The same round folds the per-status count changes into the counts `orders` reads.
    await this.db.query(`SELECT order_status_counts_fold()`);
    return expired;
  }
}

function checkOrderId(id: string, field: string): void {
  const check = new InputCheck();
  if (!isUuid(id)) check.add(field, 'must be a UUID');
  check.done();
}

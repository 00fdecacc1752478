import {
  Outbox,
  RequestContext,
  Role,
  TraceCarrier,
  alignToKeys,
  defineLoader,
  forbidden,
  isSelfOrAdmin,
  isUuid,
  queryRows,
  requireViewer,
  traceCarrierOf,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrderReplicaService } from '../order/order-replica.service';
import type { PaymentProvider } from '../provider/payment-provider';
import { orderNotHeardOf, paymentConflict } from './payment.errors';
import { recordAttemptStarted } from './payment.timeline-events';
import { checkOrderId } from './payment.validation';
import { isPaid } from './payment.transitions';
import { PAYMENT_COLUMNS, Payment, toPayment } from './payment.type';

const FROM = `FROM payments p JOIN orders o ON o.id = p.order_id`;

/** Payments: one per order, created with its provider's intent. */
export class PaymentService {
  constructor(
    private readonly db: DataSource,
    private readonly orders: OrderReplicaService,
    private readonly provider: PaymentProvider,
    private readonly outbox: Outbox,
  ) {}

  /** Payments by id the viewer may see (owner or admin), one query per request tick; others are null. */
  readonly byId = defineLoader<string, Payment | null>(async (ids, context) => {
    const valid = [...new Set(ids.filter(isUuid))];
    const rows = valid.length
      ? await queryRows(this.db, `SELECT ${PAYMENT_COLUMNS} ${FROM} WHERE p.id = ANY($1::uuid[])`, [valid])
      : [];
    return alignToKeys(ids, rows.map(toPayment), (payment) => payment.id).map((payment) =>
      payment && this.canSee(context, payment) ? payment : null,
    );
  });

  /**
   * `Order.payments` per order, one query per request tick: the payments of an order the viewer
   * owns (any order for admins); null for an order of someone else (the field's FORBIDDEN). An
   * order payments has not heard of yet has no payment: []. Signed-out viewers never get here.
   */
  readonly byOrderId = defineLoader<string, Payment[] | null>(async (orderIds, context) => {
    const viewer = requireViewer(context);
    const valid = [...new Set(orderIds.filter(isUuid))];
    const rows = valid.length
      ? await queryRows(
          this.db,
          `SELECT o.id AS "orderKey", o.user_id AS "orderOwner", ${PAYMENT_COLUMNS}
           FROM orders o LEFT JOIN payments p ON p.order_id = o.id WHERE o.id = ANY($1::uuid[]) ORDER BY p.created_at, p.id`,
          [valid],
        )
      : [];
    const owners = new Map(rows.map((row) => [row.orderKey as string, row.orderOwner as string]));
    const payments = rows.filter((row) => row.id !== null).map(toPayment);
    return orderIds.map((orderId) => {
      const owner = owners.get(orderId);
      if (owner !== undefined && viewer.role !== Role.ADMIN && owner !== viewer.id) return null;
      return payments.filter((payment) => payment.orderId === orderId);
    });
  });

  canSee(context: RequestContext, payment: Payment): boolean {
    return isSelfOrAdmin(context.viewer, payment.userId);
  }

  /** The order's payment; `lock` holds the payment row (FOR UPDATE) until the transaction ends. */
  async ofOrder(manager: DataSource | EntityManager, orderId: string, lock = false): Promise<Payment | null> {
    const [row] = await queryRows(
      manager,
      `SELECT ${PAYMENT_COLUMNS} ${FROM} WHERE p.order_id = $1${lock ? ' FOR UPDATE OF p' : ''}`,
      [orderId],
    );
    return row ? toPayment(row) : null;
  }

  async find(manager: DataSource | EntityManager, paymentId: string, lock = false): Promise<Payment | null> {
    const [row] = await queryRows(
      manager,
      `SELECT ${PAYMENT_COLUMNS} ${FROM} WHERE p.id = $1${lock ? ' FOR UPDATE OF p' : ''}`,
      [paymentId],
    );
    return row ? toPayment(row) : null;
  }

  /** The trace context the payment was created in (by our id or the intent's), to handle its webhooks in. */
  async traceContextOf(manager: EntityManager, change: { intentId: string; paymentId?: string }) {
    const [row] = await queryRows<{ traceContext: TraceCarrier | null }>(
      manager,
      `SELECT trace_context AS "traceContext" FROM payments WHERE provider_ref = $1 OR id = $2::uuid LIMIT 1`,
      [change.intentId, change.paymentId && isUuid(change.paymentId) ? change.paymentId : null],
    );
    return row?.traceContext ?? undefined;
  }

  async findByProviderRef(manager: EntityManager, providerRef: string): Promise<Payment | null> {
    const [row] = await queryRows(
      manager,
      `SELECT ${PAYMENT_COLUMNS} ${FROM} WHERE p.provider_ref = $1 FOR UPDATE OF p`,
      [providerRef],
    );
    return row ? toPayment(row) : null;
  }

  /**
   * The order's payment with its provider intent, for the order's owner. Asking again
   * returns the same payment and client secret: the order row is locked while the payment
   * row is made, and the unique order id keeps it to one.
   */
  async createIntent(context: RequestContext, orderId: string): Promise<Payment & { clientSecret: string }> {
    const viewer = requireViewer(context);
    checkOrderId(orderId);
    const payment = await this.db.transaction(async (manager) => {
      const order = await this.orders.find(manager, orderId, true);
      if (!order) throw orderNotHeardOf();
      // Only an admin may see someone else's order; anyone else is told it does not exist.
      if (order.userId !== viewer.id) {
        if (viewer.role !== Role.ADMIN) throw orderNotHeardOf();
        throw forbidden('Only the customer who placed the order can pay for it');
      }
      if (order.status === 'CANCELLED')
        throw paymentConflict('This order was cancelled; it can no longer be paid', 'ORDER_CANCELLED');
      const existing = await this.ofOrder(manager, orderId);
      if (existing && isPaid(existing.status)) throw paymentConflict('This order is already paid', 'ALREADY_PAID');
      if (existing) return existing;
      // The webhook, a request of Stripe's, continues this request's trace from the row.
      await manager.query(
        `INSERT INTO payments (order_id, amount, currency, provider, trace_context) VALUES ($1, $2, $3, $4, $5)`,
        [orderId, order.amount, order.currency, this.provider.kind, JSON.stringify(traceCarrierOf() ?? null)],
      );
      const created = (await this.ofOrder(manager, orderId))!;
      await recordAttemptStarted(manager, this.outbox, context, created);
      return created;
    });
    const ready = payment.clientSecret ? payment : await this.attachIntent(payment);
    context.log.info({ paymentId: ready.id, orderId, providerRef: ready.providerRef }, 'payment intent ready');
    return ready as Payment & { clientSecret: string };
  }

  /**
   * Asks the provider once the payment row exists (its id goes into the intent's metadata).
   * The payment row stays locked meanwhile, so concurrent callers wait and reuse the one
   * intent; after a crash, the idempotency key gets the same intent from Stripe again.
   */
  private attachIntent(payment: Payment): Promise<Payment> {
    return this.db.transaction(async (manager) => {
      const locked = (await this.find(manager, payment.id, true))!;
      if (locked.clientSecret) return locked;
      const intent = await this.provider.createIntent({
        amount: locked.amountMinor,
        currency: locked.currency,
        metadata: { paymentId: locked.id, orderId: locked.orderId },
        idempotencyKey: `payment-intent:${locked.orderId}:${locked.amountMinor}${locked.currency}`,
      });
      await manager.query(
        `UPDATE payments SET provider_ref = $2, client_secret = $3, updated_at = now() WHERE id = $1`,
        [locked.id, intent.id, intent.clientSecret],
      );
      return (await this.find(manager, locked.id))!;
    });
  }
}

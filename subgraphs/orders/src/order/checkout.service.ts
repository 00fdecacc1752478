import {
  Events,
  InputCheck,
  Outbox,
  RequestContext,
  globalId,
  conflict,
  isUniqueViolation,
  queryRows,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { CartService } from '../cart/cart.service';
import { CheckoutInput } from './order.inputs';
import { CheckoutPayload } from './order.payloads';
import { appendHistory, ordersByIds } from './order.store';
import type { OrderTransitions } from './order.transitions';
import { OrderStatus, OrderStatusChangeReason } from './order.type';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_:-]{8,100}$/;
const KEY_CONSTRAINT = 'orders_user_id_idempotency_key_key';

interface CartLine {
  productId: string;
  vendorId: string;
  name: string | null;
  amount: number | null;
  currency: string | null;
  status: string;
}

/** Turns the signed-in user's cart into an order awaiting payment. */
export class CheckoutService {
  constructor(
    private readonly db: DataSource,
    private readonly carts: CartService,
    private readonly outbox: Outbox,
    private readonly transitions: OrderTransitions,
  ) {}

  /**
   * One transaction: the cart row is locked first, so two checkouts of one cart run one
   * after the other; the second finds the first's order by its key, or an empty cart.
   * Prices and names come from the replica rows, held FOR SHARE so a repricing waits.
   */
  async checkout(context: RequestContext, input: CheckoutInput): Promise<CheckoutPayload> {
    const viewer = requireViewer(context);
    const key = input.idempotencyKey;
    const check = new InputCheck();
    if (!IDEMPOTENCY_KEY.test(key))
      check.add('input.idempotencyKey', 'must be 8 to 100 of the characters A-Z a-z 0-9 _ : -');
    check.done();
    try {
      const orderId = await this.db.transaction(async (manager) => {
        const cart = await this.carts.open(manager, viewer.id, true);
        const existing = await this.byKey(manager, viewer.id, key);
        if (existing) return existing;
        const lines = await queryRows<CartLine>(
          manager,
          `SELECT p.id AS "productId", p.vendor_id AS "vendorId", p.name, p.price_amount AS amount, p.price_currency AS currency, p.status
           FROM cart_items i JOIN products p ON p.id = i.product_id
           WHERE i.cart_id = $1 ORDER BY i.added_at, i.product_id FOR SHARE OF p`,
          [cart.id],
        );
        const currency = checkLines(lines);
        const orderId = await this.create(manager, context, viewer.id, key, lines, currency);
        await manager.query(`DELETE FROM cart_items WHERE cart_id = $1`, [cart.id]);
        await manager.query(`UPDATE carts SET updated_at = now() WHERE id = $1`, [cart.id]);
        this.transitions.notify(manager, orderId);
        return orderId;
      });
      return this.payload(viewer.id, orderId);
    } catch (error) {
      // The cart lock serialises one user's checkouts; should two still race on a key, the winner's order is the answer.
      if (!isUniqueViolation(error, KEY_CONSTRAINT)) throw error;
      const orderId = await this.byKey(this.db.manager, viewer.id, key);
      if (!orderId) throw error;
      return this.payload(viewer.id, orderId);
    }
  }

  /** The order and the cart as they are after the checkout (on a retry: the first order, the cart as it is now). */
  private async payload(userId: string, orderId: string): Promise<CheckoutPayload> {
    const [[order], cart] = await Promise.all([ordersByIds(this.db, [orderId]), this.carts.mine(userId)]);
    return { order, cart };
  }

  private async byKey(manager: EntityManager, userId: string, key: string): Promise<string | null> {
    const [row] = await queryRows<{ id: string }>(
      manager,
      `SELECT id FROM orders WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, key],
    );
    return row?.id ?? null;
  }

  private async create(
    manager: EntityManager,
    context: RequestContext,
    userId: string,
    key: string,
    lines: CartLine[],
    currency: string,
  ): Promise<string> {
    const subtotal = lines.reduce((sum, line) => sum + line.amount!, 0);
    const [{ n }] = await queryRows<{ n: string }>(manager, `SELECT nextval('order_number_seq') AS n`);
    // padStart never truncates: order 1,000,000 is MP-1000000.
    const number = `MP-${n.padStart(6, '0')}`;
    const [{ id }] = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO orders (number, user_id, status, currency, subtotal_amount, total_amount, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id`,
      [number, userId, OrderStatus.PENDING_PAYMENT, currency, subtotal, key],
    );
    await manager.query(
      `INSERT INTO order_items (order_id, product_id, vendor_id, name, unit_price, currency, position)
       SELECT $1, line.product_id, line.vendor_id, line.name, line.unit_price, $2, line.position
       FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::int[]) WITH ORDINALITY AS line (product_id, vendor_id, name, unit_price, position)`,
      [
        id,
        currency,
        lines.map((l) => l.productId),
        lines.map((l) => l.vendorId),
        lines.map((l) => l.name),
        lines.map((l) => l.amount),
      ],
    );
    await appendHistory(manager, id, null, OrderStatus.PENDING_PAYMENT, OrderStatusChangeReason.CHECKOUT, {
      kind: 'USER',
      userId,
      role: context.viewer!.role,
    });
    const total = { amount: subtotal, currency };
    const items = lines.map((line) => ({
      productId: line.productId,
      vendorId: line.vendorId,
      name: line.name!,
      unitPrice: { amount: line.amount!, currency },
    }));
    await this.outbox.record(
      manager,
      Events.OrderCreated,
      { orderId: id, number, userId, total, items },
      { aggregateId: id, correlationId: context.requestId },
    );
    context.log.info({ orderId: id, number, total, lines: lines.length }, 'order created');
    return id;
  }
}

/**
 * The cart must hold something, all of it still for sale, all in one currency; returns that
 * currency. Each refusal is a CONFLICT with the cart's state (nothing in the input is wrong),
 * the first that applies: empty, then products no longer for sale, then mixed currencies.
 */
function checkLines(lines: CartLine[]): string {
  if (lines.length === 0) throw conflict('The cart is empty', 'CART_EMPTY');
  const unavailable = lines.filter(
    (line) => line.status !== 'PUBLISHED' || line.amount === null || line.currency === null || !line.name,
  );
  if (unavailable.length > 0) {
    throw conflict(
      // Named by the ids clients know (global ids when on), not the stored uuids.
      `The cart holds products that are no longer for sale: ${unavailable.map((line) => globalId('Product', line.productId)).join(', ')}`,
      'PRODUCT_UNAVAILABLE',
    );
  }
  const currencies = [...new Set(lines.map((line) => line.currency).filter((c): c is string => c !== null))];
  if (currencies.length > 1) {
    throw conflict(
      `The cart mixes currencies (${currencies.join(', ')}); one order is charged in one currency`,
      'CURRENCY_MISMATCH',
    );
  }
  return currencies[0];
}

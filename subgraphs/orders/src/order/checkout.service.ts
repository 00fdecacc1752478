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
import { isDeepStrictEqual } from 'node:util';
import type { DataSource, EntityManager } from 'typeorm';
import type { CartService } from '../cart/cart.service';
import { priceLines, sumsOf } from '../pricing/price-lines';
import type { LineDiscount, OrderSums, PricedLine, PricingLine, TaxTreatment } from '../pricing/pricing.types';
import { StoredBilling, billingDetailsOf } from '../tax/billing-details.validation';
import type { TaxRateService } from '../tax/tax-rate.service';
import { taxTreatment } from '../tax/tax.rules';
import { CheckoutInput } from './order.inputs';
import { CheckoutPayload } from './order.payloads';
import { orderSummaryOf } from './order-summary';
import { appendHistory, ordersByIds } from './order.store';
import type { OrderTransitions } from './order.transitions';
import { OrderStatus, OrderStatusChangeReason } from './order.type';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_:-]{8,100}$/;
const KEY_CONSTRAINT = 'orders_user_id_idempotency_key_key';

interface CartLine {
  productId: string;
  vendorId: string;
  categoryId: string | null;
  name: string | null;
  amount: number | null;
  currency: string | null;
  status: string;
}

/** What checkout needs of coupons (CouponPricing): their discounts re-validated, then redeemed for the order. */
export interface CheckoutCoupons {
  discountsAtCheckout(
    manager: EntityManager,
    cartId: string,
    userId: string,
    lines: PricingLine[],
    currency: string,
  ): Promise<LineDiscount[]>;
  redeem(manager: EntityManager, orderId: string, userId: string, discounts: LineDiscount[]): Promise<void>;
}

/** An order priced before it is written: its lines' money, the sums, how it is taxed and who is billed. */
interface PricedOrder {
  lines: PricedLine[];
  sums: OrderSums;
  tax: TaxTreatment;
  billing: StoredBilling;
  currency: string;
  discounts: LineDiscount[];
}

/** Turns the signed-in user's cart into an order awaiting payment. */
export class CheckoutService {
  constructor(
    private readonly db: DataSource,
    private readonly carts: CartService,
    private readonly coupons: CheckoutCoupons,
    private readonly taxRates: TaxRateService,
    private readonly outbox: Outbox,
    private readonly transitions: OrderTransitions,
    private readonly sellerCountry: string,
  ) {}

  /**
   * One transaction: the cart row is locked first, so two checkouts of one cart run one
   * after the other; the second finds the first's order by its key, or an empty cart.
   * Prices and names come from the replica rows, held FOR SHARE so a repricing waits; the
   * coupons are re-validated and redeemed, and the tax rate read, in the same transaction.
   */
  async checkout(context: RequestContext, input: CheckoutInput): Promise<CheckoutPayload> {
    const viewer = requireViewer(context);
    const key = input.idempotencyKey;
    const check = new InputCheck();
    if (!IDEMPOTENCY_KEY.test(key))
      check.add('input.idempotencyKey', 'must be 8 to 100 of the characters A-Z a-z 0-9 _ : -');
    const billing = billingDetailsOf(check, 'input.billing', input.billing);
    check.done();
    try {
      const orderId = await this.db.transaction(async (manager) => {
        const cart = await this.carts.open(manager, viewer.id, true);
        const existing = await this.byKey(manager, viewer.id, key, billing);
        if (existing) return existing;
        const lines = await queryRows<CartLine>(
          manager,
          `SELECT p.id AS "productId", p.vendor_id AS "vendorId", p.category_id AS "categoryId", p.name, p.price_amount AS amount,
                  p.price_currency AS currency, p.status
           FROM cart_items i JOIN products p ON p.id = i.product_id
           WHERE i.cart_id = $1 ORDER BY i.added_at, i.product_id FOR SHARE OF p`,
          [cart.id],
        );
        const priced = await this.price(manager, cart.id, viewer.id, lines, billing);
        const orderId = await this.create(manager, context, viewer.id, key, priced);
        await this.coupons.redeem(manager, orderId, viewer.id, priced.discounts);
        await manager.query(`DELETE FROM cart_items WHERE cart_id = $1`, [cart.id]);
        await manager.query(`UPDATE carts SET updated_at = now() WHERE id = $1`, [cart.id]);
        this.transitions.notify(manager, orderId);
        return orderId;
      });
      return this.payload(viewer.id, orderId);
    } catch (error) {
      // The cart lock serialises one user's checkouts; should two still race on a key, the winner's order is the answer.
      if (!isUniqueViolation(error, KEY_CONSTRAINT)) throw error;
      const orderId = await this.byKey(this.db.manager, viewer.id, key, billing);
      if (!orderId) throw error;
      return this.payload(viewer.id, orderId);
    }
  }

  /** Each line's discounts and tax from the server's data: the cart's coupons, the buyer's country's rate. */
  private async price(
    manager: EntityManager,
    cartId: string,
    userId: string,
    cartLines: CartLine[],
    billing: StoredBilling,
  ): Promise<PricedOrder> {
    const currency = checkLines(cartLines);
    const lines: PricingLine[] = cartLines.map((line) => ({
      productId: line.productId,
      vendorId: line.vendorId,
      categoryId: line.categoryId,
      name: line.name!,
      unitPrice: line.amount!,
    }));
    const discounts = await this.coupons.discountsAtCheckout(manager, cartId, userId, lines, currency);
    const tax = taxTreatment(billing, await this.taxRates.rateOf(manager, billing.country), this.sellerCountry);
    const priced = priceLines(lines, discounts, tax);
    return { lines: priced, sums: sumsOf(priced), tax, billing, currency, discounts };
  }

  /** The order and the cart as they are after the checkout (on a retry: the first order, the cart as it is now). */
  private async payload(userId: string, orderId: string): Promise<CheckoutPayload> {
    const [[order], cart] = await Promise.all([ordersByIds(this.db, [orderId]), this.carts.mine(userId)]);
    return { order, cart };
  }

  /**
   * The order placed earlier with this key, or null. The same key with other billing details
   * is another purchase, not a retry: CONFLICT (IDEMPOTENCY_KEY_REUSED).
   */
  private async byKey(
    manager: EntityManager,
    userId: string,
    key: string,
    billing: StoredBilling,
  ): Promise<string | null> {
    const [row] = await queryRows<{ id: string; billing: (StoredBilling & { reverseCharge: boolean }) | null }>(
      manager,
      `SELECT id, billing FROM orders WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, key],
    );
    if (!row) return null;
    // reverseCharge is derived, not given: compare what the buyer typed.
    const given: Partial<StoredBilling & { reverseCharge: boolean }> = { ...row.billing };
    delete given.reverseCharge;
    if (!isDeepStrictEqual(given, billing))
      throw conflict(
        'This idempotency key was used for a checkout with other billing details',
        'IDEMPOTENCY_KEY_REUSED',
        [{ field: 'input.idempotencyKey', message: 'was used before with other billing details' }],
      );
    return row.id;
  }

  private async create(
    manager: EntityManager,
    context: RequestContext,
    userId: string,
    key: string,
    { lines, sums, tax, billing, currency }: PricedOrder,
  ): Promise<string> {
    const [{ n }] = await queryRows<{ n: string }>(manager, `SELECT nextval('order_number_seq') AS n`);
    // padStart never truncates: order 1,000,000 is MP-1000000.
    const number = `MP-${n.padStart(6, '0')}`;
    const [{ id }] = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO orders (number, user_id, status, currency, subtotal_amount, discount_amount, tax_amount, total_amount, tax_name, billing, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        number,
        userId,
        OrderStatus.PENDING_PAYMENT,
        currency,
        sums.subtotal,
        sums.discount,
        sums.tax,
        sums.total,
        tax.name,
        { ...billing, reverseCharge: tax.reverseCharge },
        key,
      ],
    );
    await manager.query(
      `INSERT INTO order_items (order_id, product_id, vendor_id, name, unit_price, currency, discount, vendor_discount, tax_rate_bps, tax, position)
       SELECT $1, line.product_id, line.vendor_id, line.name, line.unit_price, $2, line.discount, line.vendor_discount, line.tax_rate_bps, line.tax, line.position
       FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[])
            WITH ORDINALITY AS line (product_id, vendor_id, name, unit_price, discount, vendor_discount, tax_rate_bps, tax, position)`,
      [
        id,
        currency,
        lines.map((l) => l.productId),
        lines.map((l) => l.vendorId),
        lines.map((l) => l.name),
        lines.map((l) => l.unitPrice),
        lines.map((l) => l.discount),
        lines.map((l) => l.vendorDiscount),
        lines.map((l) => l.taxRateBps),
        lines.map((l) => l.tax),
      ],
    );
    await appendHistory(manager, id, null, OrderStatus.PENDING_PAYMENT, OrderStatusChangeReason.CHECKOUT, {
      kind: 'USER',
      userId,
      role: context.viewer!.role,
    });
    const [order] = await ordersByIds(manager, [id]);
    await this.outbox.record(manager, Events.OrderCreated, await orderSummaryOf(manager, order), {
      aggregateId: id,
      correlationId: context.requestId,
    });
    context.log.info({ orderId: id, number, total: sums.total, currency, lines: lines.length }, 'order created');
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

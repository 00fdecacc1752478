import { CurrencyCode, Money, badInput, conflict, queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import type { LineDiscount, PricingLine } from '../pricing/pricing.types';
import { allocateDiscounts } from './discount-allocation';
import { COUPON_COLUMNS, CouponRow, couponByCode, customerRedemptions } from './coupon.store';
import { allocatable, checkCode, perCustomerMessage, refusal, stackKeyOf, verdictOf } from './coupon.rules';
import { CartCoupon, CartCouponProblem } from './coupon.type';

/** What a cart with nothing available shows its amounts in (as its subtotal). */
const EMPTY_CART_CURRENCY = CurrencyCode.USD;

/** The cart's coupons as the cart shows them, and the discounts of those that apply. */
export interface CartCoupons {
  coupons: CartCoupon[];
  discounts: LineDiscount[];
}

/**
 * Coupons in carts and orders: the cart's view of them, applying and removing codes, and the
 * checkout's part (re-validation, redemption) and its undoing when an order is cancelled.
 * Every method runs in the caller's transaction.
 */
export class CouponPricing {
  constructor(private readonly now: () => Date = () => new Date()) {}

  /**
   * The cart's coupons, each with what it takes off `lines` (the available lines in
   * `currency`) or why it takes nothing off. A coupon that stopped applying stays in the cart.
   */
  async inCart(
    manager: EntityManager,
    cartId: string,
    userId: string,
    lines: PricingLine[],
    currency: string | null,
  ): Promise<CartCoupons> {
    const coupons = await this.couponsOf(manager, cartId, false);
    const redeemed = await customerRedemptions(
      manager,
      userId,
      coupons.map((coupon) => coupon.id),
    );
    const now = this.now();
    const verdicts = coupons.map((coupon) =>
      verdictOf(coupon, { lines, currency, now, customerRedemptions: redeemed.get(coupon.id) ?? 0 }),
    );
    const applying = coupons.filter((_, index) => verdicts[index] === null);
    const discounts =
      currency === null
        ? []
        : allocateDiscounts(
            lines,
            applying.map((coupon) => allocatable(coupon, lines, currency)),
          );
    const shown = coupons.map((coupon, index) => {
      const verdict = verdicts[index];
      const amount = discounts.filter((d) => d.couponId === coupon.id).reduce((sum, d) => sum + d.amount, 0);
      return Object.assign(new CartCoupon(), {
        code: coupon.code,
        issuer: coupon.issuer,
        vendorId: coupon.vendorId,
        kind: coupon.kind,
        applies: verdict === null,
        problem: verdict?.problem ?? null,
        problemMessage: verdict?.message ?? null,
        discount: Money.of(amount, currency ?? EMPTY_CART_CURRENCY),
      });
    });
    return { coupons: shown, discounts };
  }

  /**
   * Puts the coupon with `rawCode` in the cart (whose row the caller holds locked). Applying
   * one already there changes nothing. Refuses, in this order: a malformed or unknown code
   * (BAD_USER_INPUT), one not valid now (COUPON_EXPIRED), a second coupon of the same issuer
   * (COUPON_STACKING), a limit reached (COUPON_LIMIT_REACHED), a currency it has no amount for
   * (CURRENCY_MISMATCH) and one that applies to nothing in the cart (COUPON_NOT_APPLICABLE).
   */
  async apply(
    manager: EntityManager,
    cartId: string,
    userId: string,
    rawCode: string,
    lines: PricingLine[],
    currency: string | null,
  ): Promise<void> {
    const code = checkCode(rawCode);
    const coupon = await couponByCode(manager, code);
    if (!coupon) throw badInput([{ field: 'input.code', message: 'no coupon with this code' }]);
    const held = await this.couponsOf(manager, cartId, false);
    if (held.some((other) => other.id === coupon.id)) return;
    const now = this.now();
    const redeemed = (await customerRedemptions(manager, userId, [coupon.id])).get(coupon.id) ?? 0;
    const verdict = verdictOf(coupon, { lines, currency, now, customerRedemptions: redeemed });
    if (verdict?.problem === CartCouponProblem.COUPON_EXPIRED) throw refusal(code, verdict, 'input.code');
    const rival = held.find((other) => stackKeyOf(other) === stackKeyOf(coupon));
    if (rival) {
      const message = `cannot be combined with ${rival.code} in one cart: one coupon per issuer (the platform, each vendor)`;
      throw conflict(`Coupon ${code} ${message}`, 'COUPON_STACKING', [{ field: 'input.code', message }]);
    }
    if (verdict) throw refusal(code, verdict, 'input.code');
    await manager.query(`INSERT INTO cart_coupons (cart_id, coupon_id, stack_key) VALUES ($1, $2, $3)`, [
      cartId,
      coupon.id,
      stackKeyOf(coupon),
    ]);
  }

  /** Takes the code out of the cart; one not in it is not an error (a malformed one is BAD_USER_INPUT). */
  async remove(manager: EntityManager, cartId: string, rawCode: string): Promise<void> {
    const code = checkCode(rawCode);
    await manager.query(
      `DELETE FROM cart_coupons WHERE cart_id = $1 AND coupon_id IN (SELECT id FROM coupons WHERE code = $2)`,
      [cartId, code],
    );
  }

  /**
   * The cart's coupons re-validated from the server's data at checkout (coupon rows locked
   * FOR UPDATE, in id order); throws the same CONFLICT/BAD_USER_INPUT as applyCoupon when one
   * no longer applies.
   */
  async discountsAtCheckout(
    manager: EntityManager,
    cartId: string,
    userId: string,
    lines: PricingLine[],
    currency: string,
  ): Promise<LineDiscount[]> {
    const coupons = await this.couponsOf(manager, cartId, true);
    const redeemed = await customerRedemptions(
      manager,
      userId,
      coupons.map((coupon) => coupon.id),
    );
    const now = this.now();
    for (const coupon of coupons) {
      const verdict = verdictOf(coupon, { lines, currency, now, customerRedemptions: redeemed.get(coupon.id) ?? 0 });
      if (verdict) throw refusal(coupon.code, verdict);
    }
    return allocateDiscounts(
      lines,
      coupons.map((coupon) => allocatable(coupon, lines, currency)),
    );
  }

  /**
   * Takes one redemption per coupon behind `discounts` for the order (atomic: UPDATE ... SET
   * redemption_count = redemption_count + 1 WHERE ... < max RETURNING; per-customer count
   * checked under the coupon row lock), records each line's discounts (table
   * order_item_discounts) and removes the coupons from the cart. Throws CONFLICT
   * COUPON_LIMIT_REACHED if a limit was reached meanwhile.
   */
  async redeem(manager: EntityManager, orderId: string, userId: string, discounts: LineDiscount[]): Promise<void> {
    const codes = new Map(discounts.map((d) => [d.couponId, d.code]));
    // Coupon rows are locked in id order everywhere, so two checkouts sharing coupons cannot deadlock.
    for (const couponId of [...codes.keys()].sort()) {
      const code = codes.get(couponId)!;
      const limitReached = (message: string) =>
        conflict(`Coupon ${code} ${message}`, 'COUPON_LIMIT_REACHED', undefined);
      const [taken] = await queryRows<{ perCustomer: number }>(
        manager,
        `UPDATE coupons SET redemption_count = redemption_count + 1
         WHERE id = $1 AND (max_redemptions IS NULL OR redemption_count < max_redemptions)
         RETURNING max_redemptions_per_customer AS "perCustomer"`,
        [couponId],
      );
      if (!taken) throw limitReached('was redeemed as often as it may be');
      // The row lock the UPDATE took serialises this customer's concurrent checkouts: each counts the others' committed redemptions.
      const mine = (await customerRedemptions(manager, userId, [couponId])).get(couponId) ?? 0;
      if (mine >= taken.perCustomer) throw limitReached(perCustomerMessage(taken.perCustomer));
      await manager.query(`INSERT INTO coupon_redemptions (coupon_id, order_id, user_id) VALUES ($1, $2, $3)`, [
        couponId,
        orderId,
        userId,
      ]);
    }
    if (discounts.length > 0)
      await manager.query(
        `INSERT INTO order_item_discounts (order_id, product_id, coupon_id, code, issuer, amount)
         SELECT $1, d.product_id, d.coupon_id, d.code, d.issuer, d.amount
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int[]) AS d (product_id, coupon_id, code, issuer, amount)
         WHERE d.amount > 0`,
        [
          orderId,
          discounts.map((d) => d.productId),
          discounts.map((d) => d.couponId),
          discounts.map((d) => d.code),
          discounts.map((d) => d.issuer),
          discounts.map((d) => d.amount),
        ],
      );
    await manager.query(`DELETE FROM cart_coupons WHERE cart_id IN (SELECT id FROM carts WHERE user_id = $1)`, [
      userId,
    ]);
  }

  /** Gives back the order's redemptions (cancelled or expired order); idempotent. */
  async release(manager: EntityManager, orderId: string): Promise<void> {
    const released = await queryRows<{ couponId: string }>(
      manager,
      `UPDATE coupon_redemptions SET released_at = clock_timestamp()
       WHERE order_id = $1 AND released_at IS NULL RETURNING coupon_id AS "couponId"`,
      [orderId],
    );
    for (const couponId of released.map((row) => row.couponId).sort())
      await manager.query(`UPDATE coupons SET redemption_count = redemption_count - 1 WHERE id = $1`, [couponId]);
  }

  /** The cart's coupons, oldest first; `lock` holds their rows FOR UPDATE (locked in id order) until the transaction ends. */
  private couponsOf(manager: EntityManager, cartId: string, lock: boolean): Promise<CouponRow[]> {
    return queryRows<CouponRow>(
      manager,
      `SELECT ${COUPON_COLUMNS} FROM cart_coupons cc JOIN coupons c ON c.id = cc.coupon_id
       WHERE cc.cart_id = $1 ORDER BY ${lock ? 'c.id FOR UPDATE OF c' : 'cc.added_at, c.id'}`,
      [cartId],
    );
  }
}

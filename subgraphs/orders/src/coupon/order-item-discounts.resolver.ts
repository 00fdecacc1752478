import { ListSize, Money, RequestContext, defineLoader, queryRows } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { OrderItem } from '../order/order.type';
import { CouponIssuer, OrderItemDiscount } from './coupon.type';

/** An order line as order.store.ts reads it: its order's id rides along, not in the schema. */
type StoredOrderItem = OrderItem & { orderId: string };

interface DiscountRow {
  orderId: string;
  productId: string;
  code: string;
  issuer: CouponIssuer;
  amount: number;
  currency: string;
}

const keyOf = (orderId: string, productId: string) => `${orderId}/${productId}`;

/** What coupons add to an order line: the discounts it got at checkout. */
@Resolver(() => OrderItem)
export class OrderItemDiscountsResolver {
  constructor(private readonly db: DataSource) {}

  /** Every line's discounts in a response, one query per request. */
  private readonly discountsOf = defineLoader<string, OrderItemDiscount[]>(async (keys) => {
    const orderIds = [...new Set(keys.map((key) => key.split('/')[0]))];
    const rows = await queryRows<DiscountRow>(
      this.db,
      `SELECT d.order_id AS "orderId", d.product_id AS "productId", d.code, d.issuer, d.amount, i.currency
       FROM order_item_discounts d JOIN order_items i USING (order_id, product_id)
       WHERE d.order_id = ANY($1::uuid[])
       ORDER BY d.order_id, d.product_id, d.issuer DESC, d.code`,
      [orderIds],
    );
    const byLine = new Map<string, OrderItemDiscount[]>();
    for (const row of rows) {
      const key = keyOf(row.orderId, row.productId);
      const discount = Object.assign(new OrderItemDiscount(), {
        code: row.code,
        issuer: row.issuer,
        amount: Money.of(row.amount, row.currency),
      });
      byLine.set(key, [...(byLine.get(key) ?? []), discount]);
    }
    return keys.map((key) => byLine.get(key) ?? []);
  });

  // One coupon of the platform and one of the line's vendor at most.
  @ListSize(2)
  @FieldResolver(() => [OrderItemDiscount], {
    description: "The coupons' shares of the line's discount, as at checkout: the vendor's first, then the platform's.",
  })
  discounts(@Root() item: OrderItem, @Ctx() context: RequestContext): Promise<OrderItemDiscount[]> {
    return this.discountsOf(context).load(keyOf((item as StoredOrderItem).orderId, item.product.id));
  }
}

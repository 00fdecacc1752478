import { RequestContext } from '@marketplace/kit';
import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { User } from '../entity-stubs';
import { CheckoutService } from './checkout.service';
import { OrderIdArgs } from './order.args';
import { CancelOrderInput, CheckoutInput } from './order.inputs';
import { CancelOrderPayload, CheckoutPayload } from './order.payloads';
import { OrderService } from './order.service';
import { taxesOf } from './order.store';
import { Order, OrderItem, OrderStatusChange, OrderTax } from './order.type';

@Resolver(() => Order)
export class OrderResolver {
  constructor(
    private readonly orders: OrderService,
    private readonly checkoutService: CheckoutService,
  ) {}

  @Query(() => Order, {
    nullable: true,
    description:
      'One order, for its owner or an admin; null for anyone else (signed out included), exactly as when there is none. Errors: BAD_USER_INPUT.',
  })
  order(@Args() { id }: OrderIdArgs, @Ctx() context: RequestContext): Promise<Order | null> {
    return this.orders.find(context, id);
  }

  @Mutation(() => CheckoutPayload, {
    nullable: true,
    description:
      "Turns the signed-in user's cart into an order awaiting payment, at the marketplace's current prices, and empties the cart. The cart's coupons are checked again and redeemed; each line is taxed at the rate of the billing country (none under EU reverse charge), and the order's total is what the payment will be for. Retrying with the same idempotency key returns the same order. Errors: UNAUTHENTICATED, BAD_USER_INPUT, CONFLICT (CART_EMPTY, COUPON_EXPIRED, COUPON_LIMIT_REACHED, COUPON_NOT_APPLICABLE, CURRENCY_MISMATCH, IDEMPOTENCY_KEY_REUSED, PRODUCT_UNAVAILABLE).",
  })
  checkout(
    @Arg('input', { description: "The purchase attempt's idempotency key and who is billed." }) input: CheckoutInput,
    @Ctx() context: RequestContext,
  ): Promise<CheckoutPayload> {
    return this.checkoutService.checkout(context, input);
  }

  @Mutation(() => CancelOrderPayload, {
    nullable: true,
    description:
      'Cancels an order nobody has paid yet (PENDING_PAYMENT or PAYMENT_FAILED), by its owner or an admin; NOT_FOUND for anyone else, exactly as when there is none. Errors: UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND, CONFLICT (INVALID_STATUS).',
  })
  async cancelOrder(
    @Arg('input', { description: 'The order to cancel.' }) input: CancelOrderInput,
    @Ctx() context: RequestContext,
  ): Promise<CancelOrderPayload> {
    return { order: await this.orders.cancel(context, input.orderId) };
  }

  @FieldResolver()
  owner(@Root() order: Order): User {
    return User.of(order.userId);
  }

  @FieldResolver()
  items(@Root() order: Order, @Ctx() context: RequestContext): Promise<OrderItem[]> {
    return this.orders.itemsByOrderId(context).load(order.id);
  }

  @FieldResolver(() => [OrderTax])
  async taxes(@Root() order: Order, @Ctx() context: RequestContext): Promise<OrderTax[]> {
    return taxesOf(order, await this.orders.itemsByOrderId(context).load(order.id));
  }

  @FieldResolver()
  statusHistory(@Root() order: Order, @Ctx() context: RequestContext): Promise<OrderStatusChange[]> {
    return this.orders.historyByOrderId(context).load(order.id);
  }
}

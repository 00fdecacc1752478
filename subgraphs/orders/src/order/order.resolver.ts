import { PagedList, RequestContext } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { User } from '../entity-stubs';
import { CheckoutService } from './checkout.service';
import { OrderIdArgs, OrdersArgs } from './order.args';
import { CheckoutInput } from './order.inputs';
import { OrderService } from './order.service';
import { Order, OrderConnection, OrderItem, OrderStatusChange } from './order.type';

@Resolver(() => Order)
export class OrderResolver {
  constructor(
    private readonly orders: OrderService,
    private readonly checkoutService: CheckoutService,
  ) {}

  @Authorized()
  @Query(() => Order, {
    nullable: true,
    description: 'One order, for its owner or an admin; NOT_FOUND for anyone else, exactly as when unknown.',
  })
  order(@Args() { id }: OrderIdArgs, @Ctx() context: RequestContext): Promise<Order> {
    return this.orders.get(context, id);
  }

  @Authorized()
  @PagedList()
  @Query(() => OrderConnection, { description: "The signed-in user's orders, newest first." })
  myOrders(@Args() { status, ...page }: OrdersArgs, @Ctx() context: RequestContext) {
    return this.orders.list(context, context.viewer!.id, status, page);
  }

  @Authorized()
  @Mutation(() => Order, {
    description:
      "Turns the signed-in user's cart into an order awaiting payment, at the marketplace's current prices, and empties the cart. Retrying with the same idempotency key returns the same order.",
  })
  checkout(
    @Arg('input', { description: "The purchase attempt's idempotency key." }) input: CheckoutInput,
    @Ctx() context: RequestContext,
  ): Promise<Order> {
    return this.checkoutService.checkout(context, input);
  }

  @Authorized()
  @Mutation(() => Order, {
    description:
      'Cancels an order nobody has paid yet (PENDING_PAYMENT or PAYMENT_FAILED), by its owner or an admin; CONFLICT otherwise.',
  })
  cancelOrder(@Args() { id }: OrderIdArgs, @Ctx() context: RequestContext): Promise<Order> {
    return this.orders.cancel(context, id);
  }

  @FieldResolver()
  user(@Root() order: Order): User {
    return User.of(order.userId);
  }

  @FieldResolver()
  items(@Root() order: Order, @Ctx() context: RequestContext): Promise<OrderItem[]> {
    return this.orders.itemsByOrderId(context).load(order.id);
  }

  @FieldResolver()
  statusHistory(@Root() order: Order, @Ctx() context: RequestContext): Promise<OrderStatusChange[]> {
    return this.orders.historyByOrderId(context).load(order.id);
  }
}

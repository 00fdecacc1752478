import { ChangeFeed, ChangeTopics, LoaderRegistry, RequestContext, changeStream, notFound } from '@marketplace/kit';
import { GraphQLResolveInfo, getArgumentValues } from 'graphql';
import { Args, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import { OrderUpdatedArgs } from './order.args';
import { OrderService } from './order.service';
import { Order } from './order.type';

/** The root value with which `subscribe` asks this field's resolver to open the stream. */
const OPEN = Symbol('open the order stream');

/**
 * type-graphql gives a custom `subscribe` no resolver instance, yet opening the stream needs
 * this subgraph's database and change feed. So `subscribe` calls the field's own resolver
 * with OPEN as root: type-graphql finds the instance wired for this very schema (no global).
 * It passes the arguments as the client sent them, not the `args` it was given: with global ids
 * on, the kit decodes the arguments of `subscribe` and of `resolve` each, and decoding the
 * already-decoded uuid again refused every valid `Order:<uuid>` as malformed.
 */
function subscribeThroughResolver({ context, info }: { context: unknown; info: GraphQLResolveInfo }) {
  const field = info.parentType.getFields()[info.fieldName];
  const sent = getArgumentValues(field, info.fieldNodes[0], info.variableValues);
  return field.resolve!(OPEN, sent, context, info) as Promise<AsyncIterable<void>>;
}

@Resolver(() => Order)
export class OrderSubscriptionResolver {
  constructor(
    private readonly orders: OrderService,
    private readonly changes: ChangeFeed,
  ) {}

  @Subscription(() => Order, {
    description:
      'The order now, then again after each change (status, licenses…), for its owner or an admin; NOT_FOUND for anyone else, exactly as when there is none. A client that reconnects gets the current state first. Errors: UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND.',
    subscribe: subscribeThroughResolver,
  })
  async orderUpdated(
    @Root() root: unknown,
    @Args() { orderId }: OrderUpdatedArgs,
    @Ctx() context: RequestContext,
  ): Promise<Order | AsyncIterable<void>> {
    if (root === OPEN) {
      // UNAUTHENTICATED, BAD_USER_INPUT or NOT_FOUND (also for an order not the viewer's) before anything is subscribed.
      await this.orders.subject(context, orderId, 'orderId');
      return changeStream(this.changes, ChangeTopics.order(orderId));
    }
    // Each notification only says "changed": read the order as it is now, past every cache. The
    // context lives as long as the subscription, so its loaders (items, history) start afresh per push.
    context.loaders = new LoaderRegistry();
    const order = await this.orders.current(orderId);
    if (!order) throw notFound('Order');
    return order;
  }
}

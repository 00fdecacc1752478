import { PagedList, type RequestContext } from '@marketplace/kit';
import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { OrdersArgs } from '../order/order.args';
import { OrderConnection } from '../order/order.type';
import { OrderService } from '../order/order.service';
import { User } from '../entity-stubs';

/** What this subgraph adds to the users subgraph's `User`. */
@Resolver(() => User)
export class UserOrdersResolver {
  constructor(private readonly orderService: OrderService) {}

  // Nullable: a refusal here must not null the whole user other subgraphs contributed to.
  @PagedList()
  @FieldResolver(() => OrderConnection, {
    nullable: true,
    description:
      "The user's orders, newest first (read your own as `me { orders }`): for the user and admins only; UNAUTHENTICATED when signed out, FORBIDDEN for anyone else.",
  })
  orders(@Root() user: User, @Args() { filter, ...page }: OrdersArgs, @Ctx() context: RequestContext) {
    return this.orderService.list(context, user.id, filter, page);
  }
}

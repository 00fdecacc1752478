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
    description: "The user's orders, newest first: for the user and admins only (FORBIDDEN for anyone else).",
  })
  orders(@Root() user: User, @Args() { status, ...page }: OrdersArgs, @Ctx() context: RequestContext) {
    return this.orderService.list(context, user.id, status, page);
  }
}

import { ConnectionShape, PagedList, Role } from '@marketplace/kit';
import { Args, Authorized, Query, Resolver } from 'type-graphql';
import { OrdersArgs } from './order.args';
import { OrderService } from './order.service';
import { Order, OrderConnection } from './order.type';

/** The operator console's order search (issue 20): every customer's orders, for admins. */
@Resolver(() => Order)
export class OrderSearchResolver {
  constructor(private readonly orderService: OrderService) {}

  @Authorized(Role.ADMIN)
  @PagedList()
  @Query(() => OrderConnection, {
    nullable: true,
    description:
      "Every customer's orders, newest first (admin): by order number or customer email (`search`), status, vendor or product of a line, placement time and minimum total; `totalCount` counts all that match. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT.",
  })
  orders(@Args() { filter, ...page }: OrdersArgs): Promise<ConnectionShape<Order>> {
    return this.orderService.search(filter, page);
  }
}

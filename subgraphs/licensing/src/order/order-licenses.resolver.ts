import { AssumedListSize, ListSize, type RequestContext } from '@marketplace/kit';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { LicenseService } from '../license/license.service';
import { License } from '../license/license.type';
import { Order } from '../entity-stubs';

/** What licensing adds to the orders subgraph's `Order`. */
@Resolver(() => Order)
export class OrderLicensesResolver {
  constructor(private readonly licenseService: LicenseService) {}

  @ListSize(AssumedListSize.orderLines)
  @FieldResolver(() => [License], {
    description:
      "The licenses issued for the order's lines, for the order's owner and admins; empty for everyone else.",
  })
  licenses(@Root() order: Order, @Ctx() context: RequestContext): Promise<License[]> {
    return this.licenseService.byOrderId(context).load(order.id);
  }
}

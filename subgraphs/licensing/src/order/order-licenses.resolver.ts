import { AssumedListSize, ListSize, type RequestContext } from '@marketplace/kit';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { LicenseService } from '../license/license.service';
import { License } from '../license/license.type';
import { Order } from '../entity-stubs';

/** What licensing adds to the orders subgraph's `Order`. */
@Resolver(() => Order)
export class OrderLicensesResolver {
  constructor(private readonly licenseService: LicenseService) {}

  // Nullable: a refusal (a list, so an error) must not null the whole order other subgraphs contributed to.
  @ListSize(AssumedListSize.orderLines)
  @FieldResolver(() => [License], {
    nullable: true,
    description:
      "The licenses issued for the order's lines (empty until it is paid): for the order's owner and admins; UNAUTHENTICATED or FORBIDDEN (field null) for anyone else.",
  })
  licenses(@Root() order: Order, @Ctx() context: RequestContext): Promise<License[]> {
    return this.licenseService.byOrderId(context).load(order.id);
  }
}

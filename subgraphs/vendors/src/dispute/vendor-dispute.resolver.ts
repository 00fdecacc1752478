import { ConnectionShape, PageArgs, PagedList, RequestContext, ApiKeyScope, ApiKeyScoped } from '@marketplace/kit';
import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Order, Product } from '../entity-stubs';
import { Vendor } from '../vendor-account/vendor.entity';
import { VendorService } from '../vendor-account/vendor.service';
import { VendorDisputeService } from './vendor-dispute.service';
import { VendorDispute, VendorDisputeConnection } from './vendor-dispute.type';

/** What disputes add to `Vendor`: private, like the ledger. */
@Resolver(() => Vendor)
export class VendorDisputesResolver {
  constructor(
    private readonly disputeService: VendorDisputeService,
    private readonly vendors: VendorService,
  ) {}

  @ApiKeyScoped(ApiKeyScope.SALES_READ)
  @PagedList()
  @FieldResolver(() => VendorDisputeConnection, {
    nullable: true,
    description:
      "Cardholders' disputes of payments for orders with the vendor's products, newest first, with the vendor's share and the evidence deadline; for the vendor's owner and admins (anyone else: null with FORBIDDEN).",
  })
  disputes(
    @Root() vendor: Vendor,
    @Args() page: PageArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<VendorDispute>> {
    this.vendors.requirePrivateAccess(context, vendor, 'disputes');
    return this.disputeService.list(vendor.id, page);
  }
}

@Resolver(() => VendorDispute)
export class VendorDisputeResolver {
  @FieldResolver(() => Order, { description: 'The disputed order.' })
  order(@Root() dispute: VendorDispute): Order {
    return Order.of(dispute.orderId);
  }

  @FieldResolver(() => [Product], { description: "The vendor's products in the disputed order." })
  products(@Root() dispute: VendorDispute): Product[] {
    return dispute.productIds.map((id) => Product.of(id));
  }
}

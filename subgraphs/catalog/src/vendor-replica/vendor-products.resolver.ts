import { PageArgs, PagedList, RequestContext } from '@marketplace/kit';
import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ProductConnection } from '../product/product.entity';
import { ProductSearchService } from '../product/product-search.service';
import { Vendor } from '../entity-stubs';

@Resolver(() => Vendor)
export class VendorProductsResolver {
  constructor(private readonly searching: ProductSearchService) {}

  @PagedList()
  @FieldResolver(() => ProductConnection, {
    description:
      "The vendor's products, newest first: published ones for everyone (none while the vendor is suspended), all of them for the vendor and admins.",
  })
  products(@Root() vendor: Vendor, @Args() { first, after }: PageArgs, @Ctx() context: RequestContext) {
    return this.searching.vendorProducts(context, { vendorId: vendor.id, first, after });
  }
}

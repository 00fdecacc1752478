import { PagedList, RequestContext, ViewerDependent, ApiKeyScope, ApiKeyScoped } from '@marketplace/kit';
import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ProductConnection } from '../product/product.entity';
import { ProductSearchService } from '../product/product-search.service';
import { Vendor } from '../entity-stubs';
import { VendorProductsArgs } from './vendor-products.args';

@Resolver(() => Vendor)
export class VendorProductsResolver {
  constructor(private readonly searching: ProductSearchService) {}

  @ApiKeyScoped(ApiKeyScope.CATALOG_WRITE)
  @PagedList()
  @ViewerDependent()
  @FieldResolver(() => ProductConnection, {
    description:
      "The vendor's products: for the vendor and admins all of them, in any status (drafts, in review, rejected, archived); for everyone else only the published ones (none while the vendor is suspended), whatever `filter` says.",
  })
  products(
    @Root() vendor: Vendor,
    @Args() { first, after, filter, sort }: VendorProductsArgs,
    @Ctx() context: RequestContext,
  ) {
    return this.searching.vendorProducts(context, {
      vendorId: vendor.id,
      first,
      after,
      sort,
      status: filter?.status ?? null,
    });
  }
}

import { AGGREGATE_COST, Cost, RequestContext } from '@marketplace/kit';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Category } from '../category/category.entity';
import type { CategoryService } from '../category/category.service';
import { Vendor } from '../entity-stubs';
import { ProductConnection } from './product.entity';
import { FILTER_OF_CONNECTION, CheckedFilter } from './product-search.sql';
import type { ProductFacetsService } from './product-facets.service';
import { CategoryFacet, ProductFacets, VendorFacet } from './product-facets.type';

@Resolver(() => ProductConnection)
export class ProductFacetsResolver {
  constructor(private readonly facetsService: ProductFacetsService) {}

  @Cost(AGGREGATE_COST)
  @FieldResolver(() => ProductFacets, {
    description:
      'Counts by category, kind, price band, rating band and vendor of the whole list (every page), each counted without its own filter; computed only when selected. Errors: none.',
  })
  facets(@Root() connection: InstanceType<typeof ProductConnection>, @Ctx() context: RequestContext) {
    const filter = (connection as unknown as Record<symbol, CheckedFilter | undefined>)[FILTER_OF_CONNECTION];
    return this.facetsService.facets(context, filter!);
  }
}

@Resolver(() => CategoryFacet)
export class CategoryFacetResolver {
  constructor(private readonly categories: CategoryService) {}

  @FieldResolver(() => Category, { description: 'The category.' })
  category(@Root() facet: CategoryFacet, @Ctx() context: RequestContext): Promise<Category> {
    return this.categories.get(context, facet.categoryId);
  }
}

@Resolver(() => VendorFacet)
export class VendorFacetResolver {
  @FieldResolver(() => Vendor, { description: 'The vendor.' })
  vendor(@Root() facet: VendorFacet): Vendor {
    return Vendor.of(facet.vendorId);
  }
}

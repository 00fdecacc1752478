import { ConnectionShape, PageArgs, PagedList, RequestContext, Role } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Product, ProductConnection } from '../product/product.entity';
import { SetProductFeaturedInput } from './featured.inputs';
import { SetProductFeaturedPayload } from './featured.payloads';
import type { FeaturedService } from './featured.service';

/** The featured products: the admin's flag, the public list and `Product.featured`. */
@Resolver(() => Product)
export class FeaturedResolver {
  constructor(private readonly curation: FeaturedService) {}

  @PagedList()
  @Query(() => ProductConnection, {
    description:
      'Products an admin featured, newest featured first: only those in the storefront (published, vendor active). Errors: BAD_USER_INPUT.',
  })
  featuredProducts(@Args() page: PageArgs, @Ctx() context: RequestContext): Promise<ConnectionShape<Product>> {
    return this.curation.page(context, page);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SetProductFeaturedPayload, {
    nullable: true,
    description:
      'Features a product in the storefront or takes it out (admin), recorded in the audit trail; setting what is already set changes nothing. Only a product in the storefront can be featured. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (PRODUCT_UNAVAILABLE).',
  })
  async setProductFeatured(
    @Arg('input', () => SetProductFeaturedInput, { description: 'The product and whether to feature it.' })
    input: SetProductFeaturedInput,
    @Ctx() context: RequestContext,
  ): Promise<SetProductFeaturedPayload> {
    return { product: await this.curation.set(context, input.productId, input.featured) };
  }

  @FieldResolver(() => Boolean, {
    description:
      'Whether an admin featured the product; it is listed in `featuredProducts` while it is also in the storefront.',
  })
  featured(@Root() product: Product, @Ctx() context: RequestContext): Promise<boolean> {
    return this.curation.flags(context).load(product.id);
  }
}

import { RequestContext } from '@marketplace/kit';
import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Product } from '../product/product.entity';
import { RecordProductViewInput } from './product-stats.inputs';
import { RecordProductViewPayload } from './product-stats.payloads';
import type { ProductStatsService } from './product-stats.service';

/** What download and view counts add to `Product`, and how a view is reported. */
@Resolver(() => Product)
export class ProductStatsResolver {
  constructor(private readonly stats: ProductStatsService) {}

  @Mutation(() => RecordProductViewPayload, {
    nullable: true,
    description:
      'Reports that a product page was shown (signed in or not): counted once per viewer (user, or client IP when signed out) and product per window (30 minutes unless configured), and only for products in the storefront. Call it when the page is displayed: reads of the product are cached and count nothing. Errors: BAD_USER_INPUT, NOT_FOUND, RATE_LIMITED.',
  })
  async recordProductView(
    @Arg('input', () => RecordProductViewInput, { description: 'The product shown.' }) input: RecordProductViewInput,
    @Ctx() context: RequestContext,
  ): Promise<RecordProductViewPayload> {
    return this.stats.recordView(context, input.productId);
  }

  @FieldResolver(() => Int, {
    description:
      "Licensed downloads of the product's builds started (a resumed download counts once); may lag by the caches' lifetime.",
  })
  async downloadCount(@Root() product: Product, @Ctx() context: RequestContext): Promise<number> {
    return (await this.stats.counts(context).load(product.id)).downloadCount;
  }

  @FieldResolver(() => Int, {
    description:
      "Views of the product page as `recordProductView` counted them (one per viewer and window); may lag by the caches' lifetime.",
  })
  async viewCount(@Root() product: Product, @Ctx() context: RequestContext): Promise<number> {
    return (await this.stats.counts(context).load(product.id)).viewCount;
  }
}

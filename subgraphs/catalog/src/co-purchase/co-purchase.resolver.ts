import { RequestContext } from '@marketplace/kit';
import { Max, Min } from 'class-validator';
import { Args, ArgsType, Ctx, Directive, Field, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Product } from '../product/product.entity';
import { ALSO_BOUGHT_DEFAULT, ALSO_BOUGHT_MAX, CoPurchaseService } from './co-purchase.service';

@ArgsType()
export class CustomersAlsoBoughtArgs {
  @Field(() => Int, { defaultValue: ALSO_BOUGHT_DEFAULT, description: `How many, 1 to ${ALSO_BOUGHT_MAX}.` })
  @Min(1)
  @Max(ALSO_BOUGHT_MAX)
  first: number = ALSO_BOUGHT_DEFAULT;
}

/** What co-purchase counts add to `Product`. */
@Resolver(() => Product)
export class CoPurchaseResolver {
  constructor(private readonly coPurchases: CoPurchaseService) {}

  @Directive(
    `@listSize(assumedSize: ${ALSO_BOUGHT_DEFAULT}, slicingArguments: ["first"], requireOneSlicingArgument: false)`,
  )
  @FieldResolver(() => [Product], {
    description:
      'Products bought together with this one in the same paid orders, most often first (refunded orders do not count): only products in the storefront. A short list, not a connection: a product page shows a few.',
  })
  customersAlsoBought(
    @Root() product: Product,
    @Args() { first }: CustomersAlsoBoughtArgs,
    @Ctx() context: RequestContext,
  ): Promise<Product[]> {
    return this.coPurchases.alsoBought(context, product.id, first);
  }
}

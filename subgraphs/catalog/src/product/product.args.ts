import { PageArgs } from '@marketplace/kit';
import { ArgsType, Field, ID } from 'type-graphql';
import { ProductFilter, ProductSort } from './product.inputs';

@ArgsType()
export class ProductArgs {
  @Field(() => ID, { description: "The product's id." })
  id: string;
}

@ArgsType()
export class ProductBySlugArgs {
  @Field({ description: "The product's slug, e.g. `support-triage-agent` (case and surrounding spaces ignored)." })
  slug: string;
}

@ArgsType()
export class ProductsArgs extends PageArgs {
  @Field(() => ProductFilter, { nullable: true, description: 'Narrows the list.' })
  filter?: ProductFilter | null;

  @Field(() => ProductSort, { defaultValue: ProductSort.RELEVANCE, description: 'Order of the list.' })
  sort: ProductSort = ProductSort.RELEVANCE;
}

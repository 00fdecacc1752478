import { PageArgs } from '@marketplace/kit';
import { ArgsType, Field } from 'type-graphql';
import { ProductSort, VendorProductFilter } from '../product/product.inputs';

@ArgsType()
export class VendorProductsArgs extends PageArgs {
  @Field(() => VendorProductFilter, { nullable: true, description: 'Narrows the list.' })
  filter?: VendorProductFilter | null;

  @Field(() => ProductSort, {
    defaultValue: ProductSort.NEWEST,
    description: 'Order of the list; NEWEST (and RELEVANCE, there being no search here) means most recently created.',
  })
  sort: ProductSort = ProductSort.NEWEST;
}

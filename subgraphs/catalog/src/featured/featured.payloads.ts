import { Field, ObjectType } from 'type-graphql';
import { Product } from '../product/product.entity';

@ObjectType({ description: 'What setProductFeatured changed.' })
export class SetProductFeaturedPayload {
  @Field(() => Product, { description: 'The product, with its new `featured`.' })
  product: Product;
}

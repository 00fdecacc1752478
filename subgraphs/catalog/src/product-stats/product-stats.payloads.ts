import { Field, ObjectType } from 'type-graphql';
import { Product } from '../product/product.entity';

@ObjectType({ description: 'What recordProductView changed.' })
export class RecordProductViewPayload {
  @Field(() => Product, { description: 'The product viewed, with its `viewCount`.' })
  product: Product;

  @Field({
    description:
      'Whether this view was counted: false for a repeat by the same viewer within the window, for a product not in the storefront, or while the view store is unavailable.',
  })
  counted: boolean;
}

import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Which product to put into or take out of the featured products.' })
export class SetProductFeaturedInput {
  @Field(() => ID, {
    description: 'The product: to feature it, it must be in the storefront (published, vendor active).',
  })
  productId: string;

  @Field({ description: 'True to feature it (newest featured first), false to take it out.' })
  featured: boolean;
}

import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'The product to add to your wishlist.' })
export class AddToWishlistInput {
  @Field(() => ID, { description: 'The product: published, its vendor active.' })
  productId: string;
}

@InputType({ description: 'The product to remove from your wishlist.' })
export class RemoveFromWishlistInput {
  @Field(() => ID, { description: 'The product (one not on your wishlist is fine: nothing changes).' })
  productId: string;
}

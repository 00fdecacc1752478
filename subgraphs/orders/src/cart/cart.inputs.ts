import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: "What addToCart needs: the product to put in the signed-in user's cart." })
export class AddToCartInput {
  @Field(() => ID, { description: 'The product to add: a published one.' })
  productId: string;
}

@InputType({ description: "What removeFromCart needs: the product to take out of the signed-in user's cart." })
export class RemoveFromCartInput {
  @Field(() => ID, { description: 'The product to remove; one not in the cart is not an error.' })
  productId: string;
}

import { Field, ObjectType } from 'type-graphql';
import { Cart } from './cart.type';

@ObjectType({ description: 'The result of addToCart.' })
export class AddToCartPayload {
  @Field(() => Cart, { description: 'The cart with the product in it.' })
  cart: Cart;
}

@ObjectType({ description: 'The result of removeFromCart.' })
export class RemoveFromCartPayload {
  @Field(() => Cart, { description: 'The cart without the product.' })
  cart: Cart;
}

@ObjectType({ description: 'The result of clearCart.' })
export class ClearCartPayload {
  @Field(() => Cart, { description: 'The cart, now empty.' })
  cart: Cart;
}

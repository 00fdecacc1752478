import { Field, ObjectType } from 'type-graphql';
import { Cart } from '../cart/cart.type';
import { Order } from './order.type';

@ObjectType({ description: 'The result of checkout.' })
export class CheckoutPayload {
  @Field(() => Order, { description: 'The order, awaiting payment (on a retry with the same key, the first order).' })
  order: Order;

  @Field(() => Cart, {
    description: "The signed-in user's cart: emptied by the checkout (on a retry, as it is now).",
  })
  cart: Cart;
}

@ObjectType({ description: 'The result of cancelOrder.' })
export class CancelOrderPayload {
  @Field(() => Order, { description: 'The order, now CANCELLED.' })
  order: Order;
}

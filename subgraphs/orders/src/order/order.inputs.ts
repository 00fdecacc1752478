import { Field, ID, InputType } from 'type-graphql';
import { OrderStatus } from './order.type';

@InputType({
  description: "What checkout needs: the cart is the signed-in user's, the prices are the marketplace's own.",
})
export class CheckoutInput {
  @Field({
    description:
      'Chosen by the client per purchase attempt (8 to 100 of A-Z a-z 0-9 _ : -): retrying with the same key returns the same order instead of a second one.',
  })
  idempotencyKey: string;
}

@InputType({ description: 'What cancelOrder needs: the order to cancel.' })
export class CancelOrderInput {
  @Field(() => ID, { description: 'The order to cancel: an unpaid one of the signed-in user (any, for an admin).' })
  orderId: string;
}

@InputType({ description: 'Which orders a list of orders holds.' })
export class OrderFilter {
  @Field(() => OrderStatus, { nullable: true, description: 'Only orders with this status.' })
  status?: OrderStatus | null;
}

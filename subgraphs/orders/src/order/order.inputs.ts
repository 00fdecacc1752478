import { MoneyInput } from '@marketplace/kit';
import { Field, ID, InputType } from 'type-graphql';
import { BillingDetailsInput } from '../tax/billing-details.type';
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

  @Field(() => BillingDetailsInput, {
    description:
      'Who the order is billed to: the country decides the tax; the details appear on the order and its invoice. A retry with the same idempotency key must repeat them.',
  })
  billing: BillingDetailsInput;
}

@InputType({ description: 'What cancelOrder needs: the order to cancel.' })
export class CancelOrderInput {
  @Field(() => ID, { description: 'The order to cancel: an unpaid one of the signed-in user (any, for an admin).' })
  orderId: string;
}

@InputType({ description: 'Which orders a list of orders holds; every condition given must hold.' })
export class OrderFilter {
  @Field(() => String, {
    nullable: true,
    description:
      "An order number or its beginning (`MP-000123`, `mp-0001`; digits alone too, except that fewer than 6 mean the number they pad to: `123` is MP-000123), or a customer's email or its beginning (case-insensitive); at most 254 characters.",
  })
  search?: string | null;

  @Field(() => OrderStatus, { nullable: true, description: 'Only orders with this status.' })
  status?: OrderStatus | null;

  @Field(() => ID, { nullable: true, description: 'Only orders with a line sold by this vendor.' })
  vendorId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only orders with a line of this product.' })
  productId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Only orders placed at or after this time.' })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only orders placed before this time; not before `createdAfter`.' })
  createdBefore?: Date | null;

  @Field(() => MoneyInput, {
    nullable: true,
    description: 'Only orders in this currency whose total is at least this amount (0 or more).',
  })
  minTotal?: MoneyInput | null;
}

import { Field, ObjectType } from 'type-graphql';
import { Order } from '../entity-stubs';
import { Payment } from './payment.type';
import { Refund } from './refund.type';

@ObjectType({ description: 'A payment ready to be paid: what a checkout page needs to confirm it with the provider.' })
export class CreatePaymentIntentPayload {
  @Field(() => Payment, { description: "The order's payment (the same one when asked again)." })
  payment: Payment;

  @Field({
    description:
      "Secret the client confirms the payment with (Stripe.js `confirmPayment`); show it to the order's owner only.",
  })
  clientSecret: string;

  @Field(() => Order, { description: 'The order being paid.' })
  order: Order;
}

@ObjectType({
  description:
    "A refund of some or all of an order's lines, asked of the provider. When the provider confirms it, the payment's `refunded` grows, and it becomes REFUNDED if no line is left paid; then, asynchronously, the order's lines are marked refunded (the order turns REFUNDED once every line is) and their licenses REVOKED, each announced by orderUpdated.",
})
export class RefundOrderPayload {
  @Field(() => Payment, {
    description: 'The payment as stored once the provider answered (with this refund counted once confirmed).',
  })
  payment: Payment;

  @Field(() => Refund, { description: 'The refund: its lines, amount, and whether the provider confirmed it yet.' })
  refund: Refund;

  @Field(() => Order, {
    description: 'The refunded order (its lines and status follow asynchronously; see orderUpdated).',
  })
  order: Order;
}

@ObjectType({
  description: 'A simulated payment attempt, delivered to the webhook as Stripe would (development only).',
})
export class SimulatePaymentPayload {
  @Field(() => Payment, { description: 'The payment as stored after the simulated event was applied.' })
  payment: Payment;

  @Field(() => Order, { description: 'The order paid (its status follows asynchronously; see orderUpdated).' })
  order: Order;
}

/** The payload's order: a stub payments knows by its key; the orders subgraph resolves the rest. */
export const orderOf = (payment: Payment): Order => Order.of(payment.orderId);

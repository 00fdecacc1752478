import { RequestContext, Role } from '@marketplace/kit';
import { Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Order } from '../entity-stubs';
import { OrderIdArgs, RefundOrderArgs, SimulatePaymentArgs, SimulatedOutcomeArg } from './payment.args';
import { PaymentService } from './payment.service';
import { Payment, PaymentIntent } from './payment.type';
import { RefundService } from './refund.service';
import { SimulationService } from './simulation.service';

@Resolver(() => Payment)
export class PaymentResolver {
  constructor(
    private readonly payments: PaymentService,
    private readonly refunds: RefundService,
    private readonly simulation: SimulationService,
  ) {}

  @Mutation(() => PaymentIntent, {
    description:
      "Starts paying an order (its owner only): the order's one payment and the client secret to confirm it with. Asking again returns the same payment and secret. The amount is the order's total as placed.",
  })
  createPaymentIntent(@Args() { orderId }: OrderIdArgs, @Ctx() context: RequestContext): Promise<PaymentIntent> {
    return this.payments.createIntent(context, orderId);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Payment, {
    description:
      "Refunds an order's SUCCEEDED payment in full (admin). The payment becomes REFUNDED when the provider confirms it (at once with the local provider).",
  })
  refundOrder(@Args() { orderId, reason }: RefundOrderArgs, @Ctx() context: RequestContext): Promise<Payment> {
    return this.refunds.refundOrder(context, orderId, reason);
  }

  @Mutation(() => Payment, {
    description:
      "Development only (refused in production and with a Stripe key): delivers the signed Stripe event of a payment attempt to the webhook, as Stripe would, for the order's owner or an admin. Returns the payment as stored afterwards.",
  })
  simulatePayment(@Args() { orderId, outcome }: SimulatePaymentArgs, @Ctx() context: RequestContext): Promise<Payment> {
    return this.simulation.simulate(
      context,
      orderId,
      outcome === SimulatedOutcomeArg.SUCCEEDED ? 'succeeded' : 'failed',
    );
  }

  @FieldResolver(() => Order, { description: 'The order this payment pays.' })
  order(@Root() payment: Payment): Order {
    return Order.of(payment.orderId);
  }
}

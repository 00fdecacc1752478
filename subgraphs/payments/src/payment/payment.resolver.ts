import { RequestContext, Role } from '@marketplace/kit';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Order } from '../entity-stubs';
import { CreatePaymentIntentInput, RefundOrderInput } from './payment.inputs';
import { CreatePaymentIntentPayload, RefundOrderPayload, orderOf } from './payment.payloads';
import { PaymentService } from './payment.service';
import { Payment } from './payment.type';
import { RefundService } from './refund.service';

@Resolver(() => Payment)
export class PaymentResolver {
  constructor(
    private readonly payments: PaymentService,
    private readonly refunds: RefundService,
  ) {}

  @Mutation(() => CreatePaymentIntentPayload, {
    nullable: true,
    description:
      "Starts paying an order (its owner only): the order's one payment and the client secret to confirm it with. Asking again returns the same payment and secret. The amount is the order's total as placed. NOT_FOUND for an order that is missing or someone else's, and for a new order payments has not heard of yet (retry shortly); FORBIDDEN for an admin (only the owner pays). Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (ALREADY_PAID, ORDER_CANCELLED).",
  })
  async createPaymentIntent(
    @Arg('input', () => CreatePaymentIntentInput, { description: 'The order to pay.' }) input: CreatePaymentIntentInput,
    @Ctx() context: RequestContext,
  ): Promise<CreatePaymentIntentPayload> {
    const payment = await this.payments.createIntent(context, input.orderId);
    return { payment, clientSecret: payment.clientSecret, order: orderOf(payment) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RefundOrderPayload, {
    nullable: true,
    description:
      "Refunds an order's SUCCEEDED payment in full (admin). The payment becomes REFUNDED when the provider confirms it (at once with the local provider); then, asynchronously, the order turns REFUNDED and its licenses REVOKED, each followed by orderUpdated. NOT_FOUND when the order has no payment; CONFLICT (PAYMENT_DISPUTED) while the cardholder's dispute of the payment is open or after it was lost. Recorded in the audit trail (ORDER_REFUNDED). Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (ALREADY_REFUNDED, NOT_PAID, PAYMENT_DISPUTED).",
  })
  async refundOrder(
    @Arg('input', () => RefundOrderInput, { description: 'The order to refund and why.' }) input: RefundOrderInput,
    @Ctx() context: RequestContext,
  ): Promise<RefundOrderPayload> {
    const payment = await this.refunds.refundOrder(context, input.orderId, input.reason);
    return { payment, order: orderOf(payment) };
  }

  @FieldResolver(() => Order, { description: 'The order this payment pays.' })
  order(@Root() payment: Payment): Order {
    return orderOf(payment);
  }
}

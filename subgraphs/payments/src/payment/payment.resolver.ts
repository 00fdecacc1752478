import { AssumedListSize, ListSize, RequestContext, Role } from '@marketplace/kit';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Order } from '../entity-stubs';
import { CreatePaymentIntentInput, RefundOrderInput } from './payment.inputs';
import { CreatePaymentIntentPayload, RefundOrderPayload, orderOf } from './payment.payloads';
import { PaymentService } from './payment.service';
import { Payment } from './payment.type';
import { RefundService } from './refund.service';
import { Refund } from './refund.type';

@Resolver(() => Payment)
export class PaymentResolver {
  constructor(
    private readonly payments: PaymentService,
    private readonly refundService: RefundService,
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
      "Refunds lines of an order's SUCCEEDED payment (admin): the products named, or every line not refunded yet; each line in full (its total, tax included) and once. The refund is confirmed when the provider says so (at once with the local provider): the payment's `refunded` grows, and the payment becomes REFUNDED once no line is left paid; then, asynchronously, the order's lines are marked refunded (the order turns REFUNDED with the last), their licenses REVOKED and the vendors' ledgers debited, each followed by orderUpdated. BAD_USER_INPUT (`input.productIds.N`) for a product that is not a line of the order or is named twice; CONFLICT (LINE_ALREADY_REFUNDED, `fields` naming it) for a line named that was refunded before or is being refunded; CONFLICT (ALREADY_REFUNDED) when none is named and no line is left; NOT_FOUND when the order has no payment; CONFLICT (PAYMENT_DISPUTED) while the cardholder's dispute of the payment is open or after it was lost. Recorded in the audit trail (ORDER_REFUNDED). Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (ALREADY_REFUNDED, LINE_ALREADY_REFUNDED, NOT_PAID, PAYMENT_DISPUTED).",
  })
  async refundOrder(
    @Arg('input', () => RefundOrderInput, { description: 'The order to refund and why.' }) input: RefundOrderInput,
    @Ctx() context: RequestContext,
  ): Promise<RefundOrderPayload> {
    const { payment, refund } = await this.refundService.refundOrder(context, input);
    return { payment, refund, order: orderOf(payment) };
  }

  @ListSize(AssumedListSize.orderLines)
  @FieldResolver(() => [Refund], {
    description: "The payment's refunds, oldest first: each some of the order's lines, asked or confirmed.",
  })
  refunds(@Root() payment: Payment, @Ctx() context: RequestContext): Promise<Refund[]> {
    return this.refundService.byPaymentId(context).load(payment.id);
  }

  @FieldResolver(() => Order, { description: 'The order this payment pays.' })
  order(@Root() payment: Payment): Order {
    return orderOf(payment);
  }
}

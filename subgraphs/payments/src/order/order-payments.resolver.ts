import { AssumedListSize, ListSize, type RequestContext } from '@marketplace/kit';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PaymentService } from '../payment/payment.service';
import { Payment } from '../payment/payment.type';
import { Order } from '../entity-stubs';

/** What payments adds to the orders subgraph's `Order`. */
@Resolver(() => Order)
export class OrderPaymentsResolver {
  constructor(private readonly paymentService: PaymentService) {}

  @ListSize(AssumedListSize.paymentsPerOrder)
  @FieldResolver(() => [Payment], {
    description: "The order's payments (at most one), for the order's owner and admins; empty for everyone else.",
  })
  payments(@Root() order: Order, @Ctx() context: RequestContext): Promise<Payment[]> {
    return this.paymentService.byOrderId(context).load(order.id);
  }
}

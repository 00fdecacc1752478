import { AssumedListSize, ListSize, type RequestContext, forbidden, requireViewer } from '@marketplace/kit';
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
    nullable: true,
    description:
      "The order's payments (at most one), for the order's owner and admins: null with UNAUTHENTICATED for a signed-out caller and FORBIDDEN for anyone else.",
  })
  async payments(@Root() order: Order, @Ctx() context: RequestContext): Promise<Payment[]> {
    requireViewer(context);
    const payments = await this.paymentService.byOrderId(context).load(order.id);
    if (!payments) throw forbidden("Only the order's owner and admins may see its payments");
    return payments;
  }
}

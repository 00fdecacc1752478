import { ConnectionShape, PagedList, Role } from '@marketplace/kit';
import { Args, Authorized, Query, Resolver } from 'type-graphql';
import { PaymentsArgs } from './payment.args';
import { PaymentListService } from './payment-list.service';
import { Payment, PaymentConnection } from './payment.type';

/** The operator's list of payments. */
@Resolver(() => Payment)
export class PaymentListResolver {
  constructor(private readonly paymentList: PaymentListService) {}

  @Authorized(Role.ADMIN)
  @PagedList()
  @Query(() => PaymentConnection, {
    nullable: true,
    description:
      "Every customer's payments, newest first (admin), with totalCount; `filter: { disputed: true }` lists the disputed ones, each with its `dispute`. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT.",
  })
  payments(@Args() { filter, ...page }: PaymentsArgs): Promise<ConnectionShape<Payment>> {
    return this.paymentList.list(filter, page);
  }
}

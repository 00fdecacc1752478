import type { RequestContext } from '@marketplace/kit';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Payment } from '../payment/payment.type';
import { DisputeService } from './dispute.service';
import { PaymentDispute } from './dispute.type';

/** What disputes add to `Payment` (seen by whoever sees the payment: its customer and admins). */
@Resolver(() => Payment)
export class PaymentDisputeResolver {
  constructor(private readonly disputes: DisputeService) {}

  @FieldResolver(() => PaymentDispute, {
    nullable: true,
    description: "The cardholder's dispute of this payment, open or closed; null when it was never disputed.",
  })
  dispute(@Root() payment: Payment, @Ctx() context: RequestContext): Promise<PaymentDispute | null> {
    return this.disputes.byPaymentId(context).load(payment.id);
  }
}

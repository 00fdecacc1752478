import { FilteredPageArgs } from '@marketplace/kit';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { PayoutStatus } from './payout.type';

@ArgsType()
class PayoutFilter {
  @Field(() => PayoutStatus, { nullable: true, description: 'Only payouts with this status.' })
  status?: PayoutStatus | null;
}

@ArgsType()
export class PayoutsArgs extends FilteredPageArgs(PayoutFilter) {}

@ArgsType()
export class RequestPayoutArgs {
  @Field(() => Int, {
    description: 'How much, in minor units (1999 = 19.99): more than 0 and at most the available balance.',
  })
  amount: number;

  @Field(() => String, {
    nullable: true,
    description: "ISO 4217 currency of the balance to pay out of; the vendor's primary currency when omitted.",
  })
  currency?: string | null;
}

@ArgsType()
export class PayoutIdArgs {
  @Field(() => ID, { description: 'The payout to act on.' })
  id: string;
}

@ArgsType()
export class RejectPayoutArgs {
  @Field(() => ID, { description: 'The REQUESTED payout to reject.' })
  id: string;

  @Field({ description: 'Why, in words the vendor will read; 1 to 2000 characters.' })
  reason: string;
}

import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageArgs } from '@marketplace/kit';
import { Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { PayoutStatus } from './payout.type';

@ArgsType()
export class PayoutsArgs implements PageArgs {
  @Field(() => PayoutStatus, { nullable: true, description: 'Only payouts with this status.' })
  status?: PayoutStatus | null;

  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor (an `endCursor`).' })
  after?: string | null;
}

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

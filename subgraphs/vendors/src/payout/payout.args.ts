import { FilteredPageArgs } from '@marketplace/kit';
import { ArgsType, Field } from 'type-graphql';
import { PayoutFilter } from './payout.inputs';

@ArgsType()
class PayoutFilterArgs {
  @Field(() => PayoutFilter, { nullable: true, description: 'Which payouts to list; all when omitted.' })
  filter?: PayoutFilter | null;
}

@ArgsType()
export class PayoutsArgs extends FilteredPageArgs(PayoutFilterArgs) {}

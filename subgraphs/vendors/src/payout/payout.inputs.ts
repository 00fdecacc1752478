import { MoneyInput } from '@marketplace/kit';
import { Field, ID, InputType } from 'type-graphql';
import { PayoutStatus } from './payout.type';

@InputType({ description: 'A payout the signed-in vendor asks for.' })
export class RequestPayoutInput {
  @Field(() => MoneyInput, {
    description:
      'How much, in the currency of the balance to pay out of: more than 0 and at most the available balance.',
  })
  amount: MoneyInput;

  @Field({
    description:
      'A key the client makes once per payout it means (1 to 200 characters, e.g. a UUID): a retry with the same key returns the first payout instead of asking again.',
  })
  idempotencyKey: string;
}

@InputType({ description: 'Which REQUESTED payout was sent.' })
export class MarkPayoutPaidInput {
  @Field(() => ID, { description: 'The REQUESTED payout that was paid.' })
  payoutId: string;
}

@InputType({ description: 'Which REQUESTED payout to refuse, and why.' })
export class RejectPayoutInput {
  @Field(() => ID, { description: 'The REQUESTED payout to reject.' })
  payoutId: string;

  @Field({ description: 'Why, in words the vendor will read; 1 to 2000 characters.' })
  reason: string;
}

@InputType({ description: 'Which payouts a list holds; every field given must match.' })
export class PayoutFilter {
  @Field(() => PayoutStatus, { nullable: true, description: 'Only payouts with this status.' })
  status?: PayoutStatus | null;
}

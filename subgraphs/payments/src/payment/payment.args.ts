import { FilteredPageArgs } from '@marketplace/kit';
import { ArgsType, Field, InputType } from 'type-graphql';
import { PaymentStatus } from './payment.type';

@InputType({ description: 'Which payments to list (admin); every condition given must hold.' })
export class PaymentFilter {
  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only payments the cardholder disputed (open or closed); false: only the others.',
  })
  disputed?: boolean | null;

  @Field(() => PaymentStatus, { nullable: true, description: 'Only payments with this status.' })
  status?: PaymentStatus | null;
}

@ArgsType()
class PaymentFilterArgs {
  @Field(() => PaymentFilter, { nullable: true, description: 'Which payments to list; all when omitted.' })
  filter?: PaymentFilter | null;
}

@ArgsType()
export class PaymentsArgs extends FilteredPageArgs(PaymentFilterArgs) {}

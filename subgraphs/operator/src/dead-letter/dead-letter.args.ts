import { FilteredPageArgs } from '@marketplace/kit';
import { ArgsType, Field } from 'type-graphql';
import { DeadLetterFilter } from './dead-letter.inputs';

@ArgsType()
class DeadLetterFilterArgs {
  @Field(() => DeadLetterFilter, { nullable: true, description: 'Which dead letters to list; all when omitted.' })
  filter?: DeadLetterFilter | null;
}

@ArgsType()
export class DeadLettersArgs extends FilteredPageArgs(DeadLetterFilterArgs) {}

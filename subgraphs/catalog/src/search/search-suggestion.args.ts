import { ArgsType, Field, Int } from 'type-graphql';

export const SUGGESTIONS_DEFAULT = 8;
export const SUGGESTIONS_MAX = 20;
export const PREFIX_MAX_LENGTH = 100;

@ArgsType()
export class SearchSuggestionsArgs {
  @Field({
    description: `What the shopper typed so far: 1 to ${PREFIX_MAX_LENGTH} characters once trimmed, one line (no control characters); under 2 characters nothing is suggested.`,
  })
  prefix: string;

  @Field(() => Int, {
    defaultValue: SUGGESTIONS_DEFAULT,
    description: `How many suggestions at most, 1 to ${SUGGESTIONS_MAX}.`,
  })
  first: number = SUGGESTIONS_DEFAULT;
}

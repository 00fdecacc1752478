import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Which dead letters a list holds; every field given must match.' })
export class DeadLetterFilter {
  @Field(() => String, { nullable: true, description: 'Only dead letters of this subgraph, e.g. `licensing`.' })
  subgraph?: string | null;

  @Field(() => String, { nullable: true, description: 'Only dead letters of this event type, e.g. `order.paid`.' })
  type?: string | null;

  @Field(() => Date, { nullable: true, description: 'Only dead letters dead-lettered at or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only dead letters dead-lettered before this time (exclusive).' })
  to?: Date | null;
}

@InputType({ description: 'Which dead letter to redeliver.' })
export class ReplayDeadLetterInput {
  @Field(() => ID, { description: 'A DEAD dead letter.' })
  deadLetterId: string;
}

@InputType({ description: 'Which dead letter to give up on, and why.' })
export class DiscardDeadLetterInput {
  @Field(() => ID, { description: 'A DEAD dead letter.' })
  deadLetterId: string;

  @Field({ description: 'Why it needs no replay, for the other operators: 1 to 1000 characters.' })
  reason: string;
}

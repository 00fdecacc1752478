import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Whom to suspend, why, and until when.' })
export class SuspendUserInput {
  @Field(() => ID, {
    description: 'The user to suspend (not yourself). A suspended user: replaces the reason and end.',
  })
  userId: string;

  @Field({ description: 'Why, for other admins and the audit trail: 1 to 500 characters.' })
  reason: string;

  @Field(() => Date, {
    nullable: true,
    description: 'When the suspension ends by itself (in the future); omitted or null: until reinstated.',
  })
  until?: Date | null;
}

@InputType({ description: 'Whose suspension to lift.' })
export class ReinstateUserInput {
  @Field(() => ID, { description: 'The suspended user.' })
  userId: string;
}

import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Whose avatar to remove.' })
export class RemoveAvatarInput {
  @Field(() => ID, { description: 'The user: yourself, or anyone for an admin.' })
  userId: string;
}

import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Deleting your own account: your password proves it is you.' })
export class DeleteMyAccountInput {
  @Field({ description: 'Your current password.' })
  password: string;
}

@InputType({ description: 'The user whose personal data an admin erases.' })
export class EraseUserInput {
  @Field(() => ID, { description: 'The user to erase.' })
  userId: string;
}

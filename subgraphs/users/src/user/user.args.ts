import { PageArgs } from '@marketplace/kit';
import { ArgsType, Field, ID } from 'type-graphql';
import { UserFilter } from './user.inputs';

@ArgsType()
export class UserArgs {
  @Field(() => ID, { description: "The user's id." })
  id: string;
}

@ArgsType()
export class UsersArgs extends PageArgs {
  @Field(() => UserFilter, { nullable: true, description: 'Narrows the list.' })
  filter?: UserFilter | null;
}

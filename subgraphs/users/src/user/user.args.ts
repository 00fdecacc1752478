import { PageArgs, Role } from '@marketplace/kit';
import { ArgsType, Field, ID } from 'type-graphql';
import { UsersFilter } from './user.inputs';

@ArgsType()
export class UserArgs {
  @Field(() => ID, { description: "The user's id." })
  id: string;
}

@ArgsType()
export class UsersArgs extends PageArgs {
  @Field(() => UsersFilter, { nullable: true, description: 'Narrows the list.' })
  filter?: UsersFilter | null;
}

@ArgsType()
export class SetUserRoleArgs {
  @Field(() => ID, { description: 'The user to change.' })
  userId: string;

  @Field(() => Role, { description: 'Their new role.' })
  role: Role;
}

import { Field, ObjectType } from 'type-graphql';
import { User } from './user.entity';

@ObjectType({ description: 'What `updateProfile` changed.' })
export class UpdateProfilePayload {
  @Field(() => User, { description: 'The signed-in user, as changed.' })
  user: User;
}

@ObjectType({ description: 'What `setUserRole` changed.' })
export class SetUserRolePayload {
  @Field(() => User, { description: 'The user, with their new role.' })
  user: User;
}

import { Field, ObjectType } from 'type-graphql';
import { User } from './user.entity';

@ObjectType({ description: 'What `suspendUser` changed.' })
export class SuspendUserPayload {
  @Field(() => User, { description: 'The user, now SUSPENDED, with their suspension.' })
  user: User;
}

@ObjectType({ description: 'What `reinstateUser` changed.' })
export class ReinstateUserPayload {
  @Field(() => User, { description: 'The user, ACTIVE again.' })
  user: User;
}

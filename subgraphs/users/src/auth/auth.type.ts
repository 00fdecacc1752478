import { Field, Int, ObjectType } from 'type-graphql';
import { User } from '../user/user.entity';

@ObjectType({ description: 'A signed-in session: a short-lived access token and a rotating refresh token.' })
export class AuthPayload {
  @Field({ description: 'RS256 JWT for `Authorization: Bearer`; valid for `expiresIn` seconds.' })
  accessToken: string;

  @Field({
    description:
      'Single-use token for `refreshToken`; each use returns a new one. Reusing an old one ends the session.',
  })
  refreshToken: string;

  @Field(() => Int, { description: 'Seconds until the access token expires.' })
  expiresIn: number;

  @Field(() => User, { description: 'The signed-in user.' })
  user: User;
}

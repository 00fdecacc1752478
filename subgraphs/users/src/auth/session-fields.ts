import { Field, Int, ObjectType } from 'type-graphql';
import { User } from '../user/user.entity';

/** The fields of a signed-in session, which every payload that signs someone in carries. */
@ObjectType()
export abstract class SessionFields {
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

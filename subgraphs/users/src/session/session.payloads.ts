import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'What `revokeSession` ended.' })
export class RevokeSessionPayload {
  @Field(() => ID, {
    description: 'The session that ended: its refresh token no longer works, its access tokens stop within seconds.',
  })
  revokedSessionId: string;
}

@ObjectType({ description: 'What `revokeOtherSessions` ended.' })
export class RevokeOtherSessionsPayload {
  @Field(() => [ID], {
    description: 'The sessions that ended (every one but the current); empty when there were none.',
  })
  revokedSessionIds: string[];
}

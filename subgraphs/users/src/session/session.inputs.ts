import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'The session (signed-in device) to end.' })
export class RevokeSessionInput {
  @Field(() => ID, { description: 'A `Session` id from `me { sessions }`.' })
  sessionId: string;
}

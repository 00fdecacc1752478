import { Connection } from '@marketplace/kit';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Session', {
  description:
    'A signed-in device: one sign-in and the refreshes that kept it going. Visible to its user only ' +
    '(`me { sessions }`); `revokeSession` ends it.',
})
export class DeviceSession {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  @Field(() => String, {
    nullable: true,
    description:
      "The device's `User-Agent` as last seen (sign-in or the latest refresh); what the client says, not verified. " +
      'Null when it sent none.',
  })
  userAgent: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The IP address the device was last seen from (sign-in or the latest refresh); null when unknown.',
  })
  ipAddress: string | null;

  @Field({ description: 'When the user signed in on this device.' })
  createdAt: Date;

  @Field({
    description:
      'When the device last refreshed its access token (or signed in): its use, to within an access token lifetime.',
  })
  lastUsedAt: Date;

  @Field({ description: 'When the session ends unless the device refreshes before.' })
  expiresAt: Date;

  @Field({ description: 'True for the session of the access token this request was made with.' })
  current: boolean;
}

export const SessionConnection = Connection(DeviceSession, 'Session');

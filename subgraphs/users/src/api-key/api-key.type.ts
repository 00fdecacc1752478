import { ApiKeyScope } from '@marketplace/kit';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'An API key a vendor made for their own software: sent as `Authorization: Bearer mk_…`, it acts as the vendor within its scopes. Visible to its owner only; the secret is shown once, by createApiKey, and never stored.',
})
export class ApiKey {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  /** The vendor's user id; not exposed (only the owner ever sees a key). */
  ownerId: string;

  @Field({ description: 'What the owner called the key (which software uses it).' })
  name: string;

  @Field({ description: 'The start of the key (`mk_` and its lookup id): not secret, for telling keys apart.' })
  prefix: string;

  @Field(() => [ApiKeyScope], { description: 'What the key may be used for.' })
  scopes: ApiKeyScope[];

  @Field({ description: 'When the key was created.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the key stops working by itself; null: until revoked.' })
  expiresAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the key was last used (recorded at most once a minute); null when never.',
  })
  lastUsedAt: Date | null;
}

import { ApiKeyScope } from '@marketplace/kit';
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'A new API key for your own software.' })
export class CreateApiKeyInput {
  @Field({ description: 'What to call the key (which software uses it): 1 to 100 characters.' })
  name: string;

  @Field(() => [ApiKeyScope], { description: 'What the key may be used for: at least one scope.' })
  scopes: ApiKeyScope[];

  @Field(() => Date, {
    nullable: true,
    description: 'When the key stops working by itself: in the future, at most a year ahead; null: until revoked.',
  })
  expiresAt?: Date | null;
}

@InputType({ description: 'One of your API keys to revoke.' })
export class RevokeApiKeyInput {
  @Field(() => ID, { description: 'The key to revoke.' })
  apiKeyId: string;
}

import { Field, ObjectType } from 'type-graphql';
import { ApiKey } from './api-key.type';

@ObjectType({ description: 'What `createApiKey` made.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKey, { description: 'The new key.' })
  apiKey: ApiKey;

  @Field({
    description:
      'The key itself (`mk_…`), shown this once: only its hash is stored. Keep it like a password; revoke the key if it leaks.',
  })
  secret: string;
}

@ObjectType({ description: 'What `revokeApiKey` changed.' })
export class RevokeApiKeyPayload {
  @Field(() => ApiKey, { description: 'The revoked key; it stops working within seconds.' })
  apiKey: ApiKey;
}

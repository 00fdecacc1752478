import { RequestContext, Role } from '@marketplace/kit';
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { CreateApiKeyInput, RevokeApiKeyInput } from './api-key.inputs';
import { CreateApiKeyPayload, RevokeApiKeyPayload } from './api-key.payloads';
import { ApiKeyService, MAX_ACTIVE_API_KEYS } from './api-key.service';
import { ApiKey } from './api-key.type';

/** A vendor's API keys, managed by the vendor signed in as a person (no API key may call these). */
@Resolver(() => ApiKey)
export class ApiKeyResolver {
  constructor(private readonly keys: ApiKeyService) {}

  @Authorized(Role.VENDOR)
  @Mutation(() => CreateApiKeyPayload, {
    nullable: true,
    description: `Makes an API key for the signed-in vendor's own software, with the scopes it may use and an optional expiry; the key (\`secret\`) is shown in the answer only. At most ${MAX_ACTIVE_API_KEYS} working keys. Vendors only; not with an API key. Errors: UNAUTHENTICATED, FORBIDDEN (API_KEY_NOT_ALLOWED), BAD_USER_INPUT.`,
  })
  async createApiKey(
    @Arg('input', () => CreateApiKeyInput, { description: 'Name, scopes and expiry of the key.' })
    input: CreateApiKeyInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateApiKeyPayload> {
    return Object.assign(new CreateApiKeyPayload(), await this.keys.create(context, input));
  }

  @Authorized(Role.VENDOR)
  @Query(() => [ApiKey], {
    nullable: true,
    description:
      "The signed-in vendor's API keys that are not revoked (expired ones included), newest first; never their secrets. Vendors only; not with an API key. Errors: UNAUTHENTICATED, FORBIDDEN (API_KEY_NOT_ALLOWED).",
  })
  apiKeys(@Ctx() context: RequestContext): Promise<ApiKey[]> {
    return this.keys.list(context);
  }

  @Authorized(Role.VENDOR)
  @Mutation(() => RevokeApiKeyPayload, {
    nullable: true,
    description:
      "Revokes one of the signed-in vendor's API keys: it stops working within seconds (see docs/security.md). Another vendor's key, or one revoked already, is NOT_FOUND. Vendors only; not with an API key. Errors: UNAUTHENTICATED, FORBIDDEN (API_KEY_NOT_ALLOWED), BAD_USER_INPUT, NOT_FOUND.",
  })
  async revokeApiKey(
    @Arg('input', () => RevokeApiKeyInput, { description: 'The key to revoke.' }) input: RevokeApiKeyInput,
    @Ctx() context: RequestContext,
  ): Promise<RevokeApiKeyPayload> {
    return Object.assign(new RevokeApiKeyPayload(), {
      apiKey: await this.keys.revoke(context, input.apiKeyId),
    });
  }
}

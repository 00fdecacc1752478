import { Field, InputType } from 'type-graphql';

@InputType({ description: 'Which provider to sign in with, and where it sends the browser back.' })
export class StartOAuthLoginInput {
  @Field({ description: 'A provider name from `authProviders`, such as `google` or `github`.' })
  provider: string;

  @Field({
    description: 'Where the provider redirects with `code` and `state`: one of the configured redirect URIs, exactly.',
  })
  redirectUri: string;

  @Field({
    defaultValue: false,
    description:
      'True to link the provider to the signed-in caller instead of signing in: finish with `linkOAuthProvider`.',
  })
  link: boolean;
}

@InputType({ description: "The provider's answer on the redirect URI." })
export class CompleteOAuthLoginInput {
  @Field({ description: 'The provider name the login was started with.' })
  provider: string;

  @Field({ description: 'The `code` query parameter of the redirect.' })
  code: string;

  @Field({
    description: 'The `state` query parameter of the redirect; the client checks it equals the one it started with.',
  })
  state: string;

  @Field(() => String, {
    nullable: true,
    description: 'The `iss` query parameter of the redirect, when the provider sends one (RFC 9207).',
  })
  iss?: string | null;
}

@InputType({
  description:
    'Proof of the account for a link: `linkToken` and `password` after a LINK_REQUIRED sign-in, or (signed in) ' +
    '`provider`, `code` and `state` of a login started with `link: true`.',
})
export class LinkOAuthProviderInput {
  @Field(() => String, { nullable: true, description: 'The `linkToken` of a LINK_REQUIRED `completeOAuthLogin`.' })
  linkToken?: string | null;

  @Field(() => String, { nullable: true, description: 'The password of the account the link token names.' })
  password?: string | null;

  @Field(() => String, { nullable: true, description: 'The provider of a login started with `link: true`.' })
  provider?: string | null;

  @Field(() => String, { nullable: true, description: 'The `code` of its redirect.' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: 'The `state` of its redirect.' })
  state?: string | null;

  @Field(() => String, { nullable: true, description: 'The `iss` of its redirect, when the provider sends one.' })
  iss?: string | null;
}

@InputType({ description: 'Which provider to unlink from the signed-in caller.' })
export class UnlinkOAuthProviderInput {
  @Field({ description: 'A linked provider name.' })
  provider: string;
}

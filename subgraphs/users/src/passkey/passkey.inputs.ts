import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: "The browser's answer to `startPasskeyRegistration`'s options, and a name for the passkey." })
export class CompletePasskeyRegistrationInput {
  @Field(() => GraphQLJSONObject, {
    description:
      "The `RegistrationResponseJSON` that `navigator.credentials.create()` answered (as `@simplewebauthn/browser`'s " +
      '`startRegistration` or `PublicKeyCredential.toJSON()` give it).',
  })
  response: Record<string, unknown>;

  @Field({ nullable: true, description: 'A name to tell the passkey apart ("Work laptop"), at most 64 characters.' })
  name?: string;
}

@InputType({ description: 'What a passkey sign-in is for.' })
export class StartPasskeyLoginInput {
  @Field({
    nullable: true,
    description:
      'The `twoFactorChallenge.token` that `login` answered, to use a passkey as the second factor of that sign-in. ' +
      'Omitted: a sign-in with a passkey alone, no email or password asked.',
  })
  twoFactorChallenge?: string;
}

@InputType({ description: "The browser's answer to `startPasskeyLogin`'s options." })
export class CompletePasskeyLoginInput {
  @Field(() => GraphQLJSONObject, {
    description:
      "The `AuthenticationResponseJSON` that `navigator.credentials.get()` answered (as `@simplewebauthn/browser`'s " +
      '`startAuthentication` or `PublicKeyCredential.toJSON()` give it).',
  })
  response: Record<string, unknown>;
}

@InputType({ description: 'The passkey to remove.' })
export class DeletePasskeyInput {
  @Field(() => ID, { description: 'A `Passkey` id from `me { passkeys }`.' })
  passkeyId: string;
}

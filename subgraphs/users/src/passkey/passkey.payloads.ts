import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { SessionFields } from '../auth/session-fields';
import { Passkey } from './passkey.type';

/** The two ceremonies' payloads differ only in which options they carry, and may grow apart. */
@ObjectType()
abstract class PasskeyCeremonyFields {
  @Field({ description: 'When the ceremony stops working; start again after it.' })
  expiresAt: Date;
}

@ObjectType({
  description:
    'A passkey registration waiting for the browser: pass `options` to `navigator.credentials.create()` (through ' +
    "`@simplewebauthn/browser`'s `startRegistration`), then its answer to `completePasskeyRegistration` before " +
    '`expiresAt`. Single use.',
})
export class StartPasskeyRegistrationPayload extends PasskeyCeremonyFields {
  @Field(() => GraphQLJSONObject, {
    description:
      'The `PublicKeyCredentialCreationOptionsJSON`, binary values in base64url; its `challenge` is random and ' +
      'answered once.',
  })
  options: object;
}

@ObjectType({
  description:
    'A passkey sign-in waiting for the browser: pass `options` to `navigator.credentials.get()` (through ' +
    "`@simplewebauthn/browser`'s `startAuthentication`), then its answer to `completePasskeyLogin` before " +
    '`expiresAt`. Single use.',
})
export class StartPasskeyLoginPayload extends PasskeyCeremonyFields {
  @Field(() => GraphQLJSONObject, {
    description:
      'The `PublicKeyCredentialRequestOptionsJSON`, binary values in base64url; its `challenge` is random and ' +
      'answered once.',
  })
  options: object;
}

@ObjectType({
  description:
    "The passkey is registered and two-factor is on. The user's other sessions have ended; this is a fresh " +
    'session for this device.',
})
export class CompletePasskeyRegistrationPayload extends SessionFields {
  @Field(() => Passkey, { description: 'The new passkey.' })
  passkey: Passkey;

  @Field(() => [String], {
    nullable: true,
    description:
      'Ten single-use recovery codes, shown only now, when this passkey turned two-factor on; null when the ' +
      'account had recovery codes already (from an authenticator app or an earlier passkey).',
  })
  recoveryCodes: string[] | null;
}

@ObjectType({ description: 'The session the passkey signed in, established with a second factor.' })
export class CompletePasskeyLoginPayload extends SessionFields {}

@ObjectType({
  description: "The passkey is removed. The user's other sessions have ended; this is a fresh session for this device.",
})
export class DeletePasskeyPayload extends SessionFields {
  @Field(() => ID, { description: 'The passkey that was removed.' })
  deletedPasskeyId: string;
}

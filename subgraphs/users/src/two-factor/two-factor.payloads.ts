import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { SessionFields } from '../auth/session-fields';
import { User } from '../user/user.entity';

/** A way to show a second factor. */
export enum TwoFactorMethod {
  TOTP = 'TOTP',
  PASSKEY = 'PASSKEY',
  RECOVERY_CODE = 'RECOVERY_CODE',
}

registerEnumType(TwoFactorMethod, {
  name: 'TwoFactorMethod',
  description: 'A way to show a second factor when signing in.',
  valuesConfig: {
    TOTP: { description: 'A 6-digit code from an authenticator app (RFC 6238, 30-second steps).' },
    PASSKEY: {
      description:
        "One of the user's passkeys (WebAuthn): `startPasskeyLogin` with the challenge, then `completePasskeyLogin`.",
    },
    RECOVERY_CODE: { description: 'One of the single-use recovery codes given when two-factor was turned on.' },
  },
});

@ObjectType({ description: 'A sign-in waiting for its second factor: short-lived, single-use, attempts limited.' })
export class TwoFactorChallenge {
  @Field({ description: 'Opaque token to pass to `verifyTwoFactor` with a code.' })
  token: string;

  @Field(() => Date, { description: 'When the challenge stops working; sign in again after it.' })
  expiresAt: Date;

  @Field(() => [TwoFactorMethod], { description: 'The methods that can complete this challenge.' })
  methods: TwoFactorMethod[];
}

@ObjectType({
  description:
    'A TOTP authenticator waiting to be confirmed: add it to an app (scan the QR code or type the secret), then ' +
    'call `confirmTotpEnrollment` with a code it shows.',
})
export class StartTotpEnrollmentPayload {
  @Field({ description: 'The shared secret, base32, for typing into an app. Never shown again after confirmation.' })
  secret: string;

  @Field({ description: 'The `otpauth://totp/…` URI the QR code holds.' })
  otpauthUrl: string;

  @Field({ description: 'The QR code of `otpauthUrl`, an SVG document.' })
  qrCodeSvg: string;

  @Field({ description: 'The QR code of `otpauthUrl`, a `data:image/png;base64,…` URL for an `<img>`.' })
  qrCodeDataUrl: string;
}

@ObjectType({
  description:
    "Two-factor is on. The user's other sessions have ended; this is a fresh session for this device. " +
    'The recovery codes are shown this once.',
})
export class ConfirmTotpEnrollmentPayload extends SessionFields {
  @Field(() => [String], {
    description: 'Ten single-use recovery codes, each usable once instead of a TOTP code. Shown only now.',
  })
  recoveryCodes: string[];
}

@ObjectType({
  description: "Two-factor is off. The user's other sessions have ended; this is a fresh session for this device.",
})
export class DisableTotpPayload extends SessionFields {}

@ObjectType({ description: 'New recovery codes; the earlier ones no longer work.' })
export class RegenerateRecoveryCodesPayload {
  @Field(() => [String], { description: 'Ten single-use recovery codes. Shown only now.' })
  recoveryCodes: string[];
}

@ObjectType({ description: 'The session the challenged sign-in was for, established with a second factor.' })
export class VerifyTwoFactorPayload extends SessionFields {}

@ObjectType({
  description:
    "What `resetTwoFactor` changed: the user's second factors are gone and their sessions ended; the password " +
    '(or a linked provider) signs them in alone until they turn two-factor on again.',
})
export class ResetTwoFactorPayload {
  @Field(() => User, { description: 'The user whose second factors were removed.' })
  user: User;
}

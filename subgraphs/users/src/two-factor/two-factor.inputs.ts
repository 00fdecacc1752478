import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'The first code of the authenticator being enrolled.' })
export class ConfirmTotpEnrollmentInput {
  @Field({ description: 'The 6-digit code the authenticator app shows now.' })
  code: string;
}

@InputType({ description: 'Proof of the second factor, to turn it off.' })
export class DisableTotpInput {
  @Field({ description: 'A current 6-digit code, or an unused recovery code.' })
  code: string;
}

@InputType({ description: 'Proof of the second factor, to replace the recovery codes.' })
export class RegenerateRecoveryCodesInput {
  @Field({
    nullable: true,
    description:
      'A current 6-digit code (not a recovery code); required while an authenticator app is on. Omitted for an ' +
      'account whose second factors are passkeys, from a session signed in with one.',
  })
  code?: string;
}

@InputType({ description: 'A challenged sign-in and its second factor.' })
export class VerifyTwoFactorInput {
  @Field({ description: 'The `twoFactorChallenge.token` that `login` returned.' })
  challenge: string;

  @Field({ description: 'A current 6-digit TOTP code, or an unused recovery code.' })
  code: string;
}

@InputType({ description: 'Whose second factors to remove, and why.' })
export class ResetTwoFactorInput {
  @Field(() => ID, { description: 'The user who lost their second factors (not yourself).' })
  userId: string;

  @Field({
    description: 'Why, and how the owner was identified, for other admins and the audit trail: 1 to 500 characters.',
  })
  reason: string;
}

import { ArgsType, Field } from 'type-graphql';

@ArgsType()
export class LoginArgs {
  @Field({ description: 'Account email; case and surrounding spaces do not matter.' })
  email: string;

  @Field({ description: 'Account password.' })
  password: string;
}

@ArgsType()
export class RefreshTokenArgs {
  @Field({ description: 'The latest refresh token of the session.' })
  refreshToken: string;
}

@ArgsType()
export class ChangePasswordArgs {
  @Field({ description: 'The password in use now.' })
  currentPassword: string;

  @Field({ description: 'The new password: at least 10 characters, not a common one.' })
  newPassword: string;
}

@ArgsType()
export class RequestPasswordResetArgs {
  @Field({ description: 'Email of the account to reset.' })
  email: string;
}

@ArgsType()
export class ResetPasswordArgs {
  @Field({ description: 'Token from the password reset email.' })
  token: string;

  @Field({ description: 'The new password: at least 10 characters, not a common one.' })
  newPassword: string;
}

@ArgsType()
export class VerifyEmailArgs {
  @Field({ description: 'Token from the verification email.' })
  token: string;
}

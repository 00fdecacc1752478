import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new account.' })
export class RegisterInput {
  @Field({ description: 'Email address; trimmed and compared case-insensitively.' })
  email: string;

  @Field({ description: 'At least 10 characters, not a common password.' })
  password: string;

  @Field({ description: 'Public name, 1 to 80 characters.' })
  displayName: string;
}

@InputType({ description: 'Credentials to sign in with.' })
export class LoginInput {
  @Field({ description: 'Account email; case and surrounding spaces do not matter.' })
  email: string;

  @Field({ description: 'Account password.' })
  password: string;
}

@InputType({ description: 'The refresh token to trade for a new session pair.' })
export class RefreshTokenInput {
  @Field({ description: 'The latest refresh token of the session.' })
  refreshToken: string;
}

@InputType({ description: 'The session to end.' })
export class LogoutInput {
  @Field({ description: 'A refresh token of the session to end.' })
  refreshToken: string;
}

@InputType({ description: 'The current password and the new one.' })
export class ChangePasswordInput {
  @Field({ description: 'The password in use now.' })
  currentPassword: string;

  @Field({ description: 'The new password: at least 10 characters, not a common one.' })
  newPassword: string;
}

@InputType({ description: 'Whose password to reset.' })
export class RequestPasswordResetInput {
  @Field({ description: 'Email of the account to reset; trimmed and compared case-insensitively.' })
  email: string;
}

@InputType({ description: 'An emailed reset token and the new password.' })
export class ResetPasswordInput {
  @Field({ description: 'Token from the password reset email.' })
  token: string;

  @Field({ description: 'The new password: at least 10 characters, not a common one.' })
  newPassword: string;
}

@InputType({ description: 'An emailed verification token.' })
export class VerifyEmailInput {
  @Field({ description: 'Token from the verification email.' })
  token: string;
}

import { RequestContext } from '@marketplace/kit';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import {
  ChangePasswordInput,
  LoginInput,
  LogoutInput,
  RefreshTokenInput,
  RegisterInput,
  RequestPasswordResetInput,
  ResetPasswordInput,
  VerifyEmailInput,
} from './auth.inputs';
import {
  ChangePasswordPayload,
  LoginPayload,
  LoginResult,
  LogoutPayload,
  RefreshTokenPayload,
  RegisterPayload,
  RequestPasswordResetPayload,
  ResetPasswordPayload,
  Session,
  VerifyEmailPayload,
} from './auth.payloads';
import { AuthService } from './auth.service';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => RegisterPayload, {
    nullable: true,
    description:
      'Creates a customer account, signs it in and emails a verification link. ' +
      'Errors: BAD_USER_INPUT, CONFLICT (EMAIL_TAKEN), RATE_LIMITED.',
  })
  register(
    @Arg('input', { description: 'The new account.' }) input: RegisterInput,
    @Ctx() context: RequestContext,
  ): Promise<Session> {
    return this.auth.register(context, input);
  }

  @Mutation(() => LoginPayload, {
    nullable: true,
    description:
      'Signs in. Wrong email or password give the same error; repeated failures are rate limited. An account ' +
      'with two-factor on answers a `twoFactorChallenge` instead of a session (see `verifyTwoFactor`). ' +
      'Errors: UNAUTHENTICATED, FORBIDDEN (ACCOUNT_SUSPENDED), RATE_LIMITED.',
  })
  login(
    @Arg('input', { description: 'The credentials.' }) { email, password }: LoginInput,
    @Ctx() context: RequestContext,
  ): Promise<LoginResult> {
    return this.auth.login(context, email, password);
  }

  @Mutation(() => RefreshTokenPayload, {
    nullable: true,
    description:
      'Trades a refresh token for a new session pair. Each refresh token works once. Errors: UNAUTHENTICATED.',
  })
  refreshToken(
    @Arg('input', { description: 'The refresh token.' }) { refreshToken }: RefreshTokenInput,
    @Ctx() context: RequestContext,
  ): Promise<Session> {
    return this.auth.refresh(context, refreshToken);
  }

  @Mutation(() => LogoutPayload, {
    nullable: true,
    description:
      'Ends the session the refresh token belongs to: that token at once, its access tokens within seconds; the ' +
      "user's other sessions go on. An unknown token ends nothing (`sessionEnded: false`). Errors: none.",
  })
  async logout(
    @Arg('input', { description: 'The session to end.' }) { refreshToken }: LogoutInput,
  ): Promise<LogoutPayload> {
    return { sessionEnded: await this.auth.logout(refreshToken) };
  }

  @Authorized()
  @Mutation(() => ChangePasswordPayload, {
    nullable: true,
    description:
      'Changes the password, ends every other session and returns a new one. ' +
      'Errors: UNAUTHENTICATED, BAD_USER_INPUT, RATE_LIMITED.',
  })
  changePassword(
    @Arg('input', { description: 'The current and the new password.' })
    { currentPassword, newPassword }: ChangePasswordInput,
    @Ctx() context: RequestContext,
  ): Promise<Session> {
    return this.auth.changePassword(context, currentPassword, newPassword);
  }

  @Mutation(() => RequestPasswordResetPayload, {
    nullable: true,
    description:
      'Emails a password reset link if an account has this address; the answer is the same either way. ' +
      'Errors: BAD_USER_INPUT, RATE_LIMITED.',
  })
  async requestPasswordReset(
    @Arg('input', { description: 'Whose password to reset.' }) { email }: RequestPasswordResetInput,
    @Ctx() context: RequestContext,
  ): Promise<RequestPasswordResetPayload> {
    return { email: await this.auth.requestPasswordReset(context, email) };
  }

  @Mutation(() => ResetPasswordPayload, {
    nullable: true,
    description:
      'Sets a new password with an emailed token, verifying the email and signing out every session. ' +
      'Errors: BAD_USER_INPUT.',
  })
  async resetPassword(
    @Arg('input', { description: 'The token and the new password.' }) { token, newPassword }: ResetPasswordInput,
    @Ctx() context: RequestContext,
  ): Promise<ResetPasswordPayload> {
    return { user: await this.auth.resetPassword(context, token, newPassword) };
  }

  @Mutation(() => VerifyEmailPayload, {
    nullable: true,
    description: 'Confirms the email address with an emailed token. Errors: BAD_USER_INPUT.',
  })
  async verifyEmail(
    @Arg('input', { description: 'The token.' }) { token }: VerifyEmailInput,
    @Ctx() context: RequestContext,
  ): Promise<VerifyEmailPayload> {
    return { user: await this.auth.verifyEmail(context, token) };
  }
}

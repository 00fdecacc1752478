import { RequestContext } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { User } from '../user/user.entity';
import { RegisterInput } from '../user/user.inputs';
import {
  ChangePasswordArgs,
  LoginArgs,
  RefreshTokenArgs,
  RequestPasswordResetArgs,
  ResetPasswordArgs,
  VerifyEmailArgs,
} from './auth.args';
import { AuthService } from './auth.service';
import { AuthPayload } from './auth.type';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => AuthPayload, {
    description: 'Creates a customer account, signs it in and emails a verification link.',
  })
  register(
    @Arg('input', { description: 'The new account.' }) input: RegisterInput,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    return this.auth.register(context, input);
  }

  @Mutation(() => AuthPayload, {
    description: 'Signs in. Wrong email or password give the same error; repeated failures are rate limited.',
  })
  login(@Args() { email, password }: LoginArgs, @Ctx() context: RequestContext): Promise<AuthPayload> {
    return this.auth.login(context, email, password);
  }

  @Mutation(() => AuthPayload, {
    description: 'Trades a refresh token for a new session pair. Each refresh token works once.',
  })
  refreshToken(@Args() { refreshToken }: RefreshTokenArgs, @Ctx() context: RequestContext): Promise<AuthPayload> {
    return this.auth.refresh(context, refreshToken);
  }

  @Mutation(() => Boolean, { description: 'Ends the session the refresh token belongs to. Always true.' })
  logout(@Args() { refreshToken }: RefreshTokenArgs): Promise<boolean> {
    return this.auth.logout(refreshToken);
  }

  @Authorized()
  @Mutation(() => AuthPayload, { description: 'Changes the password, ends every other session and returns a new one.' })
  changePassword(
    @Args() { currentPassword, newPassword }: ChangePasswordArgs,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    return this.auth.changePassword(context, currentPassword, newPassword);
  }

  @Mutation(() => Boolean, { description: 'Emails a password reset link if the account exists. Always true.' })
  requestPasswordReset(@Args() { email }: RequestPasswordResetArgs, @Ctx() context: RequestContext): Promise<boolean> {
    return this.auth.requestPasswordReset(context, email);
  }

  @Mutation(() => Boolean, { description: 'Sets a new password with an emailed token, signing out every session.' })
  resetPassword(@Args() { token, newPassword }: ResetPasswordArgs): Promise<boolean> {
    return this.auth.resetPassword(token, newPassword);
  }

  @Mutation(() => User, { description: 'Confirms the email address with an emailed token.' })
  verifyEmail(@Args() { token }: VerifyEmailArgs, @Ctx() context: RequestContext): Promise<User> {
    return this.auth.verifyEmail(context, token);
  }
}

import { RequestContext, ViewerDependent } from '@marketplace/kit';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { User } from '../user/user.entity';
import type { UserService } from '../user/user.service';
import {
  CompleteOAuthLoginInput,
  LinkOAuthProviderInput,
  StartOAuthLoginInput,
  UnlinkOAuthProviderInput,
} from './oidc.inputs';
import {
  AuthProvider,
  CompleteOAuthLoginPayload,
  LinkOAuthProviderPayload,
  SignInMethods,
  StartOAuthLoginPayload,
  UnlinkOAuthProviderPayload,
} from './oidc.payloads';
import { SocialLinkService } from './social-link.service';
import { SocialLoginService } from './social-login.service';

@Resolver()
export class SocialLoginResolver {
  constructor(
    private readonly login: SocialLoginService,
    private readonly links: SocialLinkService,
  ) {}

  @Query(() => [AuthProvider], {
    description: 'The social sign-in providers configured, in configuration order. Errors: none.',
  })
  authProviders(): AuthProvider[] {
    return this.login.list();
  }

  @Mutation(() => StartOAuthLoginPayload, {
    nullable: true,
    description:
      'Starts a sign-in (or, signed in with `link: true`, a link) at a provider: send the browser to ' +
      '`authorizationUrl`. Errors: BAD_USER_INPUT, UNAUTHENTICATED, RATE_LIMITED.',
  })
  startOAuthLogin(
    @Arg('input', { description: 'The provider and the redirect URI.' }) input: StartOAuthLoginInput,
    @Ctx() context: RequestContext,
  ): Promise<StartOAuthLoginPayload> {
    return this.login.start(context, { provider: input.provider, redirectUri: input.redirectUri, forLink: input.link });
  }

  @Mutation(() => CompleteOAuthLoginPayload, {
    nullable: true,
    description:
      "Finishes a sign-in with the redirect's code and state: a session (as `login`) of the linked or a new " +
      'account, LINK_REQUIRED when an account already has the verified email, or TWO_FACTOR_REQUIRED with a ' +
      '`twoFactorChallenge` (for `verifyTwoFactor`) when the linked account has two-factor on. Each state works once. ' +
      'Errors: BAD_USER_INPUT, CONFLICT (PROVIDER_EMAIL_UNVERIFIED, EMAIL_TAKEN), FORBIDDEN (ACCOUNT_SUSPENDED).',
  })
  async completeOAuthLogin(
    @Arg('input', { description: "The provider's redirect parameters." }) input: CompleteOAuthLoginInput,
    @Ctx() context: RequestContext,
  ): Promise<CompleteOAuthLoginPayload> {
    const result = await this.login.complete(context, input);
    return {
      outcome: result.outcome,
      accessToken: result.session?.accessToken ?? null,
      refreshToken: result.session?.refreshToken ?? null,
      expiresIn: result.session?.expiresIn ?? null,
      user: result.session?.user ?? null,
      linkToken: result.linkToken,
      email: result.email,
      twoFactorChallenge: result.twoFactorChallenge,
    };
  }

  @Mutation(() => LinkOAuthProviderPayload, {
    nullable: true,
    description:
      'Links a provider account after proof of the account: the password with a link token (then a session; ' +
      'refused for an account with two-factor on, whose owner signs in with both factors and links from that ' +
      'session), or a signed-in session finishing a login started with `link: true`. The link token works ' +
      'once, refused or not, once the password is right. Errors: BAD_USER_INPUT, UNAUTHENTICATED, RATE_LIMITED, ' +
      'CONFLICT (SOCIAL_ACCOUNT_LINKED, SOCIAL_ACCOUNT_TAKEN), FORBIDDEN (ACCOUNT_SUSPENDED, SECOND_FACTOR_REQUIRED).',
  })
  async linkOAuthProvider(
    @Arg('input', { description: 'The proof and the provider account.' }) input: LinkOAuthProviderInput,
    @Ctx() context: RequestContext,
  ): Promise<LinkOAuthProviderPayload> {
    const result = await this.links.link(context, input);
    return {
      user: result.user,
      socialAccount: result.linked,
      accessToken: result.session?.accessToken ?? null,
      refreshToken: result.session?.refreshToken ?? null,
      expiresIn: result.session?.expiresIn ?? null,
    };
  }

  @Authorized()
  @Mutation(() => UnlinkOAuthProviderPayload, {
    nullable: true,
    description:
      'Unlinks a provider from the signed-in user, never their last way to sign in. ' +
      'Errors: UNAUTHENTICATED, NOT_FOUND, CONFLICT (LAST_SIGN_IN_METHOD).',
  })
  async unlinkOAuthProvider(
    @Arg('input', { description: 'The provider to unlink.' }) { provider }: UnlinkOAuthProviderInput,
    @Ctx() context: RequestContext,
  ): Promise<UnlinkOAuthProviderPayload> {
    return { user: await this.links.unlink(context, provider), provider: provider.trim().toLowerCase() };
  }
}

@Resolver(() => User)
export class UserSignInMethodsResolver {
  constructor(
    private readonly links: SocialLinkService,
    private readonly users: UserService,
  ) {}

  @FieldResolver(() => SignInMethods, {
    nullable: true,
    description: 'How the user can sign in (password, linked providers); visible to the user and to admins.',
  })
  @ViewerDependent()
  signInMethods(@Root() user: User, @Ctx() context: RequestContext): Promise<SignInMethods> | null {
    return this.users.canSeePrivateFields(context, user) ? this.links.methods(user.id) : null;
  }
}

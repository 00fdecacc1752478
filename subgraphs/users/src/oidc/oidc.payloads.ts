import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TwoFactorChallenge } from '../two-factor/two-factor.payloads';
import { User } from '../user/user.entity';
import { SocialLoginOutcome } from './social-login.service';

registerEnumType(SocialLoginOutcome, {
  name: 'SocialLoginOutcome',
  description: 'What a social sign-in did.',
  valuesConfig: {
    SIGNED_IN: { description: 'The provider account was linked already: a session of its user.' },
    ACCOUNT_CREATED: { description: 'A new account (verified email, no password) was created and signed in.' },
    LINK_REQUIRED: {
      description:
        'An account has this verified email: no session until its owner confirms with `linkOAuthProvider` (`linkToken` and the password).',
    },
    TWO_FACTOR_REQUIRED: {
      description:
        'The provider account was linked already and its user has two-factor on: no session yet, but a ' +
        '`twoFactorChallenge` to complete with `verifyTwoFactor`, as after `login`.',
    },
  },
});

@ObjectType({ description: 'A provider a user may sign in with.' })
export class AuthProvider {
  @Field({ description: 'The name `startOAuthLogin` takes.' })
  name: string;

  @Field({ description: 'The name to show on its button.' })
  displayName: string;
}

@ObjectType({ description: 'Where to send the browser to sign in at the provider.' })
export class StartOAuthLoginPayload {
  @Field({ description: "The provider's authorization URL, with PKCE (S256), state and nonce." })
  authorizationUrl: string;

  @Field({
    description:
      'The state in the URL: keep it in the browser (session storage) and finish only a redirect that carries it.',
  })
  state: string;
}

@ObjectType({ description: 'A sign-in provider account linked to a user.' })
export class SocialAccount {
  @Field({ description: 'The provider name.' })
  provider: string;

  @Field(() => String, { nullable: true, description: 'The verified email the provider gave, if any.' })
  email: string | null;

  @Field({ description: 'When it was linked.' })
  linkedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it last signed in.' })
  lastUsedAt: Date | null;
}

@ObjectType({ description: 'How the signed-in user can sign in.' })
export class SignInMethods {
  @Field({ description: 'Whether the account has a password (accounts made by social login have none).' })
  hasPassword: boolean;

  @Field(() => [SocialAccount], { description: 'Linked provider accounts, by provider name.' })
  socialAccounts: SocialAccount[];
}

@ObjectType({
  description:
    'A finished social sign-in: a session (SIGNED_IN, ACCOUNT_CREATED), a link to confirm (LINK_REQUIRED), or a ' +
    'second factor to show (TWO_FACTOR_REQUIRED).',
})
export class CompleteOAuthLoginPayload {
  @Field(() => SocialLoginOutcome, { description: 'What happened.' })
  outcome: SocialLoginOutcome;

  @Field(() => String, { nullable: true, description: 'As `login`; null when LINK_REQUIRED or TWO_FACTOR_REQUIRED.' })
  accessToken: string | null;

  @Field(() => String, { nullable: true, description: 'As `login`; null when LINK_REQUIRED or TWO_FACTOR_REQUIRED.' })
  refreshToken: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Seconds until the access token expires; null when LINK_REQUIRED or TWO_FACTOR_REQUIRED.',
  })
  expiresIn: number | null;

  @Field(() => User, {
    nullable: true,
    description: 'The signed-in user; null when LINK_REQUIRED or TWO_FACTOR_REQUIRED.',
  })
  user: User | null;

  @Field(() => String, {
    nullable: true,
    description: 'LINK_REQUIRED only: for `linkOAuthProvider` with the password, valid for minutes, once.',
  })
  linkToken: string | null;

  @Field(() => String, { nullable: true, description: 'LINK_REQUIRED only: the email of the account to confirm.' })
  email: string | null;

  @Field(() => TwoFactorChallenge, {
    nullable: true,
    description:
      'TWO_FACTOR_REQUIRED only: pass its `token` and a code to `verifyTwoFactor` for the session, as after `login`.',
  })
  twoFactorChallenge: TwoFactorChallenge | null;
}

@ObjectType({ description: 'A linked provider, and after the password proof a session.' })
export class LinkOAuthProviderPayload {
  @Field(() => User, { description: 'The user the provider is now linked to.' })
  user: User;

  @Field(() => SocialAccount, { description: 'The new link.' })
  socialAccount: SocialAccount;

  @Field(() => String, {
    nullable: true,
    description: 'A new session (password proof only; null when signed in).',
  })
  accessToken: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Its refresh token (password proof only).',
  })
  refreshToken: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Seconds until the access token expires (password proof only).',
  })
  expiresIn: number | null;
}

@ObjectType({ description: 'What `unlinkOAuthProvider` changed.' })
export class UnlinkOAuthProviderPayload {
  @Field(() => User, { description: 'The user the provider was unlinked from.' })
  user: User;

  @Field({ description: 'The provider unlinked.' })
  provider: string;
}

import type { Viewer } from '@marketplace/kit';
import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { TwoFactorChallenge } from '../two-factor/two-factor.payloads';
import { SessionFields } from './session-fields';
import { User } from '../user/user.entity';

/** A signed-in session: what `register`, `login`, `refreshToken` and `changePassword` answer. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
  /** Who the access token acts as (not a field): the rest of the response is read as this viewer. */
  viewer?: Viewer;
}

/** What `login` answers: a session, or (for a user with a second factor) a challenge to complete it. */
export type LoginResult = Session | { twoFactorChallenge: TwoFactorChallenge };

/** Declares `<mutation>Payload`: a signed-in session of its own type, so each payload can grow apart. */
function SessionPayload(name: string, description: string): ClassType<Session> {
  @ObjectType(name, { description })
  class Payload extends SessionFields implements Session {}
  return Payload;
}

export const RegisterPayload = SessionPayload('RegisterPayload', 'The new account, signed in.');

@ObjectType({
  description:
    'A new session of the user who signed in; or, when the account has a second factor, no session yet but a ' +
    '`twoFactorChallenge` to complete with `verifyTwoFactor` (the session fields are then null).',
})
export class LoginPayload {
  @Field({
    nullable: true,
    description:
      'RS256 JWT for `Authorization: Bearer`; valid for `expiresIn` seconds. Null while a second factor is due.',
  })
  accessToken?: string;

  @Field({
    nullable: true,
    description:
      'Single-use token for `refreshToken`; each use returns a new one. Reusing an old one ends the session. ' +
      'Null while a second factor is due.',
  })
  refreshToken?: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Seconds until the access token expires. Null while a second factor is due.',
  })
  expiresIn?: number;

  @Field(() => User, { nullable: true, description: 'The signed-in user. Null while a second factor is due.' })
  user?: User;

  @Field(() => TwoFactorChallenge, {
    nullable: true,
    description:
      'Set when the password was right and the account has a second factor: pass its `token` and a code to ' +
      '`verifyTwoFactor` for the session. Null when the session fields are set.',
  })
  twoFactorChallenge?: TwoFactorChallenge;
}
export const RefreshTokenPayload = SessionPayload(
  'RefreshTokenPayload',
  'The next session pair; the refresh token traded for it no longer works.',
);
export const ChangePasswordPayload = SessionPayload(
  'ChangePasswordPayload',
  "A fresh session with the new password; the user's other sessions have ended.",
);

@ObjectType({ description: 'What `logout` did.' })
export class LogoutPayload {
  @Field({
    description:
      'True when this call ended a live session; false when the token was unknown or its session had already ended.',
  })
  sessionEnded: boolean;
}

@ObjectType({ description: 'What `requestPasswordReset` did, the same whether or not an account exists.' })
export class RequestPasswordResetPayload {
  @Field({
    description: 'The address, normalized, a reset link was mailed to if it belongs to an account.',
  })
  email: string;
}

@ObjectType({ description: 'What `resetPassword` changed.' })
export class ResetPasswordPayload {
  @Field(() => User, { description: 'The user whose password was reset (every session of theirs has ended).' })
  user: User;
}

@ObjectType({ description: 'What `verifyEmail` changed.' })
export class VerifyEmailPayload {
  @Field(() => User, { description: 'The user whose email address is now verified.' })
  user: User;
}

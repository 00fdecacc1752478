import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { User } from '../user/user.entity';

/** A signed-in session: what `register`, `login`, `refreshToken` and `changePassword` answer. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
}

/** Declares `<mutation>Payload`: a signed-in session of its own type, so each payload can grow apart. */
function SessionPayload(name: string, description: string): ClassType<Session> {
  @ObjectType(name, { description })
  class Payload implements Session {
    @Field({ description: 'RS256 JWT for `Authorization: Bearer`; valid for `expiresIn` seconds.' })
    accessToken: string;

    @Field({
      description:
        'Single-use token for `refreshToken`; each use returns a new one. Reusing an old one ends the session.',
    })
    refreshToken: string;

    @Field(() => Int, { description: 'Seconds until the access token expires.' })
    expiresIn: number;

    @Field(() => User, { description: 'The signed-in user.' })
    user: User;
  }
  return Payload;
}

export const RegisterPayload = SessionPayload('RegisterPayload', 'The new account, signed in.');
export const LoginPayload = SessionPayload('LoginPayload', 'A new session of the user who signed in.');
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

import { RequestContext, ViewerDependent } from '@marketplace/kit';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { signedIn } from '../auth/auth.service';
import { User } from '../user/user.entity';
import {
  CompletePasskeyLoginInput,
  CompletePasskeyRegistrationInput,
  DeletePasskeyInput,
  StartPasskeyLoginInput,
} from './passkey.inputs';
import {
  CompletePasskeyLoginPayload,
  CompletePasskeyRegistrationPayload,
  DeletePasskeyPayload,
  StartPasskeyLoginPayload,
  StartPasskeyRegistrationPayload,
} from './passkey.payloads';
import { Passkey } from './passkey.type';
import type { PasskeyLoginService } from './passkey-login.service';
import type { PasskeyRegistrationService } from './passkey-registration.service';

/** Passkeys (WebAuthn): registering and removing them, and signing in with one. */
@Resolver(() => User)
export class PasskeyResolver {
  constructor(
    private readonly registration: PasskeyRegistrationService,
    private readonly login: PasskeyLoginService,
  ) {}

  @ViewerDependent()
  @FieldResolver(() => [Passkey], {
    nullable: true,
    description: "The user's passkeys, oldest first. Null unless the viewer is this user (admins included).",
  })
  passkeys(@Root() user: User, @Ctx() context: RequestContext): Promise<Passkey[]> | null {
    if (context.viewer?.id !== user.id) return null;
    return this.registration.list(user.id);
  }

  @Authorized()
  @Mutation(() => StartPasskeyRegistrationPayload, {
    nullable: true,
    description:
      'Starts registering a passkey for the signed-in user: options for `navigator.credentials.create()` (a ' +
      'discoverable credential that verifies its user; passkeys already registered are excluded). ' +
      'Errors: UNAUTHENTICATED, CONFLICT (PASSKEY_LIMIT_REACHED).',
  })
  startPasskeyRegistration(@Ctx() context: RequestContext): Promise<StartPasskeyRegistrationPayload> {
    return this.registration.start(context);
  }

  @Authorized()
  @Mutation(() => CompletePasskeyRegistrationPayload, {
    nullable: true,
    description:
      "Verifies the browser's answer and keeps the passkey: two-factor is on (the first second factor also gives " +
      "recovery codes), the user's other sessions end and this device gets a fresh session. A malformed, expired, " +
      'replayed or forged answer (another origin or relying party, no user verification) is BAD_USER_INPUT. ' +
      'Errors: UNAUTHENTICATED, BAD_USER_INPUT, CONFLICT (PASSKEY_ALREADY_REGISTERED, PASSKEY_LIMIT_REACHED).',
  })
  completePasskeyRegistration(
    @Arg('input', { description: "The browser's answer and the passkey's name." })
    { response, name }: CompletePasskeyRegistrationInput,
    @Ctx() context: RequestContext,
  ) {
    return this.registration.complete(context, response, name);
  }

  @Authorized()
  @Mutation(() => DeletePasskeyPayload, {
    nullable: true,
    description:
      "Removes one of the signed-in user's passkeys, from a session established with a second factor; the last " +
      "second factor gone, two-factor is off. The user's other sessions end and this device gets a fresh session. " +
      'Errors: UNAUTHENTICATED, BAD_USER_INPUT, FORBIDDEN (SECOND_FACTOR_REQUIRED), NOT_FOUND.',
  })
  deletePasskey(
    @Arg('input', { description: 'The passkey to remove.' }) { passkeyId }: DeletePasskeyInput,
    @Ctx() context: RequestContext,
  ) {
    return this.registration.remove(context, passkeyId);
  }

  @Mutation(() => StartPasskeyLoginPayload, {
    nullable: true,
    description:
      'Starts signing in with a passkey: options for `navigator.credentials.get()`. With `input: {}`, a passkey ' +
      "alone (any of the site's passkeys the authenticator holds, its user verified); with the `twoFactorChallenge` " +
      "of a password sign-in, one of that account's passkeys as the second factor (a challenge that is invalid, " +
      'used or expired, or of an account without passkeys, is BAD_USER_INPUT). Errors: BAD_USER_INPUT.',
  })
  startPasskeyLogin(
    @Arg('input', { description: 'What the sign-in is for.' }) { twoFactorChallenge }: StartPasskeyLoginInput,
  ): Promise<StartPasskeyLoginPayload> {
    return this.login.start(twoFactorChallenge ?? undefined);
  }

  @Mutation(() => CompletePasskeyLoginPayload, {
    nullable: true,
    description:
      "Verifies the browser's answer and signs in: the same session as `login`, its tokens carrying " +
      '`amr: ["hwk", "mfa"]` (alone) or `["pwd", "hwk", "mfa"]` (second factor). A second-factor answer spends ' +
      "one of the challenge's attempts and counts in the per-user throttle like a code. A malformed, expired or " +
      'replayed answer, or a refused second factor, is BAD_USER_INPUT; a refused passkey alone UNAUTHENTICATED. ' +
      'Errors: BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN (ACCOUNT_SUSPENDED), RATE_LIMITED.',
  })
  async completePasskeyLogin(
    @Arg('input', { description: "The browser's answer." }) { response }: CompletePasskeyLoginInput,
    @Ctx() context: RequestContext,
  ) {
    return signedIn(context, await this.login.complete(context, response));
  }
}

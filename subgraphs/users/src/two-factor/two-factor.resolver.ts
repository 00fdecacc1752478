import { RequestContext, Role } from '@marketplace/kit';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Session } from '../auth/auth.payloads';
import { User } from '../user/user.entity';
import {
  ConfirmTotpEnrollmentInput,
  DisableTotpInput,
  RegenerateRecoveryCodesInput,
  ResetTwoFactorInput,
  VerifyTwoFactorInput,
} from './two-factor.inputs';
import {
  ConfirmTotpEnrollmentPayload,
  DisableTotpPayload,
  RegenerateRecoveryCodesPayload,
  ResetTwoFactorPayload,
  StartTotpEnrollmentPayload,
  VerifyTwoFactorPayload,
} from './two-factor.payloads';
import type { TwoFactorChallenges } from './two-factor-challenges';
import type { TwoFactorResetService } from './two-factor-reset.service';
import type { TwoFactorService } from './two-factor.service';

/**
 * Two-factor authentication: TOTP enrollment, recovery codes, the second step of signing in,
 * and an operator's reset for an owner who lost every second factor.
 */
@Resolver()
export class TwoFactorResolver {
  constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly challenges: TwoFactorChallenges,
    private readonly resets: TwoFactorResetService,
  ) {}

  @Authorized()
  @Mutation(() => StartTotpEnrollmentPayload, {
    nullable: true,
    description:
      'Creates a TOTP secret for the signed-in user (replacing an unconfirmed one) to add to an authenticator ' +
      'app; two-factor is not on until `confirmTotpEnrollment`. Errors: UNAUTHENTICATED, CONFLICT (TWO_FACTOR_ENABLED).',
  })
  startTotpEnrollment(@Ctx() context: RequestContext): Promise<StartTotpEnrollmentPayload> {
    return this.twoFactor.startEnrollment(context);
  }

  @Authorized()
  @Mutation(() => ConfirmTotpEnrollmentPayload, {
    nullable: true,
    description:
      "Turns two-factor on with a code from the enrolled app: ends the user's other sessions, answers a fresh " +
      'session and ten recovery codes (shown once). Wrong codes are throttled per user. ' +
      'Errors: UNAUTHENTICATED, BAD_USER_INPUT, CONFLICT (TWO_FACTOR_ENABLED, TWO_FACTOR_NOT_ENABLED), RATE_LIMITED.',
  })
  confirmTotpEnrollment(
    @Arg('input', { description: 'The first code.' }) { code }: ConfirmTotpEnrollmentInput,
    @Ctx() context: RequestContext,
  ): Promise<Session & { recoveryCodes: string[] }> {
    return this.twoFactor.confirmEnrollment(context, code);
  }

  @Authorized()
  @Mutation(() => DisableTotpPayload, {
    nullable: true,
    description:
      "Turns two-factor off with a current code or an unused recovery code: ends the user's other sessions and " +
      'answers a fresh session. Errors: UNAUTHENTICATED, BAD_USER_INPUT, CONFLICT (TWO_FACTOR_NOT_ENABLED), RATE_LIMITED.',
  })
  disableTotp(
    @Arg('input', { description: 'Proof of the second factor.' }) { code }: DisableTotpInput,
    @Ctx() context: RequestContext,
  ): Promise<Session> {
    return this.twoFactor.disable(context, code);
  }

  @Authorized()
  @Mutation(() => RegenerateRecoveryCodesPayload, {
    nullable: true,
    description:
      'Replaces the recovery codes with ten new ones (shown once): for a current TOTP code, or, for an account ' +
      'whose second factors are passkeys, from a session signed in with one (`input: {}`). ' +
      'Errors: UNAUTHENTICATED, BAD_USER_INPUT, FORBIDDEN (SECOND_FACTOR_REQUIRED), CONFLICT (TWO_FACTOR_NOT_ENABLED), ' +
      'RATE_LIMITED.',
  })
  async regenerateRecoveryCodes(
    @Arg('input', { description: 'A current TOTP code, or nothing (passkeys only).' })
    { code }: RegenerateRecoveryCodesInput,
    @Ctx() context: RequestContext,
  ): Promise<RegenerateRecoveryCodesPayload> {
    return { recoveryCodes: await this.twoFactor.regenerateRecoveryCodes(context, code ?? undefined) };
  }

  @Mutation(() => VerifyTwoFactorPayload, {
    nullable: true,
    description:
      "Completes a sign-in that `login` challenged: the challenge's token and a current TOTP code or an unused " +
      'recovery code give the session, marked as established with a second factor. A challenge takes a few ' +
      'codes and lasts minutes; wrong codes are throttled per user. ' +
      'Errors: BAD_USER_INPUT, FORBIDDEN (ACCOUNT_SUSPENDED), RATE_LIMITED.',
  })
  async verifyTwoFactor(
    @Arg('input', { description: 'The challenge and the code.' }) { challenge, code }: VerifyTwoFactorInput,
    @Ctx() context: RequestContext,
  ): Promise<Session> {
    const session = await this.challenges.verify(context, challenge, code);
    context.viewer = session.viewer ?? { id: session.user.id, role: session.user.role };
    return session;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ResetTwoFactorPayload, {
    nullable: true,
    description:
      'Removes every second factor of a user who lost them all (admin; not yourself): the authenticator app, ' +
      'passkeys, recovery codes and sign-ins waiting for a second factor. Every session of the user ends, the user ' +
      'is mailed, and the password (or a linked provider) signs them in alone until they turn two-factor on ' +
      'again. Check who is asking first, and say how in `reason` (audited). Nothing left to remove: changes ' +
      'nothing but the audit trail. Errors: UNAUTHENTICATED, FORBIDDEN (SECOND_FACTOR_REQUIRED), BAD_USER_INPUT, ' +
      'NOT_FOUND, CONFLICT (OWN_ACCOUNT, INVALID_STATUS).',
  })
  async resetTwoFactor(
    @Arg('input', { description: 'The user and the reason.' }) input: ResetTwoFactorInput,
    @Ctx() context: RequestContext,
  ): Promise<ResetTwoFactorPayload> {
    return { user: await this.resets.reset(context, input) };
  }
}

/** Whether a user has two-factor on: theirs to see. */
@Resolver(() => User)
export class UserTwoFactorResolver {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @FieldResolver(() => Boolean, {
    nullable: true,
    description:
      'Whether signing in takes a second factor (TOTP confirmed with `confirmTotpEnrollment`). Null unless the ' +
      'viewer is this user.',
  })
  twoFactorEnabled(@Root() user: User, @Ctx() context: RequestContext): Promise<boolean> | null {
    if (context.viewer?.id !== user.id) return null;
    return this.twoFactor.isEnabled(user.id);
  }
}

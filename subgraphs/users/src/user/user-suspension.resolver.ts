import { RequestContext, Role, ViewerDependent } from '@marketplace/kit';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { User } from './user.entity';
import type { UserService } from './user.service';
import { UserStatus, UserSuspension } from './user-status.type';
import { ReinstateUserInput, SuspendUserInput } from './user-suspension.inputs';
import { ReinstateUserPayload, SuspendUserPayload } from './user-suspension.payloads';
import type { UserSuspensionService } from './user-suspension.service';

/** Suspending and reinstating accounts (admins), and where an account stands. */
@Resolver(() => User)
export class UserSuspensionResolver {
  constructor(
    private readonly suspensions: UserSuspensionService,
    private readonly users: UserService,
  ) {}

  @Authorized(Role.ADMIN)
  @Mutation(() => SuspendUserPayload, {
    nullable: true,
    description:
      'Suspends a user (admin; not yourself, nor the last active admin): sign-in and refresh are refused, every ' +
      "session ends within seconds (open subscriptions close), and the user's vendor leaves the storefront. " +
      'Ends by itself at `until`, else when reinstated. On a suspended user, replaces the reason and end. ' +
      'Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (OWN_ACCOUNT, LAST_ADMIN, INVALID_STATUS).',
  })
  async suspendUser(
    @Arg('input', { description: 'The user, the reason and the optional end.' }) input: SuspendUserInput,
    @Ctx() context: RequestContext,
  ): Promise<SuspendUserPayload> {
    return { user: await this.suspensions.suspend(context, input) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ReinstateUserPayload, {
    nullable: true,
    description:
      'Lifts a standing suspension (admin): the user may sign in again and their vendor returns to the storefront ' +
      'unless an admin suspended the vendor itself. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, ' +
      'CONFLICT (NOT_SUSPENDED, INVALID_STATUS).',
  })
  async reinstateUser(
    @Arg('input', { description: 'The suspended user.' }) { userId }: ReinstateUserInput,
    @Ctx() context: RequestContext,
  ): Promise<ReinstateUserPayload> {
    return { user: await this.suspensions.reinstate(context, userId) };
  }

  @FieldResolver(() => UserStatus, {
    nullable: true,
    description:
      'Where the account stands; visible to the user and to admins, null for everyone else. A suspension with an ' +
      'end reads ACTIVE from that instant.',
  })
  @ViewerDependent()
  status(@Root() user: User, @Ctx() context: RequestContext): UserStatus | null {
    return this.users.canSeePrivateFields(context, user) ? user.status : null;
  }

  @FieldResolver(() => UserSuspension, {
    nullable: true,
    description:
      'The standing suspension: admins only (a suspended user cannot be signed in; the sign-in refusal says until ' +
      'when). Null when the user is not suspended, and for everyone else.',
  })
  @ViewerDependent()
  suspension(@Root() user: User, @Ctx() context: RequestContext): UserSuspension | null {
    if (context.viewer?.role !== Role.ADMIN || user.status !== UserStatus.SUSPENDED) return null;
    return {
      reason: user.suspensionReason!,
      until: user.suspendedUntil,
      byId: user.suspendedBy!,
      at: user.suspendedAt!,
    };
  }
}

/** `UserSuspension.by`, through the per-request user loader. */
@Resolver(() => UserSuspension)
export class UserSuspensionFieldsResolver {
  constructor(private readonly users: UserService) {}

  @FieldResolver(() => User, {
    nullable: true,
    description: 'The admin who suspended the user; null if that account no longer exists.',
  })
  by(@Root() suspension: UserSuspension, @Ctx() context: RequestContext): Promise<User | null> {
    return this.users.byId(context).load(suspension.byId);
  }
}

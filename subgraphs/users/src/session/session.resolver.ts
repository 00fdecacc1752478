import { PageArgs, PagedList, RequestContext, ViewerDependent, forbidden, requireViewer } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { User } from '../user/user.entity';
import { DeviceSessionService } from './device-session.service';
import { RevokeSessionInput } from './session.inputs';
import { RevokeOtherSessionsPayload, RevokeSessionPayload } from './session.payloads';
import { SessionConnection } from './session.type';

/** Sessions a user can see and end: `me { sessions }`, `revokeSession`, `revokeOtherSessions`. */
@Resolver(() => User)
export class SessionResolver {
  constructor(private readonly devices: DeviceSessionService) {}

  // Nullable: a refusal here must not null the whole user.
  @PagedList()
  @ViewerDependent()
  @FieldResolver(() => SessionConnection, {
    nullable: true,
    description:
      "The user's live sessions (signed-in devices), newest first, the current one marked: for the user " +
      'themselves only (`me { sessions }`), UNAUTHENTICATED or FORBIDDEN (field null) for anyone else, admins ' +
      'included (an admin ends them all by suspending the account).',
  })
  sessions(@Root() user: User, @Args() page: PageArgs, @Ctx() context: RequestContext) {
    const viewer = requireViewer(context);
    if (viewer.id !== user.id) throw forbidden('Only the user sees their own sessions');
    return this.devices.list(context, user.id, page);
  }

  @Authorized()
  @Mutation(() => RevokeSessionPayload, {
    nullable: true,
    description:
      "Ends one of the signed-in user's sessions (the current one too): its refresh token stops at once, its " +
      "access tokens within seconds; the user's other sessions keep working. Recorded in the audit trail. " +
      'Errors: UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND.',
  })
  async revokeSession(
    @Arg('input', { description: 'The session to end.' }) { sessionId }: RevokeSessionInput,
    @Ctx() context: RequestContext,
  ): Promise<RevokeSessionPayload> {
    return { revokedSessionId: await this.devices.revoke(context, sessionId) };
  }

  @Authorized()
  @Mutation(() => RevokeOtherSessionsPayload, {
    nullable: true,
    description:
      'Ends every session of the signed-in user but the current one (the access token\'s): "sign out everywhere ' +
      'else". Recorded in the audit trail. Errors: UNAUTHENTICATED.',
  })
  async revokeOtherSessions(@Ctx() context: RequestContext): Promise<RevokeOtherSessionsPayload> {
    return { revokedSessionIds: await this.devices.revokeOthers(context) };
  }
}

import { PagedList, RequestContext, Role, ViewerDependent } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { UserArgs, UsersArgs } from './user.args';
import { User, UserConnection } from './user.entity';
import { SetUserRoleInput, UpdateProfileInput } from './user.inputs';
import { SetUserRolePayload, UpdateProfilePayload } from './user.payloads';
import { UserService } from './user.service';

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly userService: UserService) {}

  @Query(() => User, { nullable: true, description: 'The signed-in user; null when anonymous. Errors: none.' })
  me(@Ctx() context: RequestContext): Promise<User | null> | null {
    return context.viewer ? this.userService.byId(context).load(context.viewer.id) : null;
  }

  @Query(() => User, {
    nullable: true,
    description:
      'One user: admins may read anyone, other users only themselves; null when the user does not exist or the ' +
      'caller may not see them (always for anonymous callers). Errors: BAD_USER_INPUT.',
  })
  user(@Args() { id }: UserArgs, @Ctx() context: RequestContext): Promise<User | null> {
    return this.userService.getVisible(context, id);
  }

  @Authorized(Role.ADMIN)
  @PagedList()
  @Query(() => UserConnection, {
    nullable: true,
    description:
      'Users, newest first (admin), narrowed by `filter` (search in email and name, role, status, sign-up ' +
      'time). Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT.',
  })
  users(@Args() { filter, ...page }: UsersArgs, @Ctx() context: RequestContext) {
    return this.userService.list(context, filter ?? {}, page);
  }

  @Authorized()
  @Mutation(() => UpdateProfilePayload, {
    nullable: true,
    description:
      "Changes the signed-in user's profile. A new email must be verified again. " +
      'Errors: UNAUTHENTICATED, BAD_USER_INPUT, CONFLICT (EMAIL_TAKEN).',
  })
  async updateProfile(
    @Arg('input', { description: 'The changes.' }) input: UpdateProfileInput,
    @Ctx() context: RequestContext,
  ): Promise<UpdateProfilePayload> {
    return { user: await this.userService.updateProfile(context, input) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SetUserRolePayload, {
    nullable: true,
    description:
      'Gives a user another role (admin; not your own, and never demoting the last active admin). Takes effect at ' +
      'their next token refresh; audited. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, ' +
      'CONFLICT (OWN_ROLE, LAST_ADMIN, INVALID_STATUS).',
  })
  async setUserRole(
    @Arg('input', { description: 'The user and their new role.' }) { userId, role }: SetUserRoleInput,
    @Ctx() context: RequestContext,
  ): Promise<SetUserRolePayload> {
    return { user: await this.userService.setRole(context, userId, role) };
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Email address; visible to the user and to admins, null for everyone else.',
  })
  @ViewerDependent()
  email(@Root() user: User, @Ctx() context: RequestContext): string | null {
    return this.userService.canSeePrivateFields(context, user) ? user.email : null;
  }
}

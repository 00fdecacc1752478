import { PagedList, RequestContext, Role } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { SetUserRoleArgs, UserArgs, UsersArgs } from './user.args';
import { User, UserConnection } from './user.entity';
import { UpdateProfileInput } from './user.inputs';
import { UserService } from './user.service';

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly userService: UserService) {}

  @Query(() => User, { nullable: true, description: 'The signed-in user; null when anonymous.' })
  me(@Ctx() context: RequestContext): Promise<User> | null {
    return context.viewer ? this.userService.get(context, context.viewer.id) : null;
  }

  @Authorized()
  @Query(() => User, { description: 'One user: admins may read anyone, other users only themselves.' })
  user(@Args() { id }: UserArgs, @Ctx() context: RequestContext): Promise<User> {
    return this.userService.getVisible(context, id);
  }

  @Authorized(Role.ADMIN)
  @PagedList()
  @Query(() => UserConnection, { description: 'All users, newest first (admin).' })
  users(@Args() { filter, ...page }: UsersArgs, @Ctx() context: RequestContext) {
    return this.userService.list(context, filter ?? {}, page);
  }

  @Authorized()
  @Mutation(() => User, { description: "Changes the signed-in user's profile. A new email must be verified again." })
  updateProfile(
    @Arg('input', { description: 'The changes.' }) input: UpdateProfileInput,
    @Ctx() context: RequestContext,
  ): Promise<User> {
    return this.userService.updateProfile(context, input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => User, {
    description: 'Gives a user another role (admin; not your own). Takes effect at their next token refresh.',
  })
  setUserRole(@Args() { userId, role }: SetUserRoleArgs, @Ctx() context: RequestContext): Promise<User> {
    return this.userService.setRole(context, userId, role);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Email address; visible to the user and to admins, null for everyone else.',
  })
  email(@Root() user: User, @Ctx() context: RequestContext): string | null {
    return this.userService.canSeePrivateFields(context, user) ? user.email : null;
  }
}

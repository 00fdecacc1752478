import {
  ConnectionShape,
  InputCheck,
  PagedList,
  RequestContext,
  ViewerDependent,
  requireViewer,
} from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { User } from '../entity-stubs';
import { NotificationsArgs } from './notification.args';
import { MarkNotificationsReadInput } from './notification.inputs';
import { MarkNotificationsReadPayload } from './notification.payloads';
import { MAX_MARK_READ_IDS, NotificationService } from './notification.service';
import { Notification, NotificationConnection } from './notification.type';

/** What this subgraph adds to the users subgraph's `User`: the inbox, for its owner only. */
@Resolver(() => User)
export class UserNotificationsResolver {
  constructor(private readonly inbox: NotificationService) {}

  // Nullable: a refusal here must not null the whole user other subgraphs contributed to.
  @PagedList()
  @ViewerDependent()
  @FieldResolver(() => NotificationConnection, {
    nullable: true,
    description:
      "The user's in-app notifications, newest first (read yours as `me { notifications }`): for the user only, admins included; UNAUTHENTICATED when signed out, FORBIDDEN for anyone else.",
  })
  notifications(
    @Root() user: User,
    @Args() { filter, ...page }: NotificationsArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<Notification>> {
    return this.inbox.list(context, user.id, filter?.unreadOnly === true, page);
  }

  @ViewerDependent()
  @FieldResolver(() => Int, {
    nullable: true,
    description:
      "How many of the user's notifications are unread (the bell's badge): for the user only; UNAUTHENTICATED when signed out, FORBIDDEN for anyone else.",
  })
  unreadNotificationCount(@Root() user: User, @Ctx() context: RequestContext): Promise<number> {
    return this.inbox.unreadCount(context, user.id);
  }

  @ViewerDependent()
  @FieldResolver(() => Notification, {
    nullable: true,
    description:
      "One of the user's notifications by id (what `notificationAdded` pushes, each as it is added): for the user only; null for anyone else, as for a missing one.",
  })
  notification(
    @Root() user: User,
    @Arg('notificationId', () => ID, { description: 'The notification.' }) notificationId: string,
    @Ctx() context: RequestContext,
  ): Promise<Notification | null> {
    return this.inbox.ofUser(context, user.id, notificationId);
  }

  @ViewerDependent()
  @FieldResolver(() => Notification, {
    nullable: true,
    description:
      "The user's newest notification (the bell's latest): for the user only; null for anyone else, as when there is none.",
  })
  newestNotification(@Root() user: User, @Ctx() context: RequestContext): Promise<Notification | null> {
    return this.inbox.newest(context, user.id);
  }
}

@Resolver(() => Notification)
export class NotificationResolver {
  constructor(private readonly notifications: NotificationService) {}

  @Authorized()
  @Mutation(() => MarkNotificationsReadPayload, {
    nullable: true,
    description:
      "Marks the viewer's notifications read: the ones named (`notificationIds`, someone else's are NOT_FOUND like missing ones) or every unread one (`all: true`). Errors: UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND.",
  })
  async markNotificationsRead(
    @Arg('input', { description: 'Which notifications.' }) input: MarkNotificationsReadInput,
    @Ctx() context: RequestContext,
  ): Promise<MarkNotificationsReadPayload> {
    const viewer = requireViewer(context);
    const check = new InputCheck();
    const ids = input.notificationIds ?? null;
    const all = input.all === true;
    if (ids !== null && all) check.add('input.all', 'must not be given with notificationIds');
    else if (ids === null && !all) check.add('input.notificationIds', 'give notificationIds or all: true');
    else if (ids !== null && ids.length === 0)
      check.add('input.notificationIds', 'must name at least one notification');
    else if (ids !== null && ids.length > MAX_MARK_READ_IDS)
      check.add('input.notificationIds', `must name at most ${MAX_MARK_READ_IDS} notifications`);
    check.done();
    const result = await this.notifications.markRead(context, all ? { all: true } : { notificationIds: ids! });
    return {
      notifications: result.notifications,
      unreadNotificationCount: result.unreadCount,
      user: User.of(viewer.id),
    };
  }
}

import {
  ChangeFeed,
  ChangeTopics,
  LoaderRegistry,
  RequestContext,
  changeStream,
  notFound,
  requireViewer,
} from '@marketplace/kit';
import { GraphQLResolveInfo } from 'graphql';
import { Ctx, Resolver, Root, Subscription } from 'type-graphql';
import { NotificationService } from './notification.service';
import { Notification } from './notification.type';

/** The root value with which `subscribe` asks this field's resolver to open the stream. */
const OPEN = Symbol('open the notification stream');

/** As `orderUpdated` (orders): `subscribe` calls the field's own resolver, which has the wired instance. */
function subscribeThroughResolver({ context, info }: { context: unknown; info: GraphQLResolveInfo }) {
  const field = info.parentType.getFields()[info.fieldName];
  return field.resolve!(OPEN, {}, context, info) as Promise<AsyncIterable<void>>;
}

@Resolver(() => Notification)
export class NotificationSubscriptionResolver {
  constructor(
    private readonly notifications: NotificationService,
    private readonly changes: ChangeFeed,
  ) {}

  @Subscription(() => Notification, {
    description:
      "The viewer's newest notification each time one is added (through the gateway: each notice of a new one runs `me { notification(notificationId:) }` with the subscriber's own rights), so a bell updates without polling. Nothing is pushed at subscribe time. Errors: UNAUTHENTICATED.",
    subscribe: subscribeThroughResolver,
  })
  async notificationAdded(
    @Root() root: unknown,
    @Ctx() context: RequestContext,
  ): Promise<Notification | AsyncIterable<void>> {
    const viewer = requireViewer(context);
    if (root === OPEN) {
      const stream = await changeStream(this.changes, ChangeTopics.notifications(viewer.id));
      // The stream's first tick means "the state now"; an "added" stream pushes only what comes after.
      await stream.next();
      return stream;
    }
    // Each notice only says "added": read the newest as it is now, with fresh loaders.
    context.loaders = new LoaderRegistry();
    const newest = await this.notifications.newest(context, viewer.id);
    if (!newest) throw notFound('Notification');
    return newest;
  }
}

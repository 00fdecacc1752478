import { ConnectionShape, MODERATION_QUEUE_ID, PageArgs, PagedList, Role } from '@marketplace/kit';
import { Args, Authorized, FieldResolver, Query, Resolver } from 'type-graphql';
import { ModerationQueue } from '../entity-stubs';
import { ModerationQueueService } from './moderation-queue.service';
import { QueuedVendor, QueuedVendorConnection } from './moderation-queue.type';

/**
 * `moderationQueue` (admin) and the vendor subgraph's list in it: PENDING applications. The
 * catalog adds the products in review to the same `ModerationQueue` entity, so one query
 * makes one fetch per subgraph.
 */
@Resolver(() => ModerationQueue)
export class ModerationQueueResolver {
  constructor(private readonly queue: ModerationQueueService) {}

  @Authorized(Role.ADMIN)
  @Query(() => ModerationQueue, {
    nullable: true,
    description:
      'What waits for an admin: products in review and vendor applications, each list the longest waiting first (admin). Errors: UNAUTHENTICATED, FORBIDDEN.',
  })
  moderationQueue(): ModerationQueue {
    return ModerationQueue.of(MODERATION_QUEUE_ID);
  }

  @Authorized(Role.ADMIN)
  @PagedList()
  @FieldResolver(() => QueuedVendorConnection, {
    nullable: true,
    description:
      'Vendor applications (PENDING), the longest waiting first, each with when it was sent and how long it waited (admin).',
  })
  vendors(@Args() page: PageArgs): Promise<ConnectionShape<QueuedVendor>> {
    return this.queue.vendors(page);
  }
}

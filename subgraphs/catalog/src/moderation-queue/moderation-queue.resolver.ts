import { ConnectionShape, PageArgs, PagedList, Role } from '@marketplace/kit';
import { Args, Authorized, FieldResolver, Resolver } from 'type-graphql';
import { ModerationQueue } from '../entity-stubs';
import { ModerationQueueService } from './moderation-queue.service';
import { QueuedProduct, QueuedProductConnection } from './moderation-queue.type';

/** The catalog's list in the moderation queue (the vendor subgraph answers `moderationQueue` itself). */
@Resolver(() => ModerationQueue)
export class ModerationQueueResolver {
  constructor(private readonly queue: ModerationQueueService) {}

  @Authorized(Role.ADMIN)
  @PagedList()
  @FieldResolver(() => QueuedProductConnection, {
    nullable: true,
    description:
      'Products submitted for review (IN_REVIEW), the longest waiting first, each with when it was submitted and how long it waited (admin).',
  })
  products(@Args() page: PageArgs): Promise<ConnectionShape<QueuedProduct>> {
    return this.queue.products(page);
  }
}

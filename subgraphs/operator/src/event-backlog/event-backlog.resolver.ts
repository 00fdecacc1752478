import { Role } from '@marketplace/kit';
import { Authorized, Query, Resolver } from 'type-graphql';
import { EventBacklogService } from './event-backlog.service';
import { SubgraphEventBacklog } from './event-backlog.type';

@Resolver(() => SubgraphEventBacklog)
export class EventBacklogResolver {
  constructor(private readonly backlog: EventBacklogService) {}

  @Authorized(Role.ADMIN)
  @Query(() => [SubgraphEventBacklog], {
    nullable: true,
    description:
      "Each subgraph's unpublished events and how long the oldest has waited (admin), as each subgraph reports them every few seconds: a stuck relay shows here before customers notice. A subgraph whose report is missing or old is `stale`. Errors: UNAUTHENTICATED, FORBIDDEN.",
  })
  eventBacklog(): Promise<SubgraphEventBacklog[]> {
    return this.backlog.list();
  }
}

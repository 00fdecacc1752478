import { ListSize, RequestContext } from '@marketplace/kit';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Order } from '../order/order.type';
import { TimelineService } from './timeline.service';
import { OrderTimelineEntry } from './timeline.type';

/** Room for the status changes, webhooks and licenses of a usual order (the cost estimate's guess). */
const ASSUMED_TIMELINE_LENGTH = 20;

/** What the timeline adds to `Order`. */
@Resolver(() => Order)
export class OrderTimelineResolver {
  constructor(private readonly timelines: TimelineService) {}

  // Nullable per the conventions: a list the caller may not read is null with its error.
  @ListSize(ASSUMED_TIMELINE_LENGTH)
  @FieldResolver(() => [OrderTimelineEntry], {
    nullable: true,
    description:
      'Everything that happened to the order, oldest first: status changes, payment attempts, payment provider webhooks, refund requests, licenses issued and revoked, each with who or what caused it. For the owner and admins.',
  })
  timeline(@Root() order: Order, @Ctx() context: RequestContext): Promise<OrderTimelineEntry[]> {
    return this.timelines.of(context, order);
  }
}

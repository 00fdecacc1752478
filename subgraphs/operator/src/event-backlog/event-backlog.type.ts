import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    "One subgraph's outbox as it last reported it: events written but not yet published. A backlog that grows, or a report that stopped, is a stuck relay.",
})
export class SubgraphEventBacklog {
  @Field({ description: 'The subgraph, e.g. `orders`.' })
  subgraph: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Events in its outbox not yet published, at `reportedAt`; null when it never reported.',
  })
  unsentEventCount: number | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the oldest unpublished event was written; null when none waited (or it never reported).',
  })
  oldestUnsentAt: Date | null;

  @Field(() => Float, {
    nullable: true,
    description: 'How long the oldest unpublished event has waited, in seconds, as of now; null when none waited.',
  })
  oldestUnsentAgeSeconds: number | null;

  @Field(() => Date, { nullable: true, description: 'When the subgraph last reported; null when it never did.' })
  reportedAt: Date | null;

  @Field({
    description:
      'True when its last report is missing or older than the reporting allows: the subgraph is down or cannot reach the store, and the figures may be out of date.',
  })
  stale: boolean;
}

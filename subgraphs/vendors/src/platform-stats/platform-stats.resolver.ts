import {
  Money,
  PlatformStatsBucketKey,
  ReferenceResolvers,
  RequestContext,
  Role,
  platformStatsBucketStub,
} from '@marketplace/kit';
import { Authorized, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { PlatformStatsFiguresService } from './platform-stats.service';

/** `PlatformStatsBucket` as vendors knows it: its key; the orders subgraph owns the rest. */
export const PlatformStatsBucket = platformStatsBucketStub();

/** What vendors adds to each bucket of `platformStats` (admin only, as the root field is). */
@Resolver(() => PlatformStatsBucket)
export class PlatformStatsBucketResolver {
  constructor(private readonly figures: PlatformStatsFiguresService) {}

  @Authorized(Role.ADMIN)
  @FieldResolver(() => [Money], {
    description:
      "The platform's commission on sales in the bucket, net of commission given back with refunds, one per currency of the answer (zeros included).",
  })
  async commission(@Root() bucket: PlatformStatsBucketKey, @Ctx() context: RequestContext): Promise<Money[]> {
    return (await this.figures.figures(context, bucket)).commission;
  }

  @Authorized(Role.ADMIN)
  @FieldResolver(() => Int, { description: 'Vendor accounts created (applications made) in the bucket.' })
  async newVendorCount(@Root() bucket: PlatformStatsBucketKey, @Ctx() context: RequestContext): Promise<number> {
    return (await this.figures.figures(context, bucket)).newVendorCount;
  }
}

/** Every bucket's representation is its key: nothing to look up. */
export const platformStatsBucketReferences: ReferenceResolvers = {
  PlatformStatsBucket: {
    // Keyed by its bounds, not an id: the representation carries them as the DateTime strings orders sent.
    __resolveReference: (reference) => PlatformStatsBucket.of(reference as unknown as { from: string; to: string }),
  },
};

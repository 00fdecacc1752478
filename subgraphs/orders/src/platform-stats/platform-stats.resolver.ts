import { AGGREGATE_COST, Cost, ListSize, RequestContext, Role } from '@marketplace/kit';
import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Product, Vendor } from '../entity-stubs';
import { PlatformStatsArgs, TopArgs } from './platform-stats.args';
import { PlatformStatsService } from './platform-stats.service';
import {
  MAX_TOP,
  PlatformStats,
  PlatformStatsBucket,
  PlatformTopProduct,
  PlatformTopVendor,
} from './platform-stats.type';

@Resolver(() => PlatformStats)
export class PlatformStatsResolver {
  constructor(private readonly platformStatsService: PlatformStatsService) {}

  @Authorized(Role.ADMIN)
  @Cost(AGGREGATE_COST)
  @Query(() => PlatformStats, {
    nullable: true,
    description:
      "The marketplace's business over a period (admin): gross, commission, refunds, net, orders, paying customers, new users and vendors, per currency, as totals and as a series with one bucket per step (empty ones included); and the best-selling products and vendors. Buckets are UTC: `period.from` is rounded down and `period.to` up to the granularity's boundaries. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT.",
  })
  platformStats(@Args() { period, granularity }: PlatformStatsArgs): PlatformStats {
    return this.platformStatsService.period(period.from, period.to, granularity);
  }

  @FieldResolver(() => PlatformStatsBucket, { description: 'The whole period as one bucket.' })
  totals(@Root() stats: PlatformStats): Promise<PlatformStatsBucket> {
    return this.platformStatsService.totals(stats);
  }

  // Sized for the common ask (a month of days); a period holds at most 366 buckets.
  @ListSize(31)
  @FieldResolver(() => [PlatformStatsBucket], {
    description: 'One bucket per step of the granularity, oldest first, with zeros where nothing happened.',
  })
  series(@Root() stats: PlatformStats): Promise<PlatformStatsBucket[]> {
    return this.platformStatsService.series(stats);
  }

  @ListSize(MAX_TOP)
  @FieldResolver(() => [PlatformTopProduct], {
    description: `The products with the highest net sales (gross − refunds) in the period, best first, \`first\` per currency (at most ${MAX_TOP}).`,
  })
  topProducts(
    @Root() stats: PlatformStats,
    @Args() { first }: TopArgs,
    @Ctx() context: RequestContext,
  ): Promise<PlatformTopProduct[]> {
    return this.platformStatsService.topProducts(context, stats, first);
  }

  @ListSize(MAX_TOP)
  @FieldResolver(() => [PlatformTopVendor], {
    description: `The vendors with the highest net sales (gross − refunds) in the period, best first, \`first\` per currency (at most ${MAX_TOP}).`,
  })
  topVendors(
    @Root() stats: PlatformStats,
    @Args() { first }: TopArgs,
    @Ctx() context: RequestContext,
  ): Promise<PlatformTopVendor[]> {
    return this.platformStatsService.topVendors(context, stats, first);
  }
}

@Resolver(() => PlatformTopProduct)
export class PlatformTopProductResolver {
  @FieldResolver(() => Product, { description: 'The product.' })
  product(@Root() top: PlatformTopProduct): Product {
    return Product.of(top.productId);
  }

  @FieldResolver(() => Vendor, { description: 'Its vendor.' })
  vendor(@Root() top: PlatformTopProduct): Vendor {
    return Vendor.of(top.vendorId);
  }
}

@Resolver(() => PlatformTopVendor)
export class PlatformTopVendorResolver {
  @FieldResolver(() => Vendor, { description: 'The vendor.' })
  vendor(@Root() top: PlatformTopVendor): Vendor {
    return Vendor.of(top.vendorId);
  }
}

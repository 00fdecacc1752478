import { ConnectionShape, PagedList, RequestContext, Role } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Vendor } from '../vendor-account/vendor.entity';
import { VendorService } from '../vendor-account/vendor.service';
import { PayoutIdArgs, PayoutsArgs, RejectPayoutArgs, RequestPayoutArgs } from './payout.args';
import { PayoutService } from './payout.service';
import { Payout, PayoutConnection } from './payout.type';

@Resolver(() => Payout)
export class PayoutResolver {
  constructor(
    private readonly payoutService: PayoutService,
    private readonly vendors: VendorService,
  ) {}

  @Authorized()
  @Query(() => Payout, {
    nullable: true,
    description: "One payout, for its vendor's user and admins; null when unknown or someone else's.",
  })
  payout(
    @Arg('id', () => ID, { description: "The payout's id." }) id: string,
    @Ctx() context: RequestContext,
  ): Promise<Payout | null> {
    return this.payoutService.find(context, id);
  }

  @Authorized(Role.ADMIN)
  @PagedList()
  @Query(() => PayoutConnection, {
    description: "Every vendor's payouts, newest request first (admin); filter by REQUESTED for the ones waiting.",
  })
  payouts(@Args() { status, ...page }: PayoutsArgs): Promise<ConnectionShape<Payout>> {
    return this.payoutService.list({ status }, page);
  }

  @Authorized(Role.VENDOR)
  @Mutation(() => Payout, {
    description:
      "Asks for a payout out of the signed-in vendor's available balance (VENDOR role, an ACTIVE vendor). More than is available: CONFLICT with `extensions.available`. Concurrent requests never take more than was available together.",
  })
  requestPayout(@Args() { amount, currency }: RequestPayoutArgs, @Ctx() context: RequestContext): Promise<Payout> {
    return this.payoutService.request(context, amount, currency);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Payout, {
    description: 'Records that a REQUESTED payout was sent (admin); any other status: CONFLICT.',
  })
  markPayoutPaid(@Args() { id }: PayoutIdArgs, @Ctx() context: RequestContext): Promise<Payout> {
    return this.payoutService.markPaid(context, id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Payout, {
    description:
      'Refuses a REQUESTED payout with a reason (admin): its amount returns to the available balance. Any other status: CONFLICT.',
  })
  rejectPayout(@Args() { id, reason }: RejectPayoutArgs, @Ctx() context: RequestContext): Promise<Payout> {
    return this.payoutService.reject(context, id, reason);
  }

  @FieldResolver(() => Vendor, { description: 'The vendor paid.' })
  async vendor(@Root() payout: Payout, @Ctx() context: RequestContext): Promise<Vendor> {
    // The payouts table's foreign key guarantees the vendor exists.
    return (await this.vendors.byId(context).load(payout.vendorId))!;
  }
}

/** What payouts add to `Vendor`. */
@Resolver(() => Vendor)
export class VendorPayoutsResolver {
  constructor(
    private readonly payoutService: PayoutService,
    private readonly vendors: VendorService,
  ) {}

  @PagedList()
  @FieldResolver(() => PayoutConnection, {
    nullable: true,
    description:
      "The vendor's payouts, newest request first; visible to the vendor's user and admins, null for everyone else.",
  })
  payouts(
    @Root() vendor: Vendor,
    @Args() { status, ...page }: PayoutsArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<Payout>> | null {
    return this.vendors.canSeePrivateFields(context, vendor)
      ? this.payoutService.list({ vendorId: vendor.id, status }, page)
      : null;
  }
}

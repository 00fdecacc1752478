import { ConnectionShape, PagedList, RequestContext, Role, ApiKeyScope, ApiKeyScoped } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { checkId } from '../errors';
import { Vendor } from '../vendor-account/vendor.entity';
import { VendorService } from '../vendor-account/vendor.service';
import { PayoutsArgs } from './payout.args';
import { MarkPayoutPaidInput, RejectPayoutInput, RequestPayoutInput } from './payout.inputs';
import { MarkPayoutPaidPayload, RejectPayoutPayload, RequestPayoutPayload } from './payout.payloads';
import { PayoutService } from './payout.service';
import { Payout, PayoutConnection } from './payout.type';

const DECISION_ERRORS = 'Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (INVALID_STATUS).';

@Resolver(() => Payout)
export class PayoutResolver {
  constructor(
    private readonly payoutService: PayoutService,
    private readonly vendors: VendorService,
  ) {}

  @Query(() => Payout, {
    nullable: true,
    description:
      "One payout, for its vendor's owner and admins; null when unknown or not the caller's, alike (also when signed out). Errors: BAD_USER_INPUT.",
  })
  payout(
    @Arg('id', () => ID, { description: "The payout's id." }) id: string,
    @Ctx() context: RequestContext,
  ): Promise<Payout | null> {
    return this.payoutService.find(context, checkId(id, 'id'));
  }

  @Authorized(Role.ADMIN)
  @PagedList()
  @Query(() => PayoutConnection, {
    nullable: true,
    description:
      "Every vendor's payouts, newest request first (admin); filter by REQUESTED for the ones waiting. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT.",
  })
  payouts(@Args() { filter, ...page }: PayoutsArgs): Promise<ConnectionShape<Payout>> {
    return this.payoutService.list({ status: filter?.status }, page);
  }

  @Authorized(Role.VENDOR)
  @Mutation(() => RequestPayoutPayload, {
    nullable: true,
    description:
      "Asks for a payout out of the signed-in vendor's available balance (VENDOR role, an ACTIVE vendor). A retry with the same idempotency key returns the first payout; the same key with another amount is CONFLICT (IDEMPOTENCY_KEY_REUSED). More than is available: CONFLICT (INSUFFICIENT_BALANCE), the message says how much is. Concurrent requests never take more than was available together. Errors: UNAUTHENTICATED, FORBIDDEN (NOT_A_VENDOR, VENDOR_NOT_ACTIVE), BAD_USER_INPUT, CONFLICT (IDEMPOTENCY_KEY_REUSED, INSUFFICIENT_BALANCE).",
  })
  async requestPayout(
    @Arg('input', { description: 'The amount and the idempotency key.' }) input: RequestPayoutInput,
    @Ctx() context: RequestContext,
  ): Promise<RequestPayoutPayload> {
    const { payout } = await this.payoutService.request(context, input);
    return { payout, vendor: await this.vendorOf(context, payout) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => MarkPayoutPaidPayload, {
    nullable: true,
    description: `Records that a REQUESTED payout was sent (admin); any other status is CONFLICT (INVALID_STATUS). ${DECISION_ERRORS}`,
  })
  async markPayoutPaid(
    @Arg('input', { description: 'The payout that was paid.' }) input: MarkPayoutPaidInput,
    @Ctx() context: RequestContext,
  ): Promise<MarkPayoutPaidPayload> {
    return { payout: await this.payoutService.markPaid(context, input.payoutId) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RejectPayoutPayload, {
    nullable: true,
    description: `Refuses a REQUESTED payout with a reason (admin): its amount returns to the available balance. Any other status is CONFLICT (INVALID_STATUS). ${DECISION_ERRORS}`,
  })
  async rejectPayout(
    @Arg('input', { description: 'The payout to refuse, and why.' }) input: RejectPayoutInput,
    @Ctx() context: RequestContext,
  ): Promise<RejectPayoutPayload> {
    const payout = await this.payoutService.reject(context, input.payoutId, input.reason);
    return { payout, vendor: await this.vendorOf(context, payout) };
  }

  @FieldResolver(() => Vendor, { description: 'The vendor paid.' })
  vendor(@Root() payout: Payout, @Ctx() context: RequestContext): Promise<Vendor> {
    return this.vendorOf(context, payout);
  }

  private async vendorOf(context: RequestContext, payout: Payout): Promise<Vendor> {
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

  @ApiKeyScoped(ApiKeyScope.SALES_READ)
  @PagedList()
  @FieldResolver(() => PayoutConnection, {
    nullable: true,
    description:
      "The vendor's payouts, newest request first; for the vendor's owner and admins (anyone else: null with FORBIDDEN).",
  })
  payouts(
    @Root() vendor: Vendor,
    @Args() { filter, ...page }: PayoutsArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<Payout>> {
    this.vendors.requirePrivateAccess(context, vendor, 'payouts');
    return this.payoutService.list({ vendorId: vendor.id, status: filter?.status }, page);
  }
}

import {
  ConnectionShape,
  PageArgs,
  PagedList,
  RequestContext,
  Role,
  ApiKeyScope,
  ApiKeyScoped,
} from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Vendor } from '../vendor-account/vendor.entity';
import { VendorService } from '../vendor-account/vendor.service';
import { SetVendorCommissionInput } from './commission.inputs';
import { SetVendorCommissionPayload } from './commission.payloads';
import { CommissionService } from './commission.service';
import { VendorCommissionTerms, VendorCommissionTermsConnection } from './commission.type';

/** `setVendorCommission`, and the vendor's current rate and its history (the vendor's owner and admins). */
@Resolver(() => Vendor)
export class VendorCommissionResolver {
  constructor(
    private readonly commissions: CommissionService,
    private readonly vendors: VendorService,
  ) {}

  @Authorized(Role.ADMIN)
  @Mutation(() => SetVendorCommissionPayload, {
    nullable: true,
    description:
      "Sets a vendor's commission rate (admin) for sales paid from now on; sales paid before keep the rate they were paid at, even when credited later. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND.",
  })
  async setVendorCommission(
    @Arg('input', () => SetVendorCommissionInput, { description: 'The vendor and its new rate.' })
    input: SetVendorCommissionInput,
    @Ctx() context: RequestContext,
  ): Promise<SetVendorCommissionPayload> {
    const { vendor, terms } = await this.commissions.set(context, input);
    return { vendor, commissionTerms: terms };
  }

  @ApiKeyScoped(ApiKeyScope.SALES_READ)
  @FieldResolver(() => VendorCommissionTerms, {
    nullable: true,
    description:
      "The commission rate in force and since when; visible to the vendor's owner and admins, null (without an error) for everyone else.",
  })
  commissionTerms(
    @Root() vendor: Vendor,
    @Ctx() context: RequestContext,
  ): Promise<VendorCommissionTerms | null> | null {
    return this.vendors.canSeePrivateFields(context, vendor)
      ? this.commissions.currentOf(context).load(vendor.id)
      : null;
  }

  @ApiKeyScoped(ApiKeyScope.SALES_READ)
  @PagedList()
  @FieldResolver(() => VendorCommissionTermsConnection, {
    nullable: true,
    description:
      "Every commission rate the vendor had, the latest first; for the vendor's owner and admins (anyone else: null with FORBIDDEN).",
  })
  commissionHistory(
    @Root() vendor: Vendor,
    @Args() page: PageArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<VendorCommissionTerms>> {
    this.vendors.requirePrivateAccess(context, vendor, 'commission history');
    return this.commissions.history(vendor.id, page);
  }
}

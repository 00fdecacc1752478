import {
  ConnectionShape,
  PagedList,
  RequestContext,
  Role,
  ViewerDependent,
  ApiKeyScope,
  ApiKeyScoped,
} from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { User } from '../entity-stubs';
import { VendorsArgs } from './vendor.args';
import { Vendor, VendorConnection } from './vendor.entity';
import {
  ApplyAsVendorInput,
  ApproveVendorInput,
  ReinstateVendorInput,
  RejectVendorInput,
  SuspendVendorInput,
  UpdateVendorProfileInput,
} from './vendor.inputs';
import {
  ApplyAsVendorPayload,
  ApproveVendorPayload,
  ReinstateVendorPayload,
  RejectVendorPayload,
  SuspendVendorPayload,
  UpdateVendorProfilePayload,
} from './vendor.payloads';
import { VendorModerationService } from './vendor-moderation.service';
import { VendorService } from './vendor.service';

const MODERATION_ERRORS = 'Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (INVALID_STATUS).';

@Resolver(() => Vendor)
export class VendorResolver {
  constructor(
    private readonly vendorService: VendorService,
    private readonly moderation: VendorModerationService,
  ) {}

  @ApiKeyScoped(ApiKeyScope.SALES_READ)
  @Query(() => Vendor, {
    nullable: true,
    description:
      "One vendor by id. Everyone sees ACTIVE vendors; the vendor's owner and admins see any status. Null when unknown or hidden, alike. Errors: BAD_USER_INPUT.",
  })
  vendor(
    @Arg('id', () => ID, { description: "The vendor's id." }) id: string,
    @Ctx() context: RequestContext,
  ): Promise<Vendor | null> {
    return this.vendorService.find(context, id);
  }

  @ApiKeyScoped(ApiKeyScope.SALES_READ)
  @Query(() => Vendor, {
    nullable: true,
    description:
      "One vendor by its storefront slug (any case, surrounding spaces ignored). Everyone sees ACTIVE vendors; the vendor's owner and admins see any status. Null when unknown or hidden, alike. Errors: none.",
  })
  vendorBySlug(
    @Arg('slug', () => String, { description: "The vendor's slug, e.g. ada-agents." }) slug: string,
    @Ctx() context: RequestContext,
  ): Promise<Vendor | null> {
    return this.vendorService.findBySlug(context, slug);
  }

  @Authorized(Role.ADMIN)
  @PagedList()
  @Query(() => VendorConnection, {
    nullable: true,
    description: 'All vendors, newest application first (admin). Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT.',
  })
  vendors(@Args() { filter, ...page }: VendorsArgs): Promise<ConnectionShape<Vendor>> {
    return this.vendorService.list(filter?.status, page);
  }

  @Authorized()
  @Mutation(() => ApplyAsVendorPayload, {
    nullable: true,
    description:
      'Applies to sell on the marketplace: one vendor per user, PENDING until an admin decides. A rejected applicant may apply again. Errors: UNAUTHENTICATED, BAD_USER_INPUT, CONFLICT (ALREADY_A_VENDOR, SLUG_TAKEN).',
  })
  async applyAsVendor(
    @Arg('input', { description: 'The application.' }) input: ApplyAsVendorInput,
    @Ctx() context: RequestContext,
  ): Promise<ApplyAsVendorPayload> {
    return { vendor: await this.vendorService.apply(context, input) };
  }

  @Authorized()
  @Mutation(() => UpdateVendorProfilePayload, {
    nullable: true,
    description:
      "Changes the signed-in user's vendor profile (NOT_FOUND when they have none). Errors: UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND, CONFLICT (SLUG_TAKEN).",
  })
  async updateVendorProfile(
    @Arg('input', { description: 'The changes.' }) input: UpdateVendorProfileInput,
    @Ctx() context: RequestContext,
  ): Promise<UpdateVendorProfilePayload> {
    return { vendor: await this.vendorService.updateProfile(context, input) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApproveVendorPayload, {
    nullable: true,
    description: `Approves a PENDING vendor (admin): it becomes ACTIVE and its owner a VENDOR. ${MODERATION_ERRORS}`,
  })
  async approveVendor(
    @Arg('input', { description: 'The vendor to approve.' }) input: ApproveVendorInput,
    @Ctx() context: RequestContext,
  ): Promise<ApproveVendorPayload> {
    return { vendor: await this.moderation.approve(context, input.vendorId) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RejectVendorPayload, {
    nullable: true,
    description: `Rejects a PENDING vendor with a reason the applicant can read (admin). ${MODERATION_ERRORS}`,
  })
  async rejectVendor(
    @Arg('input', { description: 'The vendor to reject, and why.' }) input: RejectVendorInput,
    @Ctx() context: RequestContext,
  ): Promise<RejectVendorPayload> {
    return { vendor: await this.moderation.reject(context, input.vendorId, input.reason) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SuspendVendorPayload, {
    nullable: true,
    description: `Suspends an ACTIVE vendor (admin): hidden from the public until reinstated. ${MODERATION_ERRORS}`,
  })
  async suspendVendor(
    @Arg('input', { description: 'The vendor to suspend, and why.' }) input: SuspendVendorInput,
    @Ctx() context: RequestContext,
  ): Promise<SuspendVendorPayload> {
    return { vendor: await this.moderation.suspend(context, input.vendorId, input.reason) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ReinstateVendorPayload, {
    nullable: true,
    description: `Makes a SUSPENDED vendor ACTIVE again (admin). ${MODERATION_ERRORS}`,
  })
  async reinstateVendor(
    @Arg('input', { description: 'The vendor to reinstate.' }) input: ReinstateVendorInput,
    @Ctx() context: RequestContext,
  ): Promise<ReinstateVendorPayload> {
    return { vendor: await this.moderation.reinstate(context, input.vendorId) };
  }

  @FieldResolver(() => User, { description: 'The user who owns this vendor profile.' })
  owner(@Root() vendor: Vendor): User {
    return User.of(vendor.userId);
  }

  @ViewerDependent()
  @FieldResolver(() => String, {
    nullable: true,
    description:
      "Why the application was rejected; visible to the vendor's owner and admins, null for everyone else and when not REJECTED.",
  })
  rejectionReason(@Root() vendor: Vendor, @Ctx() context: RequestContext): string | null {
    return this.vendorService.canSeePrivateFields(context, vendor) ? vendor.rejectionReason || null : null;
  }

  @ViewerDependent()
  @FieldResolver(() => String, {
    nullable: true,
    description:
      "Why the vendor is suspended, when the admin said; visible to the vendor's owner and admins, null for everyone else.",
  })
  suspensionReason(@Root() vendor: Vendor, @Ctx() context: RequestContext): string | null {
    return this.vendorService.canSeePrivateFields(context, vendor) ? vendor.suspensionReason || null : null;
  }
}

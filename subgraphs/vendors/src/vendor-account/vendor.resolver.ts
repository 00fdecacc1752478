import { PagedList, RequestContext, Role, ViewerDependent } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { User } from '../entity-stubs';
import { RejectVendorArgs, SuspendVendorArgs, VendorIdArgs, VendorLookupArgs, VendorsArgs } from './vendor.args';
import { Vendor, VendorConnection } from './vendor.entity';
import { ApplyAsVendorInput, UpdateVendorProfileInput } from './vendor.inputs';
import { VendorModerationService } from './vendor-moderation.service';
import { VendorService } from './vendor.service';

@Resolver(() => Vendor)
export class VendorResolver {
  constructor(
    private readonly vendorService: VendorService,
    private readonly moderation: VendorModerationService,
  ) {}

  @Query(() => Vendor, {
    nullable: true,
    description:
      "One vendor by id or by slug (give exactly one). Everyone sees ACTIVE vendors; the vendor's user and admins see any status. Null when unknown or hidden.",
  })
  vendor(@Args() { id, slug }: VendorLookupArgs, @Ctx() context: RequestContext): Promise<Vendor | null> {
    return this.vendorService.find(context, { id, slug });
  }

  @Authorized()
  @Query(() => Vendor, {
    nullable: true,
    description: "The signed-in user's vendor profile, whatever its status; null when they never applied.",
  })
  myVendor(@Ctx() context: RequestContext): Promise<Vendor | null> {
    return this.vendorService.mine(context);
  }

  @Authorized(Role.ADMIN)
  @PagedList()
  @Query(() => VendorConnection, { description: 'All vendors, newest application first (admin).' })
  vendors(@Args() { status, ...page }: VendorsArgs, @Ctx() context: RequestContext) {
    return this.vendorService.list(context, status, page);
  }

  @Authorized()
  @Mutation(() => Vendor, {
    description:
      'Applies to sell on the marketplace: one vendor per user, PENDING until an admin decides. A rejected applicant may apply again.',
  })
  applyAsVendor(
    @Arg('input', { description: 'The application.' }) input: ApplyAsVendorInput,
    @Ctx() context: RequestContext,
  ): Promise<Vendor> {
    return this.vendorService.apply(context, input);
  }

  @Authorized()
  @Mutation(() => Vendor, { description: "Changes the signed-in user's vendor profile." })
  updateVendorProfile(
    @Arg('input', { description: 'The changes.' }) input: UpdateVendorProfileInput,
    @Ctx() context: RequestContext,
  ): Promise<Vendor> {
    return this.vendorService.updateProfile(context, input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Vendor, {
    description: 'Approves a PENDING vendor (admin): it becomes ACTIVE and its user a VENDOR.',
  })
  approveVendor(@Args() { id }: VendorIdArgs, @Ctx() context: RequestContext): Promise<Vendor> {
    return this.moderation.approve(context, id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Vendor, { description: 'Rejects a PENDING vendor with a reason the applicant can read (admin).' })
  rejectVendor(@Args() { id, reason }: RejectVendorArgs, @Ctx() context: RequestContext): Promise<Vendor> {
    return this.moderation.reject(context, id, reason);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Vendor, {
    description: 'Suspends an ACTIVE vendor (admin): hidden from the public until reinstated.',
  })
  suspendVendor(@Args() { id, reason }: SuspendVendorArgs, @Ctx() context: RequestContext): Promise<Vendor> {
    return this.moderation.suspend(context, id, reason);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Vendor, { description: 'Makes a SUSPENDED vendor ACTIVE again (admin).' })
  reinstateVendor(@Args() { id }: VendorIdArgs, @Ctx() context: RequestContext): Promise<Vendor> {
    return this.moderation.reinstate(context, id);
  }

  @FieldResolver(() => User, { description: 'The user who owns this vendor profile.' })
  user(@Root() vendor: Vendor): User {
    return User.of(vendor.userId);
  }

  @ViewerDependent()
  @FieldResolver(() => String, {
    nullable: true,
    description: "Why the application was rejected; visible to the vendor's user and admins, null for everyone else.",
  })
  rejectionReason(@Root() vendor: Vendor, @Ctx() context: RequestContext): string | null {
    return this.vendorService.canSeePrivateFields(context, vendor) ? vendor.rejectionReason : null;
  }

  @ViewerDependent()
  @FieldResolver(() => String, {
    nullable: true,
    description:
      "Why the vendor is suspended, when the admin said; visible to the vendor's user and admins, null for everyone else.",
  })
  suspensionReason(@Root() vendor: Vendor, @Ctx() context: RequestContext): string | null {
    return this.vendorService.canSeePrivateFields(context, vendor) ? vendor.suspensionReason : null;
  }
}

import { ConnectionShape, ListSize, PagedList, RequestContext, Role, ViewerDependent } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Category, Product, Vendor } from '../entity-stubs';
import { CouponsArgs, VendorCouponsArgs } from './coupon.args';
import { CreateCouponInput, DeactivateCouponInput } from './coupon.inputs';
import { CreateCouponPayload, DeactivateCouponPayload } from './coupon.payloads';
import { CouponService } from './coupon.service';
import { CartCoupon, Coupon, CouponConnection } from './coupon.type';
import { MAX_TARGETS } from './coupon.validation';

@Resolver(() => Coupon)
export class CouponResolver {
  constructor(private readonly couponService: CouponService) {}

  @Authorized(Role.VENDOR, Role.ADMIN)
  @Mutation(() => CreateCouponPayload, {
    nullable: true,
    description:
      'Creates a coupon: an admin a PLATFORM one (any product, funded by the marketplace), an ACTIVE vendor a VENDOR one (its own products, funded by the vendor). Errors: UNAUTHENTICATED, FORBIDDEN (NOT_A_VENDOR, VENDOR_SUSPENDED), BAD_USER_INPUT, CONFLICT (COUPON_CODE_TAKEN).',
  })
  async createCoupon(
    @Arg('input', { description: 'The coupon.' }) input: CreateCouponInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateCouponPayload> {
    return { coupon: await this.couponService.create(context, input) };
  }

  @Authorized(Role.VENDOR, Role.ADMIN)
  @Mutation(() => DeactivateCouponPayload, {
    nullable: true,
    description:
      'Stops a coupon for good: its vendor may, admins any; carts holding it show it as expired, orders keep their discounts. Deactivating one twice changes nothing. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND.',
  })
  async deactivateCoupon(
    @Arg('input', { description: 'The coupon to stop.' }) input: DeactivateCouponInput,
    @Ctx() context: RequestContext,
  ): Promise<DeactivateCouponPayload> {
    return { coupon: await this.couponService.deactivate(context, input.couponId) };
  }

  @Authorized(Role.ADMIN)
  @PagedList()
  @Query(() => CouponConnection, {
    nullable: true,
    description:
      "Every coupon, the platform's and the vendors', newest first (admin). Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT.",
  })
  coupons(@Args() { filter, ...page }: CouponsArgs): Promise<ConnectionShape<Coupon>> {
    return this.couponService.list(filter, page);
  }

  @FieldResolver(() => Vendor, {
    nullable: true,
    description: 'The vendor that funds a VENDOR coupon; null for PLATFORM.',
  })
  vendor(@Root() coupon: Coupon): Vendor | null {
    return coupon.vendorId ? Vendor.of(coupon.vendorId) : null;
  }

  @ListSize(MAX_TARGETS)
  @FieldResolver(() => [Product], {
    description:
      'The products it applies to (besides those of `categories`); with no categories either: every product its issuer may discount.',
  })
  products(@Root() coupon: Coupon): Product[] {
    return coupon.productIds.map((id) => Product.of(id));
  }

  @ListSize(MAX_TARGETS)
  @FieldResolver(() => [Category], {
    description: 'The categories whose products it applies to (not their sub-categories).',
  })
  categories(@Root() coupon: Coupon): Category[] {
    return coupon.categoryIds.map((id) => Category.of(id));
  }
}

/** What coupons add to `Vendor`: its own coupons, private like its ledger. */
@Resolver(() => Vendor)
export class VendorCouponsResolver {
  constructor(private readonly couponService: CouponService) {}

  @PagedList()
  @ViewerDependent()
  @FieldResolver(() => CouponConnection, {
    nullable: true,
    description:
      "The vendor's coupons, newest first; for the vendor's owner and admins (anyone else: null with FORBIDDEN, or UNAUTHENTICATED when signed out).",
  })
  coupons(
    @Root() vendor: Vendor,
    @Args() { filter, ...page }: VendorCouponsArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<Coupon>> {
    return this.couponService.ofVendor(context, vendor.id, filter, page);
  }
}

@Resolver(() => CartCoupon)
export class CartCouponResolver {
  @FieldResolver(() => Vendor, {
    nullable: true,
    description: 'The vendor that funds a VENDOR coupon; null for PLATFORM.',
  })
  vendor(@Root() coupon: CartCoupon): Vendor | null {
    return coupon.vendorId ? Vendor.of(coupon.vendorId) : null;
  }
}

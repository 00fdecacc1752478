import { MoneyInput } from '@marketplace/kit';
import { Field, ID, InputType, Int } from 'type-graphql';
import { CouponIssuer, CouponKind } from './coupon.type';

@InputType({
  description:
    'What createCoupon needs. An admin creates a PLATFORM coupon (any product, funded by the marketplace); an ACTIVE vendor a VENDOR coupon (its own products, funded by the vendor).',
})
export class CreateCouponInput {
  @Field({
    description:
      'The code buyers enter: 3 to 32 of A-Z 0-9 _ - (case-insensitive, stored upper case); unique across the marketplace, for ever.',
  })
  code: string;

  @Field(() => CouponKind, { description: 'PERCENTAGE (give `percentOffBps`) or FIXED_AMOUNT (give `amountsOff`).' })
  kind: CouponKind;

  @Field(() => Int, {
    nullable: true,
    description: 'PERCENTAGE only: the share off in basis points, 1 to 10000 (1000 = 10 %).',
  })
  percentOffBps?: number | null;

  @Field(() => [MoneyInput], {
    nullable: true,
    description:
      'FIXED_AMOUNT only: the amount off, at least 1 minor unit, one per currency the coupon is for (1 to 20).',
  })
  amountsOff?: MoneyInput[] | null;

  @Field(() => [MoneyInput], {
    nullable: true,
    description:
      'The least the targeted products must come to (list prices), one per currency, at least 1 minor unit. For FIXED_AMOUNT only currencies of `amountsOff`. Omitted: no minimum.',
  })
  minimumSubtotals?: MoneyInput[] | null;

  @Field(() => [ID], {
    nullable: true,
    description:
      "Products it applies to (at most 100; a vendor's own only). With `categoryIds`: products of either. Neither: every product (a vendor's: all its own).",
  })
  productIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Categories whose products it applies to (at most 100).' })
  categoryIds?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'When it starts to apply; now when omitted.' })
  startsAt?: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When it stops applying: after `startsAt` and in the future; never when omitted.',
  })
  endsAt?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'How many orders may redeem it in all, at least 1; no limit when omitted.',
  })
  maxRedemptions?: number | null;

  @Field(() => Int, { defaultValue: 1, description: 'How many orders of one customer may redeem it, at least 1.' })
  maxRedemptionsPerCustomer: number;
}

@InputType({ description: 'What deactivateCoupon needs: the coupon to stop.' })
export class DeactivateCouponInput {
  @Field(() => ID, { description: 'The coupon: its vendor may deactivate it, admins any.' })
  couponId: string;
}

@InputType({ description: "Narrows a vendor's coupons; every field given must match." })
export class VendorCouponFilter {
  @Field(() => String, { nullable: true, description: 'Exactly this code (any case).' })
  code?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only active (true) or deactivated (false) coupons.' })
  active?: boolean | null;
}

@InputType({ description: 'Narrows the list of all coupons; every field given must match.' })
export class CouponFilter extends VendorCouponFilter {
  @Field(() => CouponIssuer, { nullable: true, description: 'Only coupons of this issuer.' })
  issuer?: CouponIssuer | null;

  @Field(() => ID, { nullable: true, description: "Only this vendor's coupons." })
  vendorId?: string | null;
}

@InputType({ description: "What applyCoupon needs: a code to use on the signed-in user's cart." })
export class ApplyCouponInput {
  @Field({ description: 'The coupon code, any case.' })
  code: string;
}

@InputType({ description: "What removeCoupon needs: a code to take out of the signed-in user's cart." })
export class RemoveCouponInput {
  @Field({ description: 'The coupon code, any case; one not in the cart is not an error.' })
  code: string;
}

import { PageArgs } from '@marketplace/kit';
import { ArgsType, Field } from 'type-graphql';
import { CouponFilter, VendorCouponFilter } from './coupon.inputs';

@ArgsType()
export class CouponsArgs extends PageArgs {
  @Field(() => CouponFilter, { nullable: true, description: 'Which coupons to list; all of them when omitted.' })
  filter?: CouponFilter | null;
}

@ArgsType()
export class VendorCouponsArgs extends PageArgs {
  @Field(() => VendorCouponFilter, {
    nullable: true,
    description: "Which of the vendor's coupons to list; all when omitted.",
  })
  filter?: VendorCouponFilter | null;
}

import { Field, ObjectType } from 'type-graphql';
import { Cart } from '../cart/cart.type';
import { Coupon } from './coupon.type';

@ObjectType({ description: 'The result of createCoupon.' })
export class CreateCouponPayload {
  @Field(() => Coupon, { description: 'The new coupon, active.' })
  coupon: Coupon;
}

@ObjectType({ description: 'The result of deactivateCoupon.' })
export class DeactivateCouponPayload {
  @Field(() => Coupon, { description: 'The coupon, no longer active.' })
  coupon: Coupon;
}

@ObjectType({ description: 'The result of applyCoupon.' })
export class ApplyCouponPayload {
  @Field(() => Cart, { description: 'The cart with the coupon and its discounts.' })
  cart: Cart;
}

@ObjectType({ description: 'The result of removeCoupon.' })
export class RemoveCouponPayload {
  @Field(() => Cart, { description: 'The cart without the coupon.' })
  cart: Cart;
}

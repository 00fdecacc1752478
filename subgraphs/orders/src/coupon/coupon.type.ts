import { Connection, Money } from '@marketplace/kit';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum CouponIssuer {
  PLATFORM = 'PLATFORM',
  VENDOR = 'VENDOR',
}

registerEnumType(CouponIssuer, {
  name: 'CouponIssuer',
  description: 'Who created a coupon and funds its discounts.',
  valuesConfig: {
    PLATFORM: {
      description: 'An admin: any product, the marketplace bears the discount (vendors are paid the full price).',
    },
    VENDOR: { description: "A vendor: only its own products, the discount comes off the vendor's sale." },
  },
});

export enum CouponKind {
  PERCENTAGE = 'PERCENTAGE',
  FIXED_AMOUNT = 'FIXED_AMOUNT',
}

registerEnumType(CouponKind, {
  name: 'CouponKind',
  description: 'How a coupon computes its discount.',
  valuesConfig: {
    PERCENTAGE: {
      description: 'A share of each product it applies to (`percentOffBps`), rounded half up per product.',
    },
    FIXED_AMOUNT: {
      description:
        'An amount per currency (`amountsOff`) off the products it applies to together, split between them in proportion to their prices; never more than they come to.',
    },
  },
});

/** Why a coupon in a cart takes nothing off: the reason applyCoupon or checkout would refuse it with. */
export enum CartCouponProblem {
  COUPON_EXPIRED = 'COUPON_EXPIRED',
  COUPON_LIMIT_REACHED = 'COUPON_LIMIT_REACHED',
  CURRENCY_MISMATCH = 'CURRENCY_MISMATCH',
  COUPON_NOT_APPLICABLE = 'COUPON_NOT_APPLICABLE',
}

registerEnumType(CartCouponProblem, {
  name: 'CartCouponProblem',
  description: 'Why a coupon in the cart takes nothing off; checkout refuses the cart with the same reason.',
  valuesConfig: {
    COUPON_EXPIRED: { description: 'The coupon has not started yet, has ended, or was deactivated.' },
    COUPON_LIMIT_REACHED: {
      description: 'The coupon was redeemed as often as it may be, in total or by this customer.',
    },
    CURRENCY_MISMATCH: { description: "The coupon has no amount off (or minimum) in the cart's currency." },
    COUPON_NOT_APPLICABLE: {
      description:
        'None of the products in the cart is one the coupon applies to, or they come to less than its minimum.',
    },
  },
});

@ObjectType({
  description:
    'A discount code created by a vendor (its own products, funded by the vendor) or an admin (any product, funded by the marketplace). Seen by its vendor and admins.',
})
export class Coupon {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  @Field({
    description: 'The code buyers enter, upper case (codes are case-insensitive); unique across the marketplace.',
  })
  code: string;

  @Field(() => CouponIssuer, { description: 'Who created the coupon and funds its discounts.' })
  issuer: CouponIssuer;

  /** Internal: the funding vendor of a VENDOR coupon (`vendor` resolves it). */
  vendorId: string | null;

  @Field(() => CouponKind, { description: 'How the discount is computed.' })
  kind: CouponKind;

  @Field(() => Int, {
    nullable: true,
    description: 'PERCENTAGE coupons: the share off, in basis points (1000 = 10 %); null for FIXED_AMOUNT.',
  })
  percentOffBps: number | null;

  @Field(() => [Money], {
    description: 'FIXED_AMOUNT coupons: the amount off per currency (one per currency); empty for PERCENTAGE.',
  })
  amountsOff: Money[];

  @Field(() => [Money], {
    description:
      'The least the products it applies to must come to (list prices), per currency; empty when there is no minimum. A cart in a currency not listed here cannot use the coupon when the list is not empty.',
  })
  minimumSubtotals: Money[];

  /** Internal: the targeted products (`products` resolves them). */
  productIds: string[];

  /** Internal: the targeted categories (`categories` resolves them). */
  categoryIds: string[];

  @Field({ description: 'When the coupon starts to apply.' })
  startsAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it stops applying (exclusive); null when it does not end.' })
  endsAt: Date | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'How many orders may redeem it in all; null for no limit. Cancelled or expired orders give theirs back.',
  })
  maxRedemptions: number | null;

  @Field(() => Int, { description: 'How many orders of one customer may redeem it.' })
  maxRedemptionsPerCustomer: number;

  @Field(() => Int, { description: 'Orders that redeemed it and were not cancelled (or expired unpaid).' })
  redemptionCount: number;

  @Field({ description: 'False once deactivated: it applies no more, and carts holding it show it as expired.' })
  active: boolean;

  @Field({ description: 'When it was created.' })
  createdAt: Date;
}

export const CouponConnection = Connection(Coupon, 'Coupon');

@ObjectType({ description: "A coupon in the signed-in user's cart, and what it takes off the cart as it is now." })
export class CartCoupon {
  @Field({ description: 'The code, upper case.' })
  code: string;

  @Field(() => CouponIssuer, {
    description: 'Who funds it: at most one coupon per issuer (the platform, each vendor) in a cart.',
  })
  issuer: CouponIssuer;

  /** Internal: the vendor of a VENDOR coupon (`vendor` resolves it). */
  vendorId: string | null;

  @Field(() => CouponKind, { description: 'How the discount is computed.' })
  kind: CouponKind;

  @Field({
    description:
      'Whether it takes something off the cart now; when false, `problem` says why and checkout would refuse the cart.',
  })
  applies: boolean;

  @Field(() => CartCouponProblem, { nullable: true, description: 'Why it does not apply; null when it does.' })
  problem: CartCouponProblem | null;

  @Field(() => String, { nullable: true, description: 'The problem in words; null when it applies.' })
  problemMessage: string | null;

  @Field(() => Money, {
    description: "What it takes off the cart's available items, in the cart's currency (0 when it does not apply).",
  })
  discount: Money;
}

@ObjectType({ description: "One coupon's share of an order line's discount, as at checkout." })
export class OrderItemDiscount {
  @Field({ description: 'The coupon code.' })
  code: string;

  @Field(() => CouponIssuer, { description: 'Who funded it: the platform, or the vendor of the line.' })
  issuer: CouponIssuer;

  @Field(() => Money, { description: 'What it took off the line, in the order currency.' })
  amount: Money;
}

import { AssumedListSize, ListSize, Money } from '@marketplace/kit';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { CartCoupon } from '../coupon/coupon.type';
import { Product } from '../entity-stubs';

@ObjectType({
  description: "One product in a cart, priced from the marketplace's own copy of the catalog at read time.",
})
export class CartItem {
  @Field(() => Product, { description: 'The product.' })
  product: Product;

  @Field(() => Money, { description: "The product's current price (never a price sent by a client)." })
  unitPrice: Money;

  @Field(() => Money, {
    description:
      "What the cart's coupons take off this product now, in the cart's currency (0 when none applies, or the item is unavailable).",
  })
  discount: Money;

  @Field({
    description:
      'False when the product left the storefront after it was added: it is shown but not counted in the subtotal and cannot be bought.',
  })
  available: boolean;

  @Field({ description: 'When the product was put in the cart.' })
  addedAt: Date;
}

@ObjectType({
  description: "The signed-in user's shopping cart: each product at most once (digital goods have no quantity).",
})
export class Cart {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  @ListSize(AssumedListSize.orderLines)
  @Field(() => [CartItem], { description: 'The products in the cart, oldest addition first.' })
  items: CartItem[];

  @Field(() => Money, {
    description:
      "Sum of the available items' current prices, in the currency of the first item (USD when empty); items in another currency are left out.",
  })
  subtotal: Money;

  @ListSize(AssumedListSize.orderLines)
  @Field(() => [CartCoupon], {
    description:
      'The coupons applied to the cart, oldest first (at most one per issuer: the platform, each vendor), each with what it takes off or why it no longer applies.',
  })
  coupons: CartCoupon[];

  @Field(() => Money, { description: "What the coupons that apply take off the subtotal, in the subtotal's currency." })
  discount: Money;

  @Field(() => Money, {
    description:
      'The subtotal less the discount. Tax is not included: it depends on the billing details given at checkout.',
  })
  totalBeforeTax: Money;

  @Field(() => Int, { description: 'Number of items in the cart, unavailable ones included.' })
  itemCount: number;

  @Field({ description: 'When the cart last changed.' })
  updatedAt: Date;
}

import type { RequestContext } from '@marketplace/kit';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { ApplyCouponInput, RemoveCouponInput } from '../coupon/coupon.inputs';
import { ApplyCouponPayload, RemoveCouponPayload } from '../coupon/coupon.payloads';
import { AddToCartInput, RemoveFromCartInput } from './cart.inputs';
import { AddToCartPayload, ClearCartPayload, RemoveFromCartPayload } from './cart.payloads';
import { CartService } from './cart.service';
import { Cart } from './cart.type';

/** The cart's mutations; the cart itself is read as `me { cart }` (UserCartResolver). */
@Resolver(() => Cart)
export class CartResolver {
  constructor(private readonly carts: CartService) {}

  @Mutation(() => AddToCartPayload, {
    nullable: true,
    description:
      "Adds a published product to the signed-in user's cart; adding one already there changes nothing. All items must share one currency. Errors: UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND, CONFLICT (CURRENCY_MISMATCH).",
  })
  async addToCart(
    @Arg('input', { description: 'The product to add.' }) input: AddToCartInput,
    @Ctx() context: RequestContext,
  ): Promise<AddToCartPayload> {
    return { cart: await this.carts.add(context, input.productId) };
  }

  @Mutation(() => RemoveFromCartPayload, {
    nullable: true,
    description:
      "Removes a product from the signed-in user's cart; one not in it is not an error. Errors: UNAUTHENTICATED, BAD_USER_INPUT.",
  })
  async removeFromCart(
    @Arg('input', { description: 'The product to remove.' }) input: RemoveFromCartInput,
    @Ctx() context: RequestContext,
  ): Promise<RemoveFromCartPayload> {
    return { cart: await this.carts.remove(context, input.productId) };
  }

  @Mutation(() => ClearCartPayload, {
    nullable: true,
    description: "Empties the signed-in user's cart. Errors: UNAUTHENTICATED.",
  })
  async clearCart(@Ctx() context: RequestContext): Promise<ClearCartPayload> {
    return { cart: await this.carts.clear(context) };
  }

  @Mutation(() => ApplyCouponPayload, {
    nullable: true,
    description:
      "Applies a coupon code to the signed-in user's cart (applying one already there changes nothing): at most one coupon per issuer (the platform, each vendor). The cart then shows each item's discount. Errors: UNAUTHENTICATED, BAD_USER_INPUT, CONFLICT (COUPON_EXPIRED, COUPON_STACKING, COUPON_LIMIT_REACHED, CURRENCY_MISMATCH, COUPON_NOT_APPLICABLE).",
  })
  async applyCoupon(
    @Arg('input', { description: 'The code to apply.' }) input: ApplyCouponInput,
    @Ctx() context: RequestContext,
  ): Promise<ApplyCouponPayload> {
    return { cart: await this.carts.applyCoupon(context, input.code) };
  }

  @Mutation(() => RemoveCouponPayload, {
    nullable: true,
    description:
      "Takes a coupon code out of the signed-in user's cart; one not in it is not an error. Errors: UNAUTHENTICATED, BAD_USER_INPUT.",
  })
  async removeCoupon(
    @Arg('input', { description: 'The code to remove.' }) input: RemoveCouponInput,
    @Ctx() context: RequestContext,
  ): Promise<RemoveCouponPayload> {
    return { cart: await this.carts.removeCoupon(context, input.code) };
  }
}

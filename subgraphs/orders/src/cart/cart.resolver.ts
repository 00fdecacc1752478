import type { RequestContext } from '@marketplace/kit';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
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
}

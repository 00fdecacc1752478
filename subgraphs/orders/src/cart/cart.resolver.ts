import type { RequestContext } from '@marketplace/kit';
import { Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { CartProductArgs } from './cart.args';
import { CartService } from './cart.service';
import { Cart } from './cart.type';

@Resolver(() => Cart)
export class CartResolver {
  constructor(private readonly carts: CartService) {}

  @Query(() => Cart, { description: "The signed-in user's cart, created empty on first use." })
  cart(@Ctx() context: RequestContext): Promise<Cart> {
    return this.carts.get(context);
  }

  @Mutation(() => Cart, {
    description:
      "Adds a published product to the signed-in user's cart; adding one already there changes nothing. All items must share one currency.",
  })
  addToCart(@Args() { productId }: CartProductArgs, @Ctx() context: RequestContext): Promise<Cart> {
    return this.carts.add(context, productId);
  }

  @Mutation(() => Cart, {
    description: "Removes a product from the signed-in user's cart; one not in it is not an error.",
  })
  removeFromCart(@Args() { productId }: CartProductArgs, @Ctx() context: RequestContext): Promise<Cart> {
    return this.carts.remove(context, productId);
  }

  @Mutation(() => Cart, { description: "Empties the signed-in user's cart." })
  clearCart(@Ctx() context: RequestContext): Promise<Cart> {
    return this.carts.clear(context);
  }
}

import { RequestContext, ViewerDependent } from '@marketplace/kit';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Product, User } from '../entity-stubs';
import { CartService } from './cart.service';
import { Cart } from './cart.type';

/** What the cart adds to the users subgraph's `User`: `me { cart }`. */
@Resolver(() => User)
export class UserCartResolver {
  constructor(private readonly carts: CartService) {}

  // A cart is private: null (no error) for anyone but its user, admins included. Never shared between viewers.
  @ViewerDependent()
  @FieldResolver(() => Cart, {
    nullable: true,
    description:
      "The user's shopping cart, created empty on first use: for the signed-in user themself only (read it as `me { cart }`); null for anyone else, admins included.",
  })
  cart(@Root() user: User, @Ctx() context: RequestContext): Promise<Cart | null> {
    return this.carts.ofUser(context).load(user.id);
  }
}

/** What the cart adds to the catalog's `Product`: whether the viewer has it in their cart. */
@Resolver(() => Product)
export class ProductInCartResolver {
  constructor(private readonly carts: CartService) {}

  // Product is public data; this field is the viewer's, so an answer selecting it is never shared.
  @ViewerDependent()
  @FieldResolver(() => Boolean, {
    description: "Whether the product is in the signed-in user's cart; false when signed out.",
  })
  viewerInCart(@Root() product: Product, @Ctx() context: RequestContext): Promise<boolean> {
    return this.carts.inViewerCart(context).load(product.id);
  }
}

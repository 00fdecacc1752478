import { ConnectionShape, PageArgs, PagedList, RequestContext, ViewerDependent, requireViewer } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { User } from '../entity-stubs';
import { isOnStorefront } from '../product/product.access';
import { Product } from '../product/product.entity';
import { AddToWishlistInput, RemoveFromWishlistInput } from './wishlist.inputs';
import { AddToWishlistPayload, RemoveFromWishlistPayload } from './wishlist.payloads';
import type { WishlistService } from './wishlist.service';
import { WishlistItem, WishlistItemConnection } from './wishlist.type';

@Resolver(() => WishlistItem)
export class WishlistResolver {
  constructor(private readonly wishlists: WishlistService) {}

  @Authorized()
  @Mutation(() => AddToWishlistPayload, {
    nullable: true,
    description: `Adds a product in the storefront to your wishlist (at most 500 products); adding one that is there already changes nothing. Errors: UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND, CONFLICT (PRODUCT_UNAVAILABLE, WISHLIST_FULL).`,
  })
  async addToWishlist(
    @Arg('input', () => AddToWishlistInput, { description: 'The product to add.' }) input: AddToWishlistInput,
    @Ctx() context: RequestContext,
  ): Promise<AddToWishlistPayload> {
    const product = await this.wishlists.add(context, input.productId);
    return { product, user: User.of(requireViewer(context).id) };
  }

  @Authorized()
  @Mutation(() => RemoveFromWishlistPayload, {
    nullable: true,
    description:
      'Removes a product from your wishlist; one that is not on it is a success that changes nothing. Errors: UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND.',
  })
  async removeFromWishlist(
    @Arg('input', () => RemoveFromWishlistInput, { description: 'The product to remove.' })
    input: RemoveFromWishlistInput,
    @Ctx() context: RequestContext,
  ): Promise<RemoveFromWishlistPayload> {
    const product = await this.wishlists.remove(context, input.productId);
    return { product, user: User.of(requireViewer(context).id) };
  }

  @FieldResolver(() => Product, {
    description:
      'The product, whatever its status now: an archived one stays on the wishlist (see `available`), its price and name as they last were.',
  })
  product(@Root() item: WishlistItem, @Ctx() context: RequestContext): Promise<Product> {
    return this.wishlists.product(context, item);
  }

  @FieldResolver(() => Boolean, {
    description:
      'Whether the product can be bought now: published and its vendor active. False once it was archived or its vendor suspended.',
  })
  async available(@Root() item: WishlistItem, @Ctx() context: RequestContext): Promise<boolean> {
    return isOnStorefront(await this.wishlists.product(context, item));
  }
}

/** What the wishlist adds to the users subgraph's `User`: `me { wishlist }`, for its owner only. */
@Resolver(() => User)
export class UserWishlistResolver {
  constructor(private readonly wishlists: WishlistService) {}

  // Nullable: a refusal here must not null the whole user other subgraphs contributed to.
  @PagedList()
  @ViewerDependent()
  @FieldResolver(() => WishlistItemConnection, {
    nullable: true,
    description:
      "The products on the user's wishlist, newest first (read yours as `me { wishlist }`): for the user only, admins included; UNAUTHENTICATED when signed out, FORBIDDEN for anyone else.",
  })
  wishlist(
    @Root() user: User,
    @Args() page: PageArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<WishlistItem>> {
    return this.wishlists.page(context, user.id, page);
  }
}

/** What the wishlist adds to `Product`: the viewer's mark and the public count. */
@Resolver(() => Product)
export class ProductWishlistResolver {
  constructor(private readonly wishlists: WishlistService) {}

  // Product is public data; this field is the viewer's, so an answer selecting it is never shared.
  @ViewerDependent()
  @FieldResolver(() => Boolean, {
    description: "Whether the product is on the signed-in user's wishlist; false when signed out.",
  })
  inMyWishlist(@Root() product: Product, @Ctx() context: RequestContext): Promise<boolean> {
    return this.wishlists.inViewerWishlist(context).load(product.id);
  }

  @FieldResolver(() => Int, { description: "How many users' wishlists hold the product." })
  wishlistCount(@Root() product: Product, @Ctx() context: RequestContext): Promise<number> {
    return this.wishlists.counts(context).load(product.id);
  }
}

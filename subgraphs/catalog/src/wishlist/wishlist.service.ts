import {
  ConnectionShape,
  PageFields,
  RequestContext,
  conflict,
  defineLoader,
  forbidden,
  isUuid,
  newestFirstPage,
  notFound,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { canReference, isOnStorefront } from '../product/product.access';
import type { Product } from '../product/product.entity';
import { ProductInputCheck } from '../product/product.validation';
import { WISHLIST_MAX_ITEMS, WishlistStore } from './wishlist.store';
import type { WishlistItem } from './wishlist.type';

type ProductLoader = (context: RequestContext) => { load(id: string): Promise<Product | null> };

/**
 * Wishlists: products a signed-in user keeps an eye on, at most WISHLIST_MAX_ITEMS each.
 * Changes of one user's list run one after the other (an advisory lock per user), so the
 * cap holds under concurrent adds; the primary key keeps a product on a list once.
 */
export class WishlistService {
  constructor(
    private readonly db: DataSource,
    private readonly store: WishlistStore,
    /** Products by id on the request's loader (ProductService.byId): any status. */
    private readonly products: ProductLoader,
  ) {}

  /**
   * Adds a product in the storefront; adding it again changes nothing. A product the viewer
   * may not see is NOT_FOUND as a missing one; one that was published and left the storefront
   * (archived, vendor suspended), or the viewer's own unpublished one, is CONFLICT.
   */
  async add(context: RequestContext, rawProductId: string): Promise<Product> {
    const viewer = requireViewer(context);
    const productId = this.checkId(rawProductId);
    const product = await this.subject(context, productId);
    if (!isOnStorefront(product))
      throw conflict('This product is not for sale, so it cannot be added to a wishlist', 'PRODUCT_UNAVAILABLE');
    const added = await this.db.transaction(async (manager) => {
      await this.store.lockUser(manager, viewer.id);
      if (await this.store.holds(manager, viewer.id, productId)) return false;
      if ((await this.store.count(manager, viewer.id)) >= WISHLIST_MAX_ITEMS)
        throw conflict(`A wishlist holds at most ${WISHLIST_MAX_ITEMS} products; remove one first`, 'WISHLIST_FULL');
      await this.store.insert(manager, viewer.id, productId);
      return true;
    });
    if (added) context.log.info({ productId }, 'wishlist item added');
    return product;
  }

  /** Removes the product from the viewer's wishlist; one that is not there is a success that changes nothing. */
  async remove(context: RequestContext, rawProductId: string): Promise<Product> {
    const viewer = requireViewer(context);
    const productId = this.checkId(rawProductId);
    const removed = await this.db.transaction(async (manager) => {
      await this.store.lockUser(manager, viewer.id);
      return this.store.delete(manager, viewer.id, productId);
    });
    if (removed) {
      context.log.info({ productId }, 'wishlist item removed');
      // A listed product was published once: it resolves for its wishlister whatever its status now.
      return (await this.products(context).load(productId))!;
    }
    return this.subject(context, productId);
  }

  /** `User.wishlist`: the user's own list, newest first; FORBIDDEN for anyone else, admins included. */
  page(context: RequestContext, userId: string, page: PageFields): Promise<ConnectionShape<WishlistItem>> {
    const viewer = requireViewer(context);
    if (viewer.id !== userId) throw forbidden('Only the user may read their wishlist');
    return newestFirstPage(
      this.db,
      {
        columns: `product_id AS id, added_at AS "addedAt"`,
        from: 'wishlist_items',
        where: 'user_id = $1',
        parameters: [userId],
        orderBy: ['added_at', 'product_id'],
      },
      page,
      (row: WishlistItem) => row,
      (item) => item.addedAt,
    );
  }

  /** `Product.inMyWishlist`: one statement per request tick; false for anonymous viewers. */
  readonly inViewerWishlist = defineLoader<string, boolean>(async (productIds, context) => {
    if (context.viewer === null) return productIds.map(() => false);
    const held = await this.store.heldOf(context.viewer.id, [...new Set(productIds.filter(isUuid))]);
    return productIds.map((id) => held.has(id));
  });

  /** `Product.wishlistCount`: one statement per request tick. */
  readonly counts = defineLoader<string, number>(async (productIds) => {
    const counts = await this.store.countsOf([...new Set(productIds.filter(isUuid))]);
    return productIds.map((id) => counts.get(id) ?? 0);
  });

  /** The product on a wishlist item, whatever its status now. */
  async product(context: RequestContext, item: WishlistItem): Promise<Product> {
    return (await this.products(context).load(item.id))!;
  }

  /** A mutation's product: NOT_FOUND when missing or never visible to the viewer (a draft of someone else's). */
  private async subject(context: RequestContext, productId: string): Promise<Product> {
    const product = await this.products(context).load(productId);
    if (!product || !canReference(context.viewer, product)) throw notFound('Product');
    return product;
  }

  private checkId(raw: string): string {
    const check = new ProductInputCheck();
    const id = check.id('input.productId', raw);
    check.done();
    return id;
  }
}

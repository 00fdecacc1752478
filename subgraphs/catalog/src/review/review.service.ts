import {
  ConnectionShape,
  PageArgs,
  RequestContext,
  Viewer,
  conflict,
  decodeCursor,
  defineLoader,
  forbidden,
  isSelfOrAdmin,
  isTimeIdCursor,
  isUuid,
  notFound,
  requireViewer,
  toConnection,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { LicenseService } from '../license/license.service';
import { canReference, isOnStorefront, isOwner } from '../product/product.access';
import type { Product } from '../product/product.entity';
import type { ProductStore } from '../product/product.store';
import { CacheCodec, StorefrontCache, withDates } from '../cache/storefront-cache';
import { ReviewStore } from './review.store';
import type { Review } from './review.type';
import { ReviewInputCheck } from './review.validation';

type PageKey = { productId: string; first: number; after: string | null };

const reviewCodec = withDates(() => ({}) as Review, ['createdAt', 'updatedAt']);
const PAGE_CODEC: CacheCodec<ConnectionShape<Review> | Error> = {
  encode: (page) => page,
  decode: (raw: Omit<ConnectionShape<Review>, 'edges'> & { edges: { cursor: string; node: unknown }[] }) => ({
    ...raw,
    edges: raw.edges.map((edge) => ({
      cursor: edge.cursor,
      node: reviewCodec.decode(edge.node),
    })),
  }),
};

/**
 * Verified reviews: written by license holders, one per customer and product, changed by
 * their author, removed by their author or an admin. Every change locks the product row
 * and recomputes its rating and count in the same transaction, so concurrent reviews of
 * one product apply one after the other and the aggregate always matches the table.
 */
export class ReviewService {
  constructor(
    private readonly db: DataSource,
    private readonly store: ReviewStore,
    private readonly products: ProductStore,
    private readonly licenses: LicenseService,
    private readonly cache?: StorefrontCache,
  ) {}

  async add(
    context: RequestContext,
    input: { productId: string; rating: number; body?: string | null },
  ): Promise<Review> {
    const viewer = requireViewer(context);
    const check = new ReviewInputCheck();
    const rating = check.rating('rating', input.rating);
    const body = check.body('body', input.body ?? '');
    check.done();
    if (!isUuid(input.productId)) throw notFound('Product');
    const review = await this.db.transaction(async (manager) => {
      const product = await this.lockReviewable(manager, viewer, input.productId);
      if (isOwner(viewer, product)) throw forbidden('Vendors cannot review their own products');
      if (!(await this.licenses.holds(manager, viewer.id, product.id)))
        throw forbidden('Only customers holding a license for this product can review it');
      const added = await this.store.insert(manager, { productId: product.id, authorId: viewer.id, rating, body });
      if (!added) throw conflict('You have already reviewed this product', { field: 'productId' });
      await this.store.refreshAggregate(manager, product.id);
      this.cache?.productChanged(manager, product.id);
      return added;
    });
    context.log.info({ reviewId: review.id, productId: review.productId }, 'review added');
    return review;
  }

  /** The author changes the stars or the text; nothing differing means no change at all. */
  async update(
    context: RequestContext,
    id: string,
    input: { rating?: number | null; body?: string | null },
  ): Promise<Review> {
    const viewer = requireViewer(context);
    const check = new ReviewInputCheck();
    const rating =
      input.rating === null || input.rating === undefined ? undefined : check.rating('rating', input.rating);
    const body = input.body === null || input.body === undefined ? undefined : check.body('body', input.body);
    check.done();
    if (!isUuid(id)) throw notFound('Review');
    const { review, changed } = await this.db.transaction(async (manager) => {
      const existing = await this.store.find(manager, id);
      if (!existing) throw notFound('Review');
      if (existing.authorId !== viewer.id) throw forbidden("Only the review's author can change it");
      await this.lockReviewable(manager, viewer, existing.productId);
      const current = await this.store.find(manager, id, true);
      if (!current) throw notFound('Review'); // deleted meanwhile
      const next = { rating: rating ?? current.rating, body: body ?? current.body };
      if (next.rating === current.rating && next.body === current.body) return { review: current, changed: false };
      const saved = await this.store.update(manager, id, next);
      if (next.rating !== current.rating) await this.store.refreshAggregate(manager, current.productId);
      this.cache?.productChanged(manager, current.productId);
      return { review: saved, changed: true };
    });
    if (changed) {
      context.log.info({ reviewId: review.id, productId: review.productId }, 'review updated');
    }
    return review;
  }

  /** The author or an admin removes a review; answers the product with its new rating. */
  async delete(context: RequestContext, id: string): Promise<Product> {
    const viewer = requireViewer(context);
    if (!isUuid(id)) throw notFound('Review');
    const product = await this.db.transaction(async (manager) => {
      const existing = await this.store.find(manager, id);
      if (!existing) throw notFound('Review');
      if (!isSelfOrAdmin(viewer, existing.authorId))
        throw forbidden("Only the review's author or an admin can delete it");
      const locked = await this.products.lock(manager, existing.productId);
      if (!(await this.store.delete(manager, id))) throw notFound('Review'); // deleted meanwhile
      this.cache?.productChanged(manager, locked.id);
      return Object.assign(locked, await this.store.refreshAggregate(manager, locked.id));
    });
    context.log.info({ reviewId: id, productId: product.id }, 'review deleted');
    return product;
  }

  /** `Product.reviews`: newest first; one statement for every product asked with the same page arguments in one tick. */
  productReviews(context: RequestContext, productId: string, page: PageArgs): Promise<ConnectionShape<Review>> {
    return this.pageLoader(context).load(
      JSON.stringify({ productId, first: page.first, after: page.after ?? null } satisfies PageKey),
    );
  }

  /** Anonymous viewers read pages through the storefront cache (keyed by the product's version). */
  private readonly pageLoader = defineLoader<string, ConnectionShape<Review>>(async (keys, context) => {
    const wanted = keys.map((key) => JSON.parse(key) as PageKey);
    if (context.viewer !== null || !this.cache?.enabled) return this.loadPages(wanted);
    const pages = await this.cache.readMany(
      wanted.map((key) => ({ name: `reviews:${key.first}:${key.after ?? ''}`, productId: key.productId })),
      PAGE_CODEC,
      (missing) => this.loadPages(missing.map((i) => wanted[i])),
      (page) => !(page instanceof Error),
    );
    return pages.map((page) => page!);
  });

  private async loadPages(wanted: PageKey[]): Promise<(ConnectionShape<Review> | Error)[]> {
    const groups = new Map<string, PageKey[]>();
    for (const key of wanted) {
      const group = JSON.stringify([key.first, key.after]);
      groups.set(group, [...(groups.get(group) ?? []), key]);
    }
    const results = new Map<PageKey, ConnectionShape<Review> | Error>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const { first, after } = group[0];
        try {
          const [, time, id] = after
            ? decodeCursor(after, 3, ([tag, ...key]) => tag === 'REVIEW' && isTimeIdCursor(key))
            : [];
          const pages = await this.store.pages(
            [...new Set(group.map((key) => key.productId))],
            first,
            after ? { time: String(time), id: String(id) } : null,
          );
          for (const key of group) {
            const page = pages.get(key.productId) ?? { total: 0, reviews: [] };
            results.set(
              key,
              toConnection(page.reviews, key, page.total, (review) => [
                'REVIEW',
                review.createdAt.toISOString(),
                review.id,
              ]),
            );
          }
        } catch (error) {
          group.forEach((key) => results.set(key, error as Error));
        }
      }),
    );
    return wanted.map((key) => results.get(key)!);
  }

  /**
   * Locks the product for the aggregate update. A product the viewer may not know of is
   * NOT_FOUND; one that left the storefront (archived, vendor suspended) takes no reviews.
   */
  private async lockReviewable(manager: EntityManager, viewer: Viewer, productId: string): Promise<Product> {
    const product = await this.products.lock(manager, productId);
    if (!canReference(viewer, product)) throw notFound('Product');
    if (!isOnStorefront(product)) throw forbidden('Reviews are closed: the product is not in the storefront');
    return product;
  }
}

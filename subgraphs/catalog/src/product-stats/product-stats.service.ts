import {
  Events,
  KeyValueStore,
  PayloadOf,
  RateLimiter,
  RequestContext,
  defineLoader,
  isUuid,
  notFound,
  queryRows,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { canView, isOnStorefront } from '../product/product.access';
import type { Product } from '../product/product.entity';
import { ProductInputCheck } from '../product/product.validation';

type ProductLoader = (context: RequestContext) => { load(id: string): Promise<Product | null> };
export interface ProductCounts {
  downloadCount: number;
  viewCount: number;
}

/**
 * Download and view counts (`product_stats`). Downloads come from licensing's
 * product.downloaded events, once each (the inbox). Views are reported by the client
 * (`recordProductView`), since product pages are answered from caches that never reach
 * this code: one view per viewer (user, or client IP when signed out) and product per
 * window, decided by an atomic counter in the key-value store.
 */
export class ProductStatsService {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly db: DataSource,
    private readonly store: KeyValueStore,
    private readonly products: ProductLoader,
    private readonly settings: { viewWindowSeconds: number; viewsPerMinute: number },
  ) {
    this.limiter = new RateLimiter(store, { name: 'product-view', limit: settings.viewsPerMinute, windowMs: 60_000 });
  }

  /** One more download of the product. */
  async downloaded(manager: EntityManager, download: PayloadOf<typeof Events.ProductDownloaded>): Promise<void> {
    await manager.query(
      `INSERT INTO product_stats (product_id, download_count) VALUES ($1, 1)
       ON CONFLICT (product_id) DO UPDATE SET download_count = product_stats.download_count + 1`,
      [download.productId],
    );
  }

  /**
   * Counts a view of a storefront product unless this viewer's view of it was counted within
   * the window. A product the viewer may not see is NOT_FOUND; the vendor's own draft is
   * answered but not counted. More than `viewsPerMinute` reports from one viewer are RATE_LIMITED.
   */
  async recordView(context: RequestContext, rawProductId: string): Promise<{ product: Product; counted: boolean }> {
    const check = new ProductInputCheck();
    const productId = check.id('input.productId', rawProductId);
    check.done();
    const viewer = context.viewer ? `user:${context.viewer.id}` : `ip:${context.clientIp}`;
    await this.limiter.consume(viewer);
    const product = await this.products(context).load(productId);
    if (!product || !canView(context.viewer, product)) throw notFound('Product');
    if (!isOnStorefront(product)) return { product, counted: false };
    let first: boolean;
    try {
      const seen = await this.store.increment(
        `product-view:${productId}:${viewer}`,
        this.settings.viewWindowSeconds * 1000,
      );
      first = seen.count === 1;
    } catch (error) {
      // Without the store nobody can tell a repeat: count nothing rather than every reload.
      context.log.warn({ err: error }, 'view store unavailable; view not counted');
      return { product, counted: false };
    }
    if (first)
      await this.db.query(
        `INSERT INTO product_stats (product_id, view_count) VALUES ($1, 1)
         ON CONFLICT (product_id) DO UPDATE SET view_count = product_stats.view_count + 1`,
        [productId],
      );
    return { product, counted: first };
  }

  /** `Product.downloadCount` and `Product.viewCount`: one statement per request tick for both. */
  readonly counts = defineLoader<string, ProductCounts>(async (productIds) => {
    const rows = await queryRows<ProductCounts & { productId: string }>(
      this.db,
      `SELECT product_id AS "productId", download_count::int AS "downloadCount", view_count::int AS "viewCount"
       FROM product_stats WHERE product_id = ANY($1::uuid[])`,
      [[...new Set(productIds.filter(isUuid))]],
    );
    const byId = new Map(rows.map((row) => [row.productId, row]));
    return productIds.map((id) => byId.get(id) ?? { downloadCount: 0, viewCount: 0 });
  });
}

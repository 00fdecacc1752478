import {
  ConnectionShape,
  Outbox,
  PageFields,
  RequestContext,
  Role,
  defineLoader,
  forbidden,
  conflict,
  isUuid,
  newestFirstPage,
  queryRows,
  recordAudit,
  requestOrigin,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { CacheCodec, StorefrontCache } from '../cache/storefront-cache';
import { isOnStorefront } from '../product/product.access';
import type { Product } from '../product/product.entity';
import { PRODUCT_CODEC } from '../product/product.service';
import { PRODUCT_COLUMNS, ProductRow, ProductStore, toProduct } from '../product/product.store';
import { ProductInputCheck } from '../product/product.validation';

type FeaturedRow = ProductRow & { featuredAt: Date };

const PAGE_CODEC: CacheCodec<ConnectionShape<Product>> = {
  encode: (page) => page,
  decode: (raw: ConnectionShape<unknown>) => ({
    ...raw,
    edges: raw.edges.map((edge) => ({ cursor: edge.cursor, node: PRODUCT_CODEC.decode(edge.node) })),
  }),
};

/**
 * The admin-curated featured products: a row in `featured_products` per product, listed
 * newest featured first. Changes of one product's flag run under its row lock, so two
 * admins toggling it apply one after the other and the audit trail tells them in order.
 */
export class FeaturedService {
  constructor(
    private readonly db: DataSource,
    private readonly products: ProductStore,
    private readonly outbox: Outbox,
    private readonly cache?: StorefrontCache,
    /** Told of every committed change, inside its transaction (storefront and gateway caches). */
    private readonly onChanged: (manager: EntityManager, productId: string) => void = () => undefined,
  ) {}

  /**
   * Features a product in the storefront or takes it out. Setting what is already set changes
   * nothing and records nothing (a retry, or the second of two admins doing the same).
   */
  async set(context: RequestContext, rawProductId: string, featured: boolean): Promise<Product> {
    if (requireViewer(context).role !== Role.ADMIN) throw forbidden();
    const check = new ProductInputCheck();
    const productId = check.id('input.productId', rawProductId);
    check.done();
    return this.db.transaction(async (manager) => {
      const product = await this.products.lock(manager, productId);
      const [row] = await queryRows<{ featuredAt: Date }>(
        manager,
        `SELECT featured_at AS "featuredAt" FROM featured_products WHERE product_id = $1`,
        [productId],
      );
      const was = row !== undefined;
      if (was === featured) return product;
      if (featured) {
        if (!isOnStorefront(product))
          throw conflict('Only a product in the storefront can be featured', 'PRODUCT_UNAVAILABLE');
        await manager.query(`INSERT INTO featured_products (product_id) VALUES ($1)`, [productId]);
      } else {
        await manager.query(`DELETE FROM featured_products WHERE product_id = $1`, [productId]);
      }
      await recordAudit(manager, this.outbox, requestOrigin(context), {
        action: featured ? 'PRODUCT_FEATURED' : 'PRODUCT_UNFEATURED',
        targetType: 'Product',
        targetId: productId,
        before: { featured: was },
        after: { featured },
      });
      this.onChanged(manager, productId);
      context.log.info({ productId, featured }, 'product featured flag changed');
      return product;
    });
  }

  /**
   * `featuredProducts`: storefront products only (published, vendor active), newest featured
   * first. Anonymous pages are a storefront-cache listing, superseded by any product change.
   */
  page(context: RequestContext, page: PageFields): Promise<ConnectionShape<Product>> {
    const load = () =>
      newestFirstPage(
        this.db,
        {
          columns: `${PRODUCT_COLUMNS}, f.featured_at AS "featuredAt"`,
          from: `featured_products f JOIN products p ON p.id = f.product_id JOIN storefront_vendors v ON v.id = p.vendor_id`,
          where: `p.status = 'PUBLISHED' AND v.status = 'ACTIVE'`,
          parameters: [],
          orderBy: ['f.featured_at', 'f.product_id'],
        },
        page,
        (row: FeaturedRow) => toProduct(row),
        (product) => product.featuredAt,
      );
    if (context.viewer !== null || !this.cache?.enabled) return load();
    return this.cache
      .read({ name: `featured:${page.first}:${page.after ?? ''}`, listing: true }, PAGE_CODEC, load)
      .then((cached) => cached!);
  }

  /** `Product.featured`: one statement per request tick. */
  readonly flags = defineLoader<string, boolean>(async (productIds) => {
    const rows = await queryRows<{ productId: string }>(
      this.db,
      `SELECT product_id AS "productId" FROM featured_products WHERE product_id = ANY($1::uuid[])`,
      [[...new Set(productIds.filter(isUuid))]],
    );
    const featured = new Set(rows.map((row) => row.productId));
    return productIds.map((id) => featured.has(id));
  });
}

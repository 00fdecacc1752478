import { Events, PayloadOf, RequestContext, defineLoader, isUuid, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { Product } from '../product/product.entity';

/** Distinct products of one order that count towards pairs: bounds the pairs one order writes (20 → 380). */
export const CO_PURCHASE_MAX_PRODUCTS = 20;
/** `customersAlsoBought(first:)`: its default and its largest value. */
export const ALSO_BOUGHT_DEFAULT = 4;
export const ALSO_BOUGHT_MAX = 20;

type ProductLoader = (context: RequestContext) => { load(id: string): Promise<Product | null> };

/** Every ordered pair of distinct ids in $1, in one order (rows are locked in it: no deadlock between two orders). */
const PAIRS = `SELECT a, b FROM unnest($1::uuid[]) a CROSS JOIN unnest($1::uuid[]) b WHERE a <> b ORDER BY a, b`;

/**
 * "Customers also bought": how many paid orders held both products of a pair, kept current
 * by order.paid (+1 per pair of the order) and payment.refunded (−1 again). Each order is
 * counted at most once: its row in `co_purchase_orders` is claimed before its pairs are
 * written, whatever the deliveries (the inbox already drops a redelivered envelope).
 */
export class CoPurchaseService {
  constructor(
    private readonly db: DataSource,
    /** Products by id on the request's loader (ProductService.byId). */
    private readonly products: ProductLoader,
  ) {}

  /** A paid order counts once; a refund that came first keeps it from counting at all. */
  async paid(manager: EntityManager, order: PayloadOf<typeof Events.OrderPaid>): Promise<boolean> {
    const productIds = [...new Set(order.items.map((item) => item.productId))]
      .sort()
      .slice(0, CO_PURCHASE_MAX_PRODUCTS);
    const claimed = await queryRows(
      manager,
      `INSERT INTO co_purchase_orders (order_id, product_ids) VALUES ($1, $2::uuid[])
       ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [order.orderId, productIds],
    );
    if (claimed.length === 0) return false;
    if (productIds.length > 1)
      await manager.query(
        `INSERT INTO co_purchases (product_id, other_product_id, order_count) SELECT a, b, 1 FROM (${PAIRS}) pairs
         ON CONFLICT (product_id, other_product_id) DO UPDATE SET order_count = co_purchases.order_count + 1`,
        [productIds],
      );
    return true;
  }

  /**
   * A refunded order no longer counts: its pairs go down by one, once. A refund that overtakes
   * its order.paid leaves a refunded row with no products, so the late order.paid adds nothing.
   */
  async refunded(manager: EntityManager, orderId: string): Promise<boolean> {
    const [row] = await queryRows<{ productIds: string[] }>(
      manager,
      `INSERT INTO co_purchase_orders AS o (order_id, product_ids, refunded) VALUES ($1, '{}', true)
       ON CONFLICT (order_id) DO UPDATE SET refunded = true WHERE NOT o.refunded
       RETURNING product_ids AS "productIds"`,
      [orderId],
    );
    if (!row) return false;
    if (row.productIds.length > 1)
      await manager.query(
        `UPDATE co_purchases c SET order_count = greatest(c.order_count - 1, 0)
         FROM (SELECT p.a, p.b FROM (${PAIRS}) p JOIN co_purchases l ON (l.product_id, l.other_product_id) = (p.a, p.b)
               ORDER BY p.a, p.b FOR UPDATE OF l) pairs
         WHERE (c.product_id, c.other_product_id) = (pairs.a, pairs.b)`,
        [row.productIds],
      );
    return true;
  }

  /** `Product.customersAlsoBought`: storefront products only, most orders together first. */
  async alsoBought(context: RequestContext, productId: string, first: number): Promise<Product[]> {
    const ids = (await this.topIds(context).load(productId)).slice(0, first);
    const products = await Promise.all(ids.map((id) => this.products(context).load(id)));
    return products.filter((product): product is Product => product !== null);
  }

  /**
   * The top ALSO_BOUGHT_MAX partners of every product asked for in one request tick, in one
   * statement; products leaving the storefront drop out here, not from the counts.
   */
  private readonly topIds = defineLoader<string, string[]>(async (productIds) => {
    const rows = await queryRows<{ productId: string; otherId: string }>(
      this.db,
      `SELECT k.id AS "productId", t.other AS "otherId"
       FROM unnest($1::uuid[]) AS k(id)
       CROSS JOIN LATERAL (
         SELECT c.other_product_id AS other, c.order_count FROM co_purchases c
         JOIN products p ON p.id = c.other_product_id
         JOIN storefront_vendors v ON v.id = p.vendor_id
         WHERE c.product_id = k.id AND c.order_count > 0 AND p.status = 'PUBLISHED' AND v.status = 'ACTIVE'
         ORDER BY c.order_count DESC, c.other_product_id
         LIMIT $2
       ) t
       ORDER BY k.id, t.order_count DESC, t.other`,
      [[...new Set(productIds.filter(isUuid))], ALSO_BOUGHT_MAX],
    );
    const top = new Map<string, string[]>();
    for (const row of rows) top.set(row.productId, [...(top.get(row.productId) ?? []), row.otherId]);
    return productIds.map((id) => top.get(id) ?? []);
  });
}

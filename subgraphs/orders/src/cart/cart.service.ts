import {
  CurrencyCode,
  InputCheck,
  Money,
  RequestContext,
  conflict,
  defineLoader,
  isUuid,
  notFound,
  queryRows,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { Product } from '../entity-stubs';
import type { CouponPricing } from '../coupon/coupon-pricing';
import type { ProductReplicaService } from '../product-replica/product-replica.service';
import type { PricingLine } from '../pricing/pricing.types';
import { Cart, CartItem } from './cart.type';

/** A cart with no priced item has to show a subtotal in some currency. */
const DEFAULT_CURRENCY = CurrencyCode.USD;

interface ItemRow {
  productId: string;
  vendorId: string;
  categoryId: string | null;
  name: string | null;
  addedAt: Date;
  amount: number | null;
  currency: string | null;
  status: string;
}

/** Carts: one per signed-in user, created on first use. */
export class CartService {
  constructor(
    private readonly db: DataSource,
    private readonly products: ProductReplicaService,
    private readonly coupons: CouponPricing,
  ) {}

  /**
   * `User.cart` of every user in a response, per request: the viewer's own cart (created empty
   * on first use, read once however often the viewer's User appears); null for anyone else's,
   * admins included.
   */
  readonly ofUser = defineLoader<string, Cart | null>(async (userIds, context) => {
    const own = context.viewer && userIds.includes(context.viewer.id) ? await this.mine(context.viewer.id) : null;
    return userIds.map((userId) => (userId === context.viewer?.id ? own : null));
  });

  /** The user's cart as it is now, created empty if missing. */
  mine(userId: string): Promise<Cart> {
    return this.db.transaction(async (manager) => this.view(manager, await this.open(manager, userId, false), userId));
  }

  /**
   * `Product.viewerInCart` of every product in a response, one query, per viewer (the loader is
   * per request). Reading creates no cart.
   */
  readonly inViewerCart = defineLoader<string, boolean>(async (productIds, context) => {
    const viewer = context.viewer;
    const valid = productIds.filter(isUuid);
    if (!viewer || valid.length === 0) return productIds.map(() => false);
    const rows = await queryRows<{ productId: string }>(
      this.db,
      `SELECT i.product_id AS "productId" FROM cart_items i JOIN carts c ON c.id = i.cart_id
       WHERE c.user_id = $1 AND i.product_id = ANY($2::uuid[])`,
      [viewer.id, valid],
    );
    const inCart = new Set(rows.map((row) => row.productId));
    return productIds.map((id) => inCart.has(id));
  });

  /**
   * Puts a PUBLISHED product in the cart, once: adding it again changes nothing. The cart
   * row is locked first, so concurrent adds of one user run one after the other (the
   * currency check sees every earlier add) and the primary key keeps a product to one line.
   */
  async add(context: RequestContext, productId: string): Promise<Cart> {
    const viewer = requireViewer(context);
    checkProductId(productId);
    return this.db.transaction(async (manager) => {
      const cart = await this.open(manager, viewer.id, true);
      // Shared lock: the product cannot be archived or repriced until this add commits.
      const product = await this.products.find(manager, productId, true);
      if (!product || product.status !== 'PUBLISHED') throw notFound('Product');
      const currency = await this.currencyOf(manager, cart.id);
      // Checkout charges one currency, so a cart holds one. (It can still end up with several:
      // prices are read live from the replica and a vendor may reprice in another currency later.)
      if (currency && currency !== product.priceCurrency) {
        const message = `is priced in ${product.priceCurrency} but the cart is in ${currency}`;
        throw conflict(`The product ${message}`, 'CURRENCY_MISMATCH', [{ field: 'input.productId', message }]);
      }
      await manager.query(`INSERT INTO cart_items (cart_id, product_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        cart.id,
        productId,
      ]);
      await manager.query(`UPDATE carts SET updated_at = now() WHERE id = $1`, [cart.id]);
      return this.view(manager, cart, viewer.id);
    });
  }

  /** Takes a product out of the cart; one not in it is not an error. */
  async remove(context: RequestContext, productId: string): Promise<Cart> {
    const viewer = requireViewer(context);
    checkProductId(productId);
    return this.change(viewer.id, `DELETE FROM cart_items WHERE cart_id = $1 AND product_id = $2`, [productId]);
  }

  /** Applies a coupon code to the cart; see CouponPricing.apply for what is refused. */
  async applyCoupon(context: RequestContext, code: string): Promise<Cart> {
    const viewer = requireViewer(context);
    return this.db.transaction(async (manager) => {
      const cart = await this.open(manager, viewer.id, true);
      const { lines, currency } = pricingLinesOf(await this.items(manager, cart.id));
      await this.coupons.apply(manager, cart.id, viewer.id, code, lines, currency);
      await manager.query(`UPDATE carts SET updated_at = now() WHERE id = $1`, [cart.id]);
      return this.view(manager, cart, viewer.id);
    });
  }

  /** Takes a coupon code out of the cart; one not in it is not an error. */
  async removeCoupon(context: RequestContext, code: string): Promise<Cart> {
    const viewer = requireViewer(context);
    return this.db.transaction(async (manager) => {
      const cart = await this.open(manager, viewer.id, true);
      await this.coupons.remove(manager, cart.id, code);
      await manager.query(`UPDATE carts SET updated_at = now() WHERE id = $1`, [cart.id]);
      return this.view(manager, cart, viewer.id);
    });
  }

  async clear(context: RequestContext): Promise<Cart> {
    const viewer = requireViewer(context);
    return this.change(viewer.id, `DELETE FROM cart_items WHERE cart_id = $1`, []);
  }

  private change(userId: string, sql: string, parameters: unknown[]): Promise<Cart> {
    return this.db.transaction(async (manager) => {
      const cart = await this.open(manager, userId, true);
      await manager.query(sql, [cart.id, ...parameters]);
      await manager.query(`UPDATE carts SET updated_at = now() WHERE id = $1`, [cart.id]);
      return this.view(manager, cart, userId);
    });
  }

  /** The user's cart, created if missing; `lock` holds its row until the transaction ends. */
  async open(manager: EntityManager, userId: string, lock: boolean): Promise<{ id: string }> {
    await manager.query(`INSERT INTO carts (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`, [userId]);
    const [cart] = await queryRows<{ id: string }>(
      manager,
      `SELECT id FROM carts WHERE user_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [userId],
    );
    return cart;
  }

  /** The currency of the cart's first available item: the one its subtotal and checkout use. */
  private async currencyOf(manager: EntityManager, cartId: string): Promise<string | null> {
    const items = await this.items(manager, cartId);
    return items.find((item) => item.status === 'PUBLISHED')?.currency ?? null;
  }

  private items(manager: EntityManager, cartId: string): Promise<ItemRow[]> {
    return queryRows<ItemRow>(
      manager,
      `SELECT i.product_id AS "productId", p.vendor_id AS "vendorId", p.category_id AS "categoryId", p.name,
              i.added_at AS "addedAt", p.price_amount AS amount, p.price_currency AS currency, p.status
       FROM cart_items i JOIN products p ON p.id = i.product_id
       WHERE i.cart_id = $1 ORDER BY i.added_at, i.product_id`,
      [cartId],
    );
  }

  private async view(manager: EntityManager, cart: { id: string }, userId: string): Promise<Cart> {
    const rows = await this.items(manager, cart.id);
    const [{ updatedAt }] = await queryRows<{ updatedAt: Date }>(
      manager,
      `SELECT updated_at AS "updatedAt" FROM carts WHERE id = $1`,
      [cart.id],
    );
    const { lines, currency } = pricingLinesOf(rows);
    const shownCurrency = currency ?? DEFAULT_CURRENCY;
    const { coupons, discounts } = await this.coupons.inCart(manager, cart.id, userId, lines, currency);
    const discountOf = (productId: string) =>
      discounts.filter((d) => d.productId === productId).reduce((sum, d) => sum + d.amount, 0);
    const items = rows.map((row) =>
      Object.assign(new CartItem(), {
        product: Product.of(row.productId),
        unitPrice: Money.of(row.amount ?? 0, row.currency ?? DEFAULT_CURRENCY),
        discount: Money.of(discountOf(row.productId), shownCurrency),
        available: row.status === 'PUBLISHED',
        addedAt: row.addedAt,
      }),
    );
    const subtotal = lines.reduce((sum, line) => sum + line.unitPrice, 0);
    const discount = discounts.reduce((sum, d) => sum + d.amount, 0);
    return Object.assign(new Cart(), {
      id: cart.id,
      items,
      subtotal: Money.of(subtotal, shownCurrency),
      coupons,
      discount: Money.of(discount, shownCurrency),
      totalBeforeTax: Money.of(subtotal - discount, shownCurrency),
      itemCount: items.length,
      updatedAt,
    });
  }
}

/**
 * The lines the cart prices: its available items in the currency of the first of them (the
 * one its subtotal and checkout use; items in another currency are left out).
 */
function pricingLinesOf(rows: ItemRow[]): { lines: PricingLine[]; currency: string | null } {
  const available = rows.filter((row) => row.status === 'PUBLISHED' && row.amount !== null && row.currency !== null);
  const currency = available[0]?.currency ?? null;
  const lines = available
    .filter((row) => row.currency === currency)
    .map((row) => ({
      productId: row.productId,
      vendorId: row.vendorId,
      categoryId: row.categoryId,
      name: row.name ?? '',
      unitPrice: row.amount!,
    }));
  return { lines, currency };
}

function checkProductId(productId: string): void {
  const check = new InputCheck();
  if (!isUuid(productId)) check.add('input.productId', 'must be a UUID');
  check.done();
}

import { DemoIds, Logger, queryRows } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { Product } from './product/product.entity';
import type { ProductEvents } from './product/product.events';
import { DEMO_PER_LINE, demoProducts } from './product/product.demo-data';

/** The demo vendors as the catalog's replica knows them (the vendor subgraph seeds the same ids). */
export const DEMO_VENDORS = [
  { id: DemoIds.vendors.ada, userId: DemoIds.users.ada, displayName: 'Ada Agents' },
  { id: DemoIds.vendors.grace, userId: DemoIds.users.grace, displayName: 'Grace Workflows' },
] as const;

/** Demo products are published a few hours apart, going back from this moment (fixed, so re-seeding changes nothing). */
const FIRST_PUBLISHED = Date.UTC(2026, 9, 1);
const HOURS_APART = 7;

/**
 * Idempotent demo data for `npm start`: the two demo vendors (ACTIVE) and 200+ published
 * products, each with its `product.published` event recorded in the same transaction so
 * the storefront's replicas (orders) learn of them like of any other product. Rows that
 * exist are left alone, and only products inserted now get an event.
 */
export async function seedCatalog(db: DataSource, events: ProductEvents, log: Logger): Promise<void> {
  const started = Date.now();
  const inserted = await db.transaction(async (manager) => {
    await manager.query(
      `INSERT INTO vendors (id, user_id, display_name, status, status_changed_at)
       SELECT id, "userId", "displayName", 'ACTIVE', now() FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, "userId" uuid, "displayName" text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(DEMO_VENDORS)],
    );
    const products = demoProducts().map((product, i) => ({
      ...product,
      vendorId: DemoIds.vendors[product.vendor],
      publishedAt: new Date(FIRST_PUBLISHED - i * HOURS_APART * 3_600_000).toISOString(),
    }));
    const rows = await queryRows<Product>(
      manager,
      `INSERT INTO products (id, vendor_id, category_id, slug, name, description, kind, price_amount, price_currency, tags, requirements, compatibility, status, created_at, updated_at, published_at)
       SELECT d.id, d."vendorId", c.id, d.slug, d.name, d.description, d.kind, d."priceAmount", 'USD', d.tags, d.requirements, d.compatibility, 'PUBLISHED', d."publishedAt", d."publishedAt", d."publishedAt"
       FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, "vendorId" uuid, "categorySlug" text, slug text, name text, description text, kind text, "priceAmount" int, tags text[], requirements text[], compatibility text[], "publishedAt" timestamptz)
       JOIN categories c ON c.slug = d."categorySlug"
       ORDER BY d."publishedAt"
       ON CONFLICT DO NOTHING
       RETURNING id, vendor_id AS "vendorId", category_id AS "categoryId", slug, name, kind, price_amount AS "priceAmount", price_currency AS "priceCurrency", status, revision`,
      [JSON.stringify(products)],
    );
    for (const row of rows)
      await events.published(manager, { requestId: 'seed-catalog' }, Object.assign(new Product(), row));
    // The first product of each line is featured, as an admin would have, in the order they were published.
    await manager.query(
      `INSERT INTO featured_products (product_id, featured_at)
       SELECT d.id, d."publishedAt" FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, "publishedAt" timestamptz)
       JOIN products p ON p.id = d.id
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(products.filter((_, i) => i % DEMO_PER_LINE === 0))],
    );
    return rows.length;
  });
  log.info({ products: inserted, ms: Date.now() - started }, 'catalog demo data seeded');
}

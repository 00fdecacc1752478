import type { EntityManager } from 'typeorm';
import { NEW_CATEGORIES } from './categories';
import { Plan, canonical } from './plan';
import { hash, id, ts } from './sql';
import type { Step } from './transaction';

export async function loadCatalog(manager: EntityManager, step: Step, plan: Plan) {
  await step('derive', () => canonical(manager, plan, 'reviews'));
  await step('vendors', () =>
    manager.query(
      `INSERT INTO vendors (id, user_id, display_name, slug, status, status_changed_at, profile_changed_at, updated_at)
       SELECT id, user_id, name, slug, 'ACTIVE', ${ts('approved_ms')}, ${ts('approved_ms')}, ${ts('approved_ms + 100')} FROM bench_vendors ORDER BY k`,
    ),
  );
  await step('categories', () =>
    manager.query(
      `INSERT INTO categories (id, slug, name, description, parent_id, position)
       SELECT id, slug, name, description, "parentId", position
       FROM jsonb_to_recordset($1::jsonb) AS c(id uuid, slug text, name text, description text, "parentId" uuid, position int)
       ORDER BY "parentId" NULLS FIRST, position`,
      [JSON.stringify(NEW_CATEGORIES)],
    ),
  );
  // `search` is a generated column; the row trigger adds names and tags to search_terms (typo tolerance).
  await step('products', () =>
    manager.query(
      `INSERT INTO products (id, vendor_id, category_id, slug, name, description, kind, price_amount, price_currency, tags, status, rejection_reason,
                             revision, rating, review_count, sales_count, max_activations, created_at, updated_at, published_at)
       SELECT p.id, p.vendor_id, p.category_id, p.slug, p.name, p.description, p.kind, p.price, 'USD', p.tags, p.status, p.rejection_reason,
              p.revision, coalesce(r.rating, 0), coalesce(r.count, 0), 0, p.max_activations,
              ${ts('p.created_ms')}, ${ts('p.updated_ms')}, ${ts('p.published_ms')}
       FROM bench_products p
       LEFT JOIN (SELECT product_id, round(avg(rating), 1) AS rating, count(*)::int AS count FROM bench_reviews GROUP BY product_id) r ON r.product_id = p.id
       ORDER BY p.p`,
    ),
  );
  // Rows only (no files): what the storefront's cover thumbnails read. 9 in 10 products have a
  // cover, a third of them two screenshots besides, sized as the uploads' variants would be.
  await step('product media', () =>
    manager.query(
      `INSERT INTO product_media (id, product_id, upload_id, kind, position, alt, format, original_file, width, height, size, variants, created_at)
       SELECT ${id('media', "p.p || ':' || m.position")}, p.id, ${id('media-upload', "p.p || ':' || m.position")},
              CASE m.position WHEN 1 THEN 'COVER' ELSE 'SCREENSHOT' END, m.position,
              CASE m.position WHEN 1 THEN p.name END, 'png', 'original.png', 1600, 900, 180000 + ${hash('msize', 'p.p')} % 200000,
              '[{"file":"w160.webp","width":160,"height":90},{"file":"w480.webp","width":480,"height":270},{"file":"w1200.webp","width":1200,"height":675}]'::jsonb,
              ${ts('coalesce(p.published_ms, p.created_ms)')}
       FROM bench_products p
       CROSS JOIN generate_series(1, 3) AS m(position)
       WHERE ${hash('mcover', 'p.p')} % 10 <> 0 AND (m.position = 1 OR ${hash('mshots', 'p.p')} % 3 = 0)
       ORDER BY p.p, m.position`,
    ),
  );
  await step('licenses', () =>
    manager.query(
      `INSERT INTO licenses (id, product_id, owner_id, order_id, issued_at, revoked_at)
       SELECT license_id, product_id, user_id, order_id, ${ts('issue_ms + 30')}, CASE WHEN kind = 'REFUNDED' THEN ${ts('refunded_ms + 100')} END
       FROM bench_lines WHERE kind IN ('FULFILLED', 'REFUNDED') ORDER BY o, position`,
    ),
  );
  // What order.paid and payment.refunded would have left: every paid order claimed once (a refunded one
  // marked and not counted), and per ordered pair of products the kept orders holding both.
  await step('co-purchase orders', () =>
    manager.query(
      `INSERT INTO co_purchase_orders (order_id, product_ids, refunded, recorded_at)
       SELECT order_id, array_agg(product_id ORDER BY product_id), kind = 'REFUNDED', ${ts('min(order_paid_ms) + 60')}
       FROM bench_lines WHERE kind IN ('FULFILLED', 'REFUNDED') GROUP BY order_id, kind`,
    ),
  );
  await step('co-purchases', () =>
    manager.query(
      `INSERT INTO co_purchases (product_id, other_product_id, order_count)
       SELECT a.product_id, b.product_id, count(*)::int
       FROM bench_lines a JOIN bench_lines b ON b.o = a.o AND b.product_id <> a.product_id
       WHERE a.kind = 'FULFILLED' GROUP BY a.product_id, b.product_id`,
    ),
  );
  await step('reviews', () =>
    manager.query(
      `INSERT INTO reviews (id, product_id, author_id, rating, body, created_at, updated_at)
       SELECT id, product_id, author_id, rating, body, ${ts('created_ms')}, ${ts('created_ms')} FROM bench_reviews ORDER BY created_ms`,
    ),
  );
}

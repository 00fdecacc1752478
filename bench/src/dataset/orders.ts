import type { EntityManager } from 'typeorm';
import { loadOrderConsole } from './orders-console';
import { Plan, canonical } from './plan';
import { ts } from './sql';
import type { Step } from './transaction';

export async function loadOrders(manager: EntityManager, step: Step, plan: Plan) {
  await step('derive', () => canonical(manager, plan, 'orders'));
  // product.published (revision 3); product.archived keeps the revision and only moves the status.
  await step('product replica', () =>
    manager.query(
      `INSERT INTO products (id, vendor_id, slug, name, kind, price_amount, price_currency, status, revision, changed_at, updated_at)
       SELECT id, vendor_id, slug, name, kind, price, 'USD', status, 3, ${ts('updated_ms')}, ${ts('updated_ms + 100')}
       FROM bench_products WHERE published_ms IS NOT NULL ORDER BY p`,
    ),
  );
  await step('orders', () =>
    manager.query(
      `INSERT INTO orders (id, number, user_id, status, currency, subtotal_amount, total_amount, idempotency_key, created_at, updated_at)
       SELECT id, number, user_id, CASE WHEN kind IN ('FULFILLED', 'REFUNDED') THEN kind ELSE 'CANCELLED' END, 'USD', total, total, idempotency_key,
              ${ts('created_ms')}, ${ts('updated_ms')}
       FROM bench_orders ORDER BY o`,
    ),
  );
  await step('order_items', () =>
    manager.query(
      `INSERT INTO order_items (order_id, product_id, vendor_id, name, unit_price, currency, quantity, license_id, position)
       SELECT order_id, product_id, vendor_id, name, price, 'USD', 1, CASE WHEN kind IN ('FULFILLED', 'REFUNDED') THEN license_id END, position
       FROM bench_lines ORDER BY o, position`,
    ),
  );
  await step('order_status_history', () =>
    manager.query(
      `INSERT INTO order_status_history (order_id, from_status, to_status, reason, at)
       SELECT o.id, h.from_status, h.to_status, h.reason, ${ts('h.at_ms')}
       FROM bench_orders o
       CROSS JOIN LATERAL (VALUES
         (1, NULL, 'PENDING_PAYMENT', 'CHECKOUT', o.created_ms, true),
         (2, 'PENDING_PAYMENT', 'PAID', 'PAYMENT_SUCCEEDED', o.order_paid_ms, o.kind IN ('FULFILLED', 'REFUNDED')),
         (3, 'PAID', 'FULFILLED', 'LICENSES_ISSUED', o.fulfilled_ms, o.kind IN ('FULFILLED', 'REFUNDED')),
         (4, 'FULFILLED', 'REFUNDED', 'PAYMENT_REFUNDED', o.refunded_ms + 50, o.kind = 'REFUNDED'),
         (2, 'PENDING_PAYMENT', 'PAYMENT_FAILED', 'PAYMENT_FAILED', o.failed_ms + 50, o.kind = 'PAYMENT_FAILED'),
         (3, 'PAYMENT_FAILED', 'CANCELLED', 'PAYMENT_TIMEOUT', o.cancelled_ms, o.kind = 'PAYMENT_FAILED'),
         (2, 'PENDING_PAYMENT', 'CANCELLED', 'PAYMENT_TIMEOUT', o.cancelled_ms, o.kind = 'CANCELLED_TIMEOUT'),
         (2, 'PENDING_PAYMENT', 'CANCELLED', 'CANCELLED_BY_CUSTOMER', o.cancelled_ms, o.kind = 'CANCELLED_CUSTOMER')
       ) AS h(seq, from_status, to_status, reason, at_ms, happened)
       WHERE h.happened
       ORDER BY o.o, h.seq`,
    ),
  );
  // New checkouts continue after the generated numbers.
  await step('number sequence', () => manager.query(`SELECT setval('order_number_seq', $1)`, [plan.c.orders]));
  await loadOrderConsole(manager, step, plan);
}

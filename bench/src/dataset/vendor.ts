import type { EntityManager } from 'typeorm';
import { Plan, canonical } from './plan';
import { DAY, id, ts } from './sql';
import type { Step } from './transaction';

export async function loadVendor(manager: EntityManager, step: Step, plan: Plan) {
  await step('derive', () => canonical(manager, plan, 'orders'));
  await step('vendors', () =>
    manager.query(
      `INSERT INTO vendors (id, user_id, display_name, slug, bio, status, commission_bps, created_at, approved_at, updated_at)
       SELECT id, user_id, name, slug, bio, 'ACTIVE', ${plan.commissionBps}, ${ts('applied_ms')}, ${ts('approved_ms')}, ${ts('approved_ms')}
       FROM bench_vendors ORDER BY k`,
    ),
  );
  const paid = `o.kind IN ('FULFILLED', 'REFUNDED')`;
  await step('ledger_orders', () =>
    manager.query(
      `INSERT INTO ledger_orders (order_id, number, payment_id, paid_at, refunded_at, created_at)
       SELECT o.id, o.number, o.payment_id, ${ts('o.order_paid_ms')}, CASE WHEN o.kind = 'REFUNDED' THEN ${ts('o.refunded_ms')} END, ${ts('o.order_paid_ms + 20')}
       FROM bench_orders o WHERE ${paid} ORDER BY o.o`,
    ),
  );
  // order.paid credits each line (SALE + COMMISSION at the vendor's rate, rounded half up, each recording the rate); payment.refunded debits them.
  const commission = `((l.price::bigint * ${plan.commissionBps} + 5000) / 10000)`;
  const available = `l.order_paid_ms + ${plan.holdDays * DAY}`;
  await step('ledger_entries', () =>
    manager.query(
      `INSERT INTO ledger_entries (id, vendor_id, kind, amount, currency, order_id, product_id, product_name, occurred_at, available_at, created_at, commission_bps)
       SELECT ${id('ledger', "e.kind || ':' || l.o || ':' || l.position")}, l.vendor_id, e.kind, e.amount, 'USD', l.order_id, l.product_id, l.name,
              ${ts('e.occurred_ms')}, ${ts('e.available_ms')}, ${ts('e.occurred_ms + 20')}, ${plan.commissionBps}
       FROM bench_lines l
       CROSS JOIN LATERAL (VALUES
         ('SALE', l.price::bigint, l.order_paid_ms, ${available}, true),
         ('COMMISSION', -${commission}, l.order_paid_ms, ${available}, true),
         ('REFUND', -l.price::bigint, l.refunded_ms, greatest(${available}, l.refunded_ms), l.kind = 'REFUNDED'),
         ('REFUND_COMMISSION', ${commission}, l.refunded_ms, greatest(${available}, l.refunded_ms), l.kind = 'REFUNDED')
       ) AS e(kind, amount, occurred_ms, available_ms, happened)
       WHERE l.kind IN ('FULFILLED', 'REFUNDED') AND e.happened
       ORDER BY e.occurred_ms, l.o, l.position, e.kind`,
    ),
  );
}

import type { EntityManager } from 'typeorm';
import { DATASET_REFUND_REASON } from './model';
import { Plan, canonical } from './plan';
import { quote, ts } from './sql';
import type { Step } from './transaction';

export async function loadPayments(manager: EntityManager, step: Step, plan: Plan) {
  await step('derive', () => canonical(manager, plan, 'orders'));
  await step('orders', () =>
    manager.query(
      `INSERT INTO orders (id, user_id, amount, currency, status, created_at, updated_at)
       SELECT id, user_id, total, 'USD', CASE WHEN kind IN ('FULFILLED', 'REFUNDED') THEN 'OPEN' ELSE 'CANCELLED' END,
              ${ts('created_ms + 30')}, ${ts("CASE WHEN kind IN ('FULFILLED', 'REFUNDED') THEN created_ms + 30 ELSE cancelled_ms + 30 END")}
       FROM bench_orders ORDER BY o`,
    ),
  );
  await step('payments', () =>
    manager.query(
      `INSERT INTO payments (id, order_id, status, amount, currency, provider, provider_ref, client_secret, failure_reason, refund_reason,
                             refund_requested_at, refunded_at, created_at, updated_at)
       SELECT payment_id, id, CASE kind WHEN 'FULFILLED' THEN 'SUCCEEDED' WHEN 'REFUNDED' THEN 'REFUNDED' ELSE 'FAILED' END, total, 'USD', 'LOCAL',
              provider_ref, provider_ref || '_secret_' || substr(md5('bench:secret:' || o), 1, 24),
              CASE WHEN kind = 'PAYMENT_FAILED' THEN 'Your card was declined.' END,
              CASE WHEN kind = 'REFUNDED' THEN ${quote(DATASET_REFUND_REASON)} END,
              CASE WHEN kind = 'REFUNDED' THEN ${ts('refund_requested_ms')} END,
              CASE WHEN kind = 'REFUNDED' THEN ${ts('refunded_ms')} END,
              ${ts('intent_ms')},
              ${ts("CASE kind WHEN 'FULFILLED' THEN paid_ms WHEN 'REFUNDED' THEN refunded_ms ELSE failed_ms END")}
       FROM bench_orders WHERE kind IN ('FULFILLED', 'REFUNDED', 'PAYMENT_FAILED') ORDER BY o`,
    ),
  );
  // The Stripe events applied (each id once); the local provider names its refund event after the payment.
  await step('stripe_events', () =>
    manager.query(
      `INSERT INTO stripe_events (id, type, payment_id, received_at)
       SELECT e.id, e.type, o.payment_id, ${ts('e.at_ms')}
       FROM bench_orders o
       CROSS JOIN LATERAL (VALUES
         ('evt_local_' || substr(md5('bench:event:' || o.o), 1, 24), 'payment_intent.succeeded', o.paid_ms, o.kind IN ('FULFILLED', 'REFUNDED')),
         ('evt_local_' || substr(md5('bench:event:' || o.o), 1, 24), 'payment_intent.payment_failed', o.failed_ms, o.kind = 'PAYMENT_FAILED'),
         ('evt_local_refund_' || substr(encode(sha256(convert_to('refund:' || o.payment_id, 'UTF8')), 'hex'), 1, 24), 'charge.refunded', o.refunded_ms, o.kind = 'REFUNDED')
       ) AS e(id, type, at_ms, happened)
       WHERE e.happened
       ORDER BY e.at_ms`,
    ),
  );
}

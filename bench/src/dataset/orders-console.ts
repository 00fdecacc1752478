import type { EntityManager } from 'typeorm';
import { DATASET_REFUND_REASON } from './model';
import type { Plan } from './plan';
import { quote, ts } from './sql';
import type { Step } from './transaction';
import { userEmail } from './users';

/**
 * The orders subgraph's tables for the operator console (issue 20), as the events would have
 * left them: the email replica (user.registered) and each order's timeline (its status
 * history, then payment.attempt_started, payment.webhook_received, license.issued,
 * payment.refund_requested by the first admin, license.revoked). Runs after loadOrders, in
 * its transaction (the bench_* tables are there).
 */
export async function loadOrderConsole(manager: EntityManager, step: Step, plan: Plan) {
  const { users: U, vendors: V } = plan.c;
  const admin = plan.userId(String(V + 1));
  await step('customers (email replica)', () =>
    manager.query(
      `INSERT INTO customers (user_id, email) SELECT ${plan.userId('g')}, ${userEmail(plan, 'g')} FROM generate_series(1, ${U}) g`,
    ),
  );
  await step('order_timeline: status changes', () =>
    manager.query(
      `INSERT INTO order_timeline (order_id, at, kind, status, summary, actor_kind, actor_user_id, actor_role)
       SELECT h.order_id, h.at, 'STATUS_CHANGED', h.to_status,
              CASE h.reason WHEN 'CHECKOUT' THEN 'Order placed at checkout' WHEN 'PAYMENT_SUCCEEDED' THEN 'Paid: the payment succeeded'
                WHEN 'PAYMENT_FAILED' THEN 'Payment failed' WHEN 'PAYMENT_REFUNDED' THEN 'Refunded'
                WHEN 'LICENSES_ISSUED' THEN 'Fulfilled: every line has its license' WHEN 'CANCELLED_BY_CUSTOMER' THEN 'Cancelled by the customer'
                ELSE 'Cancelled: unpaid for too long' END,
              CASE WHEN h.reason IN ('CHECKOUT', 'CANCELLED_BY_CUSTOMER', 'PAYMENT_REFUNDED') THEN 'USER'
                   WHEN h.reason IN ('PAYMENT_SUCCEEDED', 'PAYMENT_FAILED') THEN 'PAYMENT_PROVIDER' ELSE 'SYSTEM' END,
              CASE WHEN h.reason IN ('CHECKOUT', 'CANCELLED_BY_CUSTOMER') THEN o.user_id WHEN h.reason = 'PAYMENT_REFUNDED' THEN ${admin} END,
              CASE WHEN h.reason IN ('CHECKOUT', 'CANCELLED_BY_CUSTOMER') THEN 'CUSTOMER' WHEN h.reason = 'PAYMENT_REFUNDED' THEN 'ADMIN' END
       FROM order_status_history h JOIN orders o ON o.id = h.order_id
       ORDER BY h.id`,
    ),
  );
  const money = `to_char(o.total / 100.0, 'FM999999990.00') || ' USD'`;
  const webhook = (type: string) =>
    `'Payment provider event ${type} received (evt_local_' || substr(md5('bench:event:' || o.o), 1, 24) || ')'`;
  await step('order_timeline: payments', () =>
    manager.query(
      `INSERT INTO order_timeline (order_id, at, kind, summary, actor_kind, actor_user_id, actor_role)
       SELECT o.id, ${ts('e.at_ms')}, e.kind, e.summary, e.actor_kind,
              CASE e.actor_kind WHEN 'USER' THEN CASE WHEN e.kind = 'REFUND_REQUESTED' THEN ${admin} ELSE o.user_id END END,
              CASE e.actor_kind WHEN 'USER' THEN CASE WHEN e.kind = 'REFUND_REQUESTED' THEN 'ADMIN' ELSE 'CUSTOMER' END END
       FROM bench_orders o
       CROSS JOIN LATERAL (VALUES
         ('PAYMENT_ATTEMPT_STARTED', o.intent_ms, 'Payment of ' || ${money} || ' started with LOCAL', 'USER', o.kind IN ('FULFILLED', 'REFUNDED', 'PAYMENT_FAILED')),
         ('WEBHOOK_RECEIVED', o.paid_ms, ${webhook('payment_intent.succeeded')}, 'PAYMENT_PROVIDER', o.kind IN ('FULFILLED', 'REFUNDED')),
         ('WEBHOOK_RECEIVED', o.failed_ms, ${webhook('payment_intent.payment_failed')}, 'PAYMENT_PROVIDER', o.kind = 'PAYMENT_FAILED'),
         ('REFUND_REQUESTED', o.refund_requested_ms, ${quote(`Refund requested: ${DATASET_REFUND_REASON}`)}, 'USER', o.kind = 'REFUNDED'),
         ('WEBHOOK_RECEIVED', o.refunded_ms, 'Payment provider event charge.refunded received', 'PAYMENT_PROVIDER', o.kind = 'REFUNDED')
       ) AS e(kind, at_ms, summary, actor_kind, happened)
       WHERE e.happened
       ORDER BY o.o, e.at_ms`,
    ),
  );
  await step('order_timeline: licenses', () =>
    manager.query(
      `INSERT INTO order_timeline (order_id, at, kind, summary, actor_kind)
       SELECT l.order_id, ${ts('e.at_ms')}, e.kind, e.summary, 'SYSTEM'
       FROM bench_lines l
       CROSS JOIN LATERAL (VALUES
         ('LICENSE_ISSUED', l.issue_ms, 'License issued for "' || l.name || '"', l.kind IN ('FULFILLED', 'REFUNDED')),
         ('LICENSE_REVOKED', l.refunded_ms + 100, 'License for "' || l.name || '" revoked: ' || ${quote(DATASET_REFUND_REASON)}, l.kind = 'REFUNDED')
       ) AS e(kind, at_ms, summary, happened)
       WHERE e.happened
       ORDER BY l.o, l.position`,
    ),
  );
  // The orders inserted above left one count change each: fold them, as the expiry job would.
  await step('order_status_counts', () => manager.query(`SELECT order_status_counts_fold()`));
  await step('analyze', () => manager.query(`ANALYZE customers; ANALYZE order_timeline`));
}

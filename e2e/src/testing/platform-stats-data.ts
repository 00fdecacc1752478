import { randomUUID } from 'node:crypto';
import { DemoIds } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import type { TestSupergraph } from './supergraph';

/** The known days: March 2025 (3 March is a Monday). */
export const ADA = DemoIds.vendors.ada;
export const V2 = randomUUID();
const V3 = randomUUID();
const [U1, U2, U3] = [randomUUID(), randomUUID(), randomUUID()];
export const [P1, P2, P3] = [randomUUID(), randomUUID(), randomUUID()];

interface Line {
  product: string;
  vendor: string;
  price: number;
}
interface KnownOrder {
  user: string;
  currency: string;
  lines: Line[];
  paidAt?: string;
  refundedAt?: string;
  cancelledAt?: string;
}
const KNOWN: KnownOrder[] = [
  { user: U1, currency: 'USD', lines: [{ product: P1, vendor: ADA, price: 1000 }], paidAt: '2025-03-03T10:00:00.000Z' },
  {
    user: U1,
    currency: 'USD',
    lines: [
      { product: P1, vendor: ADA, price: 1000 },
      { product: P2, vendor: V2, price: 2000 },
    ],
    paidAt: '2025-03-03T23:59:59.999Z',
  },
  {
    user: U2,
    currency: 'EUR',
    lines: [{ product: P3, vendor: ADA, price: 2000 }],
    paidAt: '2025-03-04T00:00:00.000Z',
    refundedAt: '2025-03-10T09:00:00.000Z',
  },
  { user: U2, currency: 'USD', lines: [{ product: P2, vendor: V2, price: 500 }], paidAt: '2025-03-09T23:00:00.000Z' },
  {
    user: U3,
    currency: 'USD',
    lines: [{ product: P1, vendor: ADA, price: 700 }],
    cancelledAt: '2025-03-05T00:00:00.000Z',
  },
];
const COMMISSION_BPS = 1500;

/**
 * Writes the known days into each subgraph's own tables as their events would have left them:
 * users and vendors created on known days; orders paid, refunded and cancelled at known
 * times, one status change per statement (the rollup triggers fire as on live writes); the
 * vendors' ledger entries of the paid lines at 15 % commission.
 */
export async function writeKnownDays(supergraph: TestSupergraph) {
  const db = (subgraph: string): DataSource => supergraph.subgraphs.get(subgraph)!.deps.db;
  const users = db('users');
  for (const [id, at] of [
    [U1, '2025-03-03T01:00:00.000Z'],
    [U2, '2025-03-09T23:59:59.999Z'],
    [U3, '2025-03-10T00:00:00.000Z'],
  ])
    await users.query(
      `INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES ($1, $2, 'Known', 'x', $3)`,
      [id, `known.${id}@example.com`, at],
    );
  const vendors = db('vendor');
  for (const [id, at] of [
    [V2, '2025-03-05T08:00:00.000Z'],
    [V3, '2025-03-12T08:00:00.000Z'],
  ])
    await vendors.query(
      `INSERT INTO vendors (id, user_id, display_name, slug, status, commission_bps, created_at, approved_at)
       VALUES ($1, $2, 'Known shop', $3, 'ACTIVE', ${COMMISSION_BPS}, $4, $4)`,
      [id, randomUUID(), `known-${id.slice(0, 8)}`, at],
    );
  const orders = db('orders');
  for (const [n, order] of KNOWN.entries()) {
    const id = randomUUID();
    const total = order.lines.reduce((sum, line) => sum + line.price, 0);
    const created = new Date(new Date(order.paidAt ?? order.cancelledAt!).getTime() - 60_000).toISOString();
    const status = order.refundedAt ? 'REFUNDED' : order.paidAt ? 'PAID' : 'CANCELLED';
    await orders.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO orders (id, number, user_id, status, currency, subtotal_amount, total_amount, idempotency_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $8)`,
        [id, `MP-9${String(n).padStart(6, '0')}`, order.user, status, order.currency, total, `known-${id}`, created],
      );
      for (const [position, line] of order.lines.entries())
        await manager.query(
          `INSERT INTO order_items (order_id, product_id, vendor_id, name, unit_price, currency, position) VALUES ($1, $2, $3, 'Known', $4, $5, $6)`,
          [id, line.product, line.vendor, line.price, order.currency, position],
        );
      const history: [string | null, string, string, string][] = [[null, 'PENDING_PAYMENT', 'CHECKOUT', created]];
      if (order.paidAt) history.push(['PENDING_PAYMENT', 'PAID', 'PAYMENT_SUCCEEDED', order.paidAt]);
      if (order.refundedAt) history.push(['PAID', 'REFUNDED', 'PAYMENT_REFUNDED', order.refundedAt]);
      if (order.cancelledAt) history.push(['PENDING_PAYMENT', 'CANCELLED', 'CANCELLED_BY_CUSTOMER', order.cancelledAt]);
      // One status change per statement, as the service writes them.
      for (const [from, to, reason, at] of history)
        await manager.query(
          `INSERT INTO order_status_history (order_id, from_status, to_status, reason, at) VALUES ($1, $2, $3, $4, $5)`,
          [id, from, to, reason, at],
        );
    });
    if (!order.paidAt) continue;
    await vendors.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO ledger_orders (order_id, number, payment_id, paid_at, refunded_at) VALUES ($1, 'MP-9', $2, $3, $4)`,
        [id, randomUUID(), order.paidAt, order.refundedAt ?? null],
      );
      for (const line of order.lines) {
        const commission = (line.price * COMMISSION_BPS) / 10_000;
        const entry = (kind: string, amount: number, at: string) =>
          manager.query(
            `INSERT INTO ledger_entries (vendor_id, kind, amount, currency, order_id, product_id, product_name, occurred_at, available_at, commission_bps)
             VALUES ($1, $2, $3, $4, $5, $6, 'Known', $7, $7, $8)`,
            [line.vendor, kind, amount, order.currency, id, line.product, at, COMMISSION_BPS],
          );
        await entry('SALE', line.price, order.paidAt!);
        await entry('COMMISSION', -commission, order.paidAt!);
        if (order.refundedAt) {
          await entry('REFUND', -line.price, order.refundedAt);
          await entry('REFUND_COMMISSION', commission, order.refundedAt);
        }
      }
    });
  }
}

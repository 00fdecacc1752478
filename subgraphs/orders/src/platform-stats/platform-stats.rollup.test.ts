import { randomUUID } from 'node:crypto';
import { queryRows } from '@marketplace/kit';
import { TestSubgraph } from '@marketplace/kit/testing';
import type { EntityManager } from 'typeorm';
import { startOrders } from '../testing';

/**
 * The order rollups follow `order_status_history` in the writing transaction: checked here
 * against a live aggregate of the orders, under concurrent writers, a status entered twice,
 * and a customer reference rewritten (erasure pseudonymises it).
 */
let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const db = () => orders.subgraph.deps.db;
let number = 0;

/** An order of `lines` prices for `userId` (of `productId`, else each its own), moved through `moves` ([status, at]) each in its own statement. */
async function order(
  manager: EntityManager,
  userId: string,
  lines: number[],
  moves: [string, string][],
  currency = 'USD',
  productId?: string,
): Promise<string> {
  const id = randomUUID();
  number += 1;
  const total = lines.reduce((sum, price) => sum + price, 0);
  await manager.query(
    `INSERT INTO orders (id, number, user_id, status, currency, subtotal_amount, total_amount, idempotency_key)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
    [
      id,
      `MP-8${process.pid % 1000}${String(number).padStart(6, '0')}`,
      userId,
      moves.at(-1)?.[0] ?? 'PENDING_PAYMENT',
      currency,
      total,
      `rollup-${id}`,
    ],
  );
  for (const [position, price] of lines.entries())
    await manager.query(
      `INSERT INTO order_items (order_id, product_id, vendor_id, name, unit_price, currency, position) VALUES ($1, $2, $3, 'P', $4, $5, $6)`,
      [id, productId ?? randomUUID(), randomUUID(), price, currency, position],
    );
  let from: string | null = null;
  for (const [to, at] of [['PENDING_PAYMENT', moves[0]?.[1] ?? new Date().toISOString()], ...moves]) {
    const reason = {
      PENDING_PAYMENT: 'CHECKOUT',
      PAID: 'PAYMENT_SUCCEEDED',
      REFUNDED: 'PAYMENT_REFUNDED',
      FULFILLED: 'LICENSES_ISSUED',
    }[to]!;
    if (from === to) from = null; // a status entered again (below) is written as from another one
    await manager.query(
      `INSERT INTO order_status_history (order_id, from_status, to_status, reason, at) VALUES ($1, $2, $3, $4, $5)`,
      [id, from, to, reason, at],
    );
    from = to;
  }
  return id;
}

const day = async (date: string, currency = 'USD') =>
  (
    await queryRows<{ gross: string; order_count: number; refunds: string; refund_count: number }>(
      db(),
      `SELECT gross::text, order_count, refunds::text, refund_count FROM order_daily WHERE day = $1 AND currency = $2`,
      [date, currency],
    )
  )[0];

describe('order rollups', () => {
  it('count two orders paid at once on the same day, by two customers, both (no lost update)', async () => {
    const date = '2031-01-01';
    const [a, b] = [randomUUID(), randomUUID()];
    await Promise.all([
      db().transaction((m) => order(m, a, [1000], [['PAID', `${date}T10:00:00Z`]])),
      db().transaction((m) => order(m, b, [250, 750], [['PAID', `${date}T10:00:00Z`]])),
    ]);
    expect(await day(date)).toEqual({ gross: '2000', order_count: 2, refunds: '0', refund_count: 0 });
    const customers = await queryRows(
      db(),
      `SELECT user_id FROM order_daily_customers WHERE day = $1 ORDER BY user_id`,
      [date],
    );
    expect(customers).toEqual([a, b].sort().map((user_id) => ({ user_id })));
  });

  it('count ten concurrent writers exactly, with lines of the same products per day', async () => {
    const date = '2031-02-01';
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db().transaction((m) => order(m, randomUUID(), [100 * (i + 1)], [['PAID', `${date}T0${i}:00:00Z`]])),
      ),
    );
    expect(await day(date)).toEqual({ gross: '5500', order_count: 10, refunds: '0', refund_count: 0 });
  });

  it('count an order on the day it was first paid and refunded, once, even if a status is entered again', async () => {
    const user = randomUUID();
    await db().transaction((m) =>
      order(
        m,
        user,
        [400],
        [
          ['PAID', '2031-03-01T23:59:59.999Z'],
          ['REFUNDED', '2031-03-02T00:00:00.000Z'],
          ['PAID', '2031-03-03T00:00:00.000Z'],
          ['REFUNDED', '2031-03-04T00:00:00.000Z'],
        ],
      ),
    );
    expect(await day('2031-03-01')).toEqual({ gross: '400', order_count: 1, refunds: '0', refund_count: 0 });
    expect(await day('2031-03-02')).toEqual({ gross: '0', order_count: 0, refunds: '400', refund_count: 1 });
    expect(await day('2031-03-03')).toBeUndefined();
    expect(await day('2031-03-04')).toBeUndefined();
  });

  it('equal a live aggregate of the orders and their history', async () => {
    const users = [randomUUID(), randomUUID(), randomUUID()];
    await db().transaction(async (m) => {
      await order(m, users[0], [100, 200], [['PAID', '2031-04-01T01:00:00Z']]);
      await order(
        m,
        users[0],
        [300],
        [
          ['PAID', '2031-04-01T02:00:00Z'],
          ['REFUNDED', '2031-04-03T00:00:00Z'],
        ],
        'EUR',
      );
      await order(
        m,
        users[1],
        [50],
        [
          ['PAID', '2031-04-02T00:00:00Z'],
          ['FULFILLED', '2031-04-02T00:01:00Z'],
        ],
      );
      await order(m, users[2], [999], []); // never paid
    });
    const mismatches = await queryRows(
      db(),
      `WITH first AS (
         SELECT DISTINCT ON (order_id, to_status) order_id, to_status, (at AT TIME ZONE 'UTC')::date AS day
           FROM order_status_history WHERE to_status IN ('PAID', 'REFUNDED') ORDER BY order_id, to_status, id),
       live AS (
         SELECT f.day, o.currency,
                COALESCE(sum(o.total_amount) FILTER (WHERE f.to_status = 'PAID'), 0)::bigint AS gross,
                count(*) FILTER (WHERE f.to_status = 'PAID')::int AS order_count,
                COALESCE(sum(o.total_amount) FILTER (WHERE f.to_status = 'REFUNDED'), 0)::bigint AS refunds,
                count(*) FILTER (WHERE f.to_status = 'REFUNDED')::int AS refund_count
           FROM first f JOIN orders o ON o.id = f.order_id GROUP BY 1, 2)
       SELECT * FROM live FULL JOIN order_daily d USING (day, currency)
        WHERE (live.gross, live.order_count, live.refunds, live.refund_count)
              IS DISTINCT FROM (d.gross, d.order_count, d.refunds, d.refund_count)`,
    );
    expect(mismatches).toEqual([]);
  });

  it('keep the sellers rollups and the paying customers per day equal to live aggregates', async () => {
    // Every order this file wrote so far, plus two lines of one product across a month's end, one refunded.
    const product = randomUUID();
    await db().transaction(async (m) => {
      await order(m, randomUUID(), [700], [['PAID', '2031-06-30T23:00:00Z']], 'USD', product);
      await order(
        m,
        randomUUID(),
        [300],
        [
          ['PAID', '2031-07-01T01:00:00Z'],
          ['REFUNDED', '2031-07-02T00:00:00Z'],
        ],
        'USD',
        product,
      );
    });
    const firstMoves = `
      SELECT DISTINCT ON (order_id, to_status) order_id, to_status, (at AT TIME ZONE 'UTC')::date AS day
        FROM order_status_history WHERE to_status IN ('PAID', 'REFUNDED') ORDER BY order_id, to_status, id`;
    const lines = `SELECT f.day, f.to_status, i.currency, i.product_id, i.vendor_id, i.unit_price * i.quantity AS amount
                     FROM (${firstMoves}) f JOIN order_items i ON i.order_id = f.order_id`;
    const mismatches = await queryRows(
      db(),
      `WITH lines AS (${lines}),
       vendors AS (
         SELECT day, currency, vendor_id,
                COALESCE(sum(amount) FILTER (WHERE to_status = 'PAID'), 0)::bigint AS gross,
                count(*) FILTER (WHERE to_status = 'PAID')::int AS line_count,
                COALESCE(sum(amount) FILTER (WHERE to_status = 'REFUNDED'), 0)::bigint AS refunds,
                count(*) FILTER (WHERE to_status = 'REFUNDED')::int AS refund_count
           FROM lines GROUP BY 1, 2, 3),
       monthly AS (
         SELECT date_trunc('month', day)::date AS month, currency, product_id, vendor_id, sum(amount)::bigint AS gross
           FROM lines WHERE to_status = 'PAID' GROUP BY 1, 2, 3, 4),
       customers AS (SELECT day, currency, count(*)::int AS customer_count FROM order_daily_customers GROUP BY 1, 2)
       SELECT 'vendors' AS rollup, * FROM (SELECT * FROM vendors EXCEPT SELECT * FROM order_daily_vendors) a
       UNION ALL SELECT 'vendors (kept)', * FROM (SELECT * FROM order_daily_vendors EXCEPT SELECT * FROM vendors) b
       UNION ALL SELECT 'monthly products', month, currency, product_id, gross, NULL, NULL, NULL
         FROM (SELECT * FROM monthly EXCEPT SELECT * FROM order_monthly_products) c
       UNION ALL SELECT 'monthly products (kept)', month, currency, product_id, gross, NULL, NULL, NULL
         FROM (SELECT * FROM order_monthly_products EXCEPT SELECT * FROM monthly) d
       UNION ALL SELECT 'paying customers', d.day, d.currency, NULL, d.customer_count, c.customer_count, NULL, NULL
         FROM order_daily d LEFT JOIN customers c USING (day, currency)
        WHERE d.customer_count IS DISTINCT FROM COALESCE(c.customer_count, 0)`,
    );
    expect(mismatches).toEqual([]);
    const months = await queryRows(
      db(),
      `SELECT month::text, gross::int FROM order_monthly_products WHERE product_id = $1 ORDER BY month`,
      [product],
    );
    expect(months).toEqual([
      { month: '2031-06-01', gross: 700 },
      { month: '2031-07-01', gross: 300 },
    ]);
  });

  it('rewrite a customer reference in the customers rollup when the order is pseudonymised', async () => {
    const [user, pseudonym] = [randomUUID(), randomUUID()];
    const id = await db().transaction((m) => order(m, user, [10], [['PAID', '2031-05-01T00:00:00Z']]));
    await db().query(`UPDATE orders SET user_id = $2 WHERE id = $1`, [id, pseudonym]);
    const rows = await queryRows(db(), `SELECT user_id FROM order_daily_customers WHERE day = '2031-05-01'`);
    expect(rows).toEqual([{ user_id: pseudonym }]);
    const [{ customer_count }] = await queryRows<{ customer_count: number }>(
      db(),
      `SELECT customer_count FROM order_daily WHERE day = '2031-05-01'`,
    );
    expect(customer_count).toBe(1);
  });

  it('count each line at what its buyer paid (after coupons, tax included), so products and vendors add up to the gross', async () => {
    const [product, vendor, id] = [randomUUID(), randomUUID(), randomUUID()];
    await db().transaction(async (m) => {
      // 2000 − 500 off + 19 % of 1500 (285) = 1785; the order's total is that line's.
      await m.query(
        `INSERT INTO orders (id, number, user_id, status, currency, subtotal_amount, discount_amount, tax_amount, total_amount, idempotency_key)
         VALUES ($1, 'MP-9999001', $2, 'PAID', 'EUR', 2000, 500, 285, 1785, $3)`,
        [id, randomUUID(), `rollup-${id}`],
      );
      await m.query(
        `INSERT INTO order_items (order_id, product_id, vendor_id, name, unit_price, currency, discount, tax_rate_bps, tax, position)
         VALUES ($1, $2, $3, 'P', 2000, 'EUR', 500, 1900, 285, 0)`,
        [id, product, vendor],
      );
      for (const [from, to, reason] of [
        [null, 'PENDING_PAYMENT', 'CHECKOUT'],
        ['PENDING_PAYMENT', 'PAID', 'PAYMENT_SUCCEEDED'],
      ])
        await m.query(
          `INSERT INTO order_status_history (order_id, from_status, to_status, reason, at) VALUES ($1, $2, $3, $4, '2031-09-01T00:00:00Z')`,
          [id, from, to, reason],
        );
    });
    expect(await day('2031-09-01', 'EUR')).toMatchObject({ gross: '1785' });
    const [line] = await queryRows<{ product: string; vendor: string; monthly: string }>(
      db(),
      `SELECT p.gross::text AS product, v.gross::text AS vendor, m.gross::text AS monthly
         FROM order_daily_products p
         JOIN order_daily_vendors v ON v.day = p.day AND v.vendor_id = p.vendor_id
         JOIN order_monthly_products m ON m.product_id = p.product_id
        WHERE p.product_id = $1`,
      [product],
    );
    expect(line).toEqual({ product: '1785', vendor: '1785', monthly: '1785' });
  });
});

/**
 * The operator console's order search (issue 20) in the supergraph benchmark: an admin
 * searching every customer's orders by email, by status within a 30-day window (longer where
 * that holds less than a page), and by vendor, up to 40 variants each, every one with a full page.
 */
import { queryRows } from '@marketplace/kit';
import { globalId, tokenFor } from '@marketplace/kit/testing';
import {
  ADMIN_ORDERS_BY_EMAIL,
  ADMIN_ORDERS_BY_STATUS_AND_DATES,
  ADMIN_ORDERS_BY_VENDOR,
  BenchmarkOperation,
} from '@marketplace/e2e/testing';
import type { DatasetDatabases } from './dataset';

/** The admin console's page size. */
export const ADMIN_ORDERS_PAGE_SIZE = 25;

const DAY_MS = 86_400_000;
const STATUSES = ['FULFILLED', 'REFUNDED', 'CANCELLED'];

type Plan = [BenchmarkOperation, number, { variables: Record<string, unknown>; token?: string }[]];

export async function operatorOrderPlans(
  dbs: DatasetDatabases,
  variants: number,
  tokenTtlSeconds: number,
): Promise<Plan[]> {
  const [admin] = await queryRows<{ id: string }>(
    dbs.users,
    `SELECT id FROM users WHERE role = 'ADMIN' ORDER BY email LIMIT 1`,
  );
  const token = tokenFor(admin.id, 'ADMIN', tokenTtlSeconds);
  const first = ADMIN_ORDERS_PAGE_SIZE;
  const [emails, vendors, [{ newest }]] = await Promise.all([
    queryRows<{ email: string }>(
      dbs.orders,
      `SELECT c.email FROM orders o JOIN customers c ON c.user_id = o.user_id
       GROUP BY c.email HAVING count(*) >= $1 ORDER BY md5(c.email) LIMIT $2`,
      [first, variants],
    ),
    queryRows<{ id: string }>(
      dbs.orders,
      `SELECT vendor_id AS id FROM order_items GROUP BY vendor_id HAVING count(DISTINCT order_id) >= $1 ORDER BY md5(vendor_id::text) LIMIT $2`,
      [first, variants],
    ),
    queryRows<{ newest: Date }>(dbs.orders, `SELECT max(created_at) AS newest FROM orders`),
  ]);
  // Windows ending a week apart, back over the year, each status in turn: 30 days, or longer
  // when that holds less than a page of the status (small scales); none when even the whole
  // past does not.
  const windows = (
    await Promise.all(
      Array.from({ length: variants }, async (_, i) => {
        const status = STATUSES[i % STATUSES.length];
        const before = new Date(newest.getTime() - i * 7 * DAY_MS);
        const [row] = await queryRows<{ pageStart: Date | null }>(
          dbs.orders,
          `SELECT (SELECT created_at FROM orders WHERE status = $1 AND created_at < $2 ORDER BY created_at DESC OFFSET $3 LIMIT 1) AS "pageStart"`,
          [status, before, first - 1],
        );
        if (!row.pageStart) return null;
        const after = Math.min(before.getTime() - 30 * DAY_MS, row.pageStart.getTime());
        return { status, createdAfter: new Date(after).toISOString(), createdBefore: before.toISOString() };
      }),
    )
  ).filter((window) => window !== null);
  return [
    [
      ADMIN_ORDERS_BY_EMAIL,
      first,
      emails.map(({ email }) => ({ variables: { first, filter: { search: email } }, token })),
    ],
    [ADMIN_ORDERS_BY_STATUS_AND_DATES, first, windows.map((filter) => ({ variables: { first, filter }, token }))],
    [
      ADMIN_ORDERS_BY_VENDOR,
      first,
      vendors.map(({ id }) => ({ variables: { first, filter: { vendorId: globalId('Vendor', id) } }, token })),
    ],
  ];
}

import { randomUUID } from 'node:crypto';
import { Role, queryRows, rawIdOf } from '@marketplace/kit';
import { TestSubgraph, deliver, globalId, person } from '@marketplace/kit/testing';
import {
  activeVendor,
  daysAgo,
  moneyOf,
  orderPaidEvent,
  paidOrder,
  refundEvent,
  sqlDuring,
  startVendor,
} from '../testing';

/**
 * `earnings` and `stats` read the daily rollups (plus the raw entries of the period's first,
 * partial day): the answers must equal a live aggregate of the entries for every period.
 */
let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor();
});
afterAll(() => vendor.close());

const HOUR = 60 * 60 * 1000;
const PERIODS = { LAST_7_DAYS: 7, LAST_30_DAYS: 30, LAST_365_DAYS: 365, ALL_TIME: null } as const;

/** What the service computed before the rollups: one aggregate over the entries of the period. */
async function liveAggregate(vendorId: string, days: number | null, currency: string) {
  const [row] = await queryRows<Record<string, string>>(
    vendor.subgraph.deps.db,
    `SELECT COALESCE(sum(amount) FILTER (WHERE kind = 'SALE'), 0)::text AS gross,
            COALESCE(-sum(amount) FILTER (WHERE kind IN ('COMMISSION', 'REFUND_COMMISSION')), 0)::text AS commission,
            COALESCE(-sum(amount) FILTER (WHERE kind = 'REFUND'), 0)::text AS refunds,
            count(*) FILTER (WHERE kind = 'SALE')::text AS sales,
            count(*) FILTER (WHERE kind = 'REFUND')::text AS refund_count
       FROM ledger_entries
      WHERE vendor_id = $1 AND currency = $3 AND ($2::int IS NULL OR occurred_at > now() - make_interval(days => $2::int))`,
    [rawIdOf(vendorId), days, currency],
  );
  const gross = Number(row.gross);
  const commission = Number(row.commission);
  const refunds = Number(row.refunds);
  return {
    gross,
    commission,
    refunds,
    net: gross - commission - refunds,
    saleCount: Number(row.sales),
    refundCount: Number(row.refund_count),
  };
}

async function liveTopProducts(vendorId: string, days: number | null, currency: string) {
  return queryRows<{ product_id: string; gross: string; sales: number }>(
    vendor.subgraph.deps.db,
    `SELECT product_id, sum(amount)::text AS gross, count(*)::int AS sales FROM ledger_entries
      WHERE vendor_id = $1 AND currency = $3 AND kind = 'SALE' AND ($2::int IS NULL OR occurred_at > now() - make_interval(days => $2::int))
      GROUP BY product_id ORDER BY sum(amount) DESC, count(*) DESC, product_id LIMIT 5`,
    [rawIdOf(vendorId), days, currency],
  );
}

describe('ledger rollups', () => {
  it('answer exactly what a live aggregate of the entries does, for every period, after credits and debits', async () => {
    const a = await activeVendor(vendor, admin);
    const b = await activeVendor(vendor, admin);
    const products = Array.from({ length: 8 }, () => globalId('Product', randomUUID()));
    // Sales spread so that every period's first day is partial: just inside and just outside 7, 30 and 365 days.
    const ages = [0, 1, 3, 7 * 24 - 1, 7 * 24 + 1, 29 * 24, 30 * 24 - 2, 30 * 24 + 2, 100 * 24, 365 * 24 - 3, 400 * 24];
    const paid = [];
    for (const [i, hours] of ages.entries()) {
      const at = new Date(Date.now() - hours * HOUR);
      paid.push(
        await paidOrder(
          vendor,
          [
            { vendorId: a.vendor.id, price: 1000 + i * 137, productId: products[i % 8] },
            { vendorId: b.vendor.id, price: 500 + i, productId: products[(i + 3) % 8] },
            { vendorId: a.vendor.id, price: 250 * (i + 1), productId: products[(i + 5) % 8] },
          ],
          at,
        ),
      );
    }
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 4200, currency: 'EUR' }], daysAgo(2));
    // Refunds land on their own days: some inside a period whose sale is outside it.
    await deliver(vendor, refundEvent(paid[1], new Date(Date.now() - 2 * HOUR)));
    await deliver(vendor, refundEvent(paid[4], new Date(Date.now() - 6 * 24 * HOUR)));
    await deliver(vendor, refundEvent(paid[7], new Date(Date.now() - (29 * 24 + 5) * HOUR)));

    for (const [period, days] of Object.entries(PERIODS)) {
      for (const who of [a, b]) {
        const seen = await moneyOf(vendor, who.vendor.id, admin.token, period);
        const live = await liveAggregate(who.vendor.id, days, 'USD');
        const earnings = seen.earnings as unknown as Record<string, { amount: number }>;
        expect({
          gross: earnings.gross.amount,
          commission: earnings.commission.amount,
          refunds: earnings.refunds.amount,
          net: earnings.net.amount,
          saleCount: seen.stats.saleCount,
          refundCount: (seen.stats as unknown as { refundCount: number }).refundCount,
        }).toEqual(live);
        const top = (seen.stats as unknown as { topProducts: { product: { id: string }; gross: { amount: number } }[] })
          .topProducts;
        const liveTop = await liveTopProducts(who.vendor.id, days, 'USD');
        expect(top.map((t) => [rawIdOf(t.product.id), t.gross.amount])).toEqual(
          liveTop.map((t) => [t.product_id, Number(t.gross)]),
        );
      }
    }
    // The rollup table itself equals the entries grouped by vendor, currency, UTC day and kind.
    const mismatches = await queryRows(
      vendor.subgraph.deps.db,
      `SELECT * FROM (
         SELECT vendor_id, currency, (occurred_at AT TIME ZONE 'UTC')::date AS day, kind, sum(amount)::bigint AS amount, count(*)::int AS entries
           FROM ledger_entries WHERE vendor_id = ANY($1::uuid[]) GROUP BY 1, 2, 3, 4
       ) live FULL JOIN (SELECT * FROM ledger_daily WHERE vendor_id = ANY($1::uuid[])) d USING (vendor_id, currency, day, kind)
       WHERE live.amount IS DISTINCT FROM d.amount OR live.entries IS DISTINCT FROM d.entries`,
      [[rawIdOf(a.vendor.id), rawIdOf(b.vendor.id)]],
    );
    expect(mismatches).toEqual([]);
  });

  it('counts two credits for the same vendor and day committed at once (both rows upserted)', async () => {
    const a = await activeVendor(vendor, admin);
    const product = globalId('Product', randomUUID());
    const first = orderPaidEvent([{ vendorId: a.vendor.id, price: 1111, productId: product }]);
    const second = orderPaidEvent([{ vendorId: a.vendor.id, price: 2222, productId: product }]);
    await Promise.all([deliver(vendor, first), deliver(vendor, second)]);
    const [daily] = await queryRows<{ amount: string; entries: number }>(
      vendor.subgraph.deps.db,
      `SELECT amount::text, entries FROM ledger_daily WHERE vendor_id = $1 AND kind = 'SALE'`,
      [rawIdOf(a.vendor.id)],
    );
    expect(daily).toEqual({ amount: '3333', entries: 2 });
    const seen = await moneyOf(vendor, a.vendor.id, a.owner.token, 'LAST_7_DAYS');
    expect(seen.stats.saleCount).toBe(2);
    expect(seen.stats.topProducts).toEqual([
      { product: { id: product }, name: expect.any(String), saleCount: 2, gross: { amount: 3333, currency: 'USD' } },
    ]);
  });

  it('counts two orders crossing the same two vendors in opposite line order at once, without deadlocking', async () => {
    const a = await activeVendor(vendor, admin);
    const b = await activeVendor(vendor, admin);
    const events = Array.from({ length: 6 }, (_, i) =>
      orderPaidEvent(
        i % 2
          ? [
              { vendorId: a.vendor.id, price: 100 },
              { vendorId: b.vendor.id, price: 100 },
            ]
          : [
              { vendorId: b.vendor.id, price: 100 },
              { vendorId: a.vendor.id, price: 100 },
            ],
      ),
    );
    await Promise.all(events.map((event) => deliver(vendor, event)));
    for (const who of [a, b]) expect((await moneyOf(vendor, who.vendor.id, admin.token)).stats.saleCount).toBe(6);
  });

  it('reads earnings and stats from the rollups in 2 statements (totals, top products)', async () => {
    const a = await activeVendor(vendor, admin);
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 5000 }]);
    const { statements } = await sqlDuring(vendor, () => moneyOf(vendor, a.vendor.id, admin.token, 'LAST_30_DAYS'));
    // The vendor, balances (once, batched), the totals and the top products; the ledger page is its own.
    expect(statements.filter((sql) => /ledger_daily/.test(sql))).toHaveLength(2);
    expect(statements.filter((sql) => /FROM ledger_entries/.test(sql) && !/ledger_daily/.test(sql))).toHaveLength(
      3, // balances, the ledger page and its count
    );
  });
});

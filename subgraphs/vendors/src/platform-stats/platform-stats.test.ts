import { Role, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, person } from '@marketplace/kit/testing';
import { activeVendor, paidOrder, refundEvent, startVendor } from '../testing';

/** What vendors adds to `platformStats` buckets, asked as the gateway asks: `_entities` with the bounds. */
let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor();
});
afterAll(() => vendor.close());

const BUCKETS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on PlatformStatsBucket { from to commission { amount currency } newVendorCount } } }`;
const bucket = (from: string, to: string) => ({ __typename: 'PlatformStatsBucket', from, to });
const DAY = 24 * 60 * 60 * 1000;
const midnight = (offsetDays: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + offsetDays * DAY).toISOString();
};

describe('PlatformStatsBucket in vendors', () => {
  it('answers commission net of refunds and new vendors for every bucket of a batch, from one statement', async () => {
    const [before] = await queryRows<{ n: number }>(
      vendor.subgraph.deps.db,
      `SELECT count(*)::int AS n FROM vendors WHERE created_at >= $1`,
      [midnight(0)],
    );
    const a = await activeVendor(vendor, admin);
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 10_000 }]); // 15 %: 1500
    const refunded = await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 2000 }]); // 300, given back
    await deliver(vendor, refundEvent(refunded));
    const { data } = await vendor.client.request(BUCKETS, {
      variables: {
        r: [bucket(midnight(0), midnight(1)), bucket(midnight(-1), midnight(0)), bucket(midnight(-1), midnight(1))],
      },
      token: admin.token,
    });
    const [today, yesterday, both] = data!._entities;
    // Other tests of this file may have sold today too: compare with the rollup, and check this sale's share.
    const [{ commission }] = await queryRows<{ commission: number }>(
      vendor.subgraph.deps.db,
      `SELECT COALESCE(-sum(amount), 0)::int AS commission FROM ledger_entries
        WHERE occurred_at >= $1 AND kind IN ('COMMISSION', 'REFUND_COMMISSION') AND currency = 'USD'`,
      [midnight(0)],
    );
    expect(commission).toBeGreaterThanOrEqual(1500);
    expect(today.commission).toEqual([{ amount: commission, currency: 'USD' }]);
    expect(today.newVendorCount).toBe(before.n + 1);
    expect(yesterday).toEqual({
      from: midnight(-1),
      to: midnight(0),
      commission: [{ amount: 0, currency: 'USD' }],
      newVendorCount: 0,
    });
    expect(both.commission).toEqual(today.commission);
  });

  it('is for admins: a customer or a vendor gets FORBIDDEN, signed out UNAUTHENTICATED, and no figures', async () => {
    for (const [token, code] of [
      [person().token, 'FORBIDDEN'],
      [person(Role.VENDOR).token, 'FORBIDDEN'],
      [undefined, 'UNAUTHENTICATED'],
    ] as const) {
      const result = await vendor.client.request(BUCKETS, {
        variables: { r: [bucket(midnight(0), midnight(1))] },
        token,
      });
      expect(result.errors?.[0].extensions?.code).toBe(code);
      expect(JSON.stringify(result.data ?? null)).not.toMatch(/"amount"/);
    }
  });
});

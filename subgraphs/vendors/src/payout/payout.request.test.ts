import { Role } from '@marketplace/kit';
import type { QueryRunner } from 'typeorm';
import { TestSubgraph, deliver, person } from '@marketplace/kit/testing';
import {
  REQUEST_PAYOUT,
  SUSPEND,
  activeVendor,
  balanceOf,
  fundedVendor,
  ledgerRows,
  paidOrder,
  refundEvent,
  requestPayout,
  startVendorWithoutHold,
  tokenFor,
  vendorIn,
} from '../testing';

/** requestPayout: what it takes from the balance, what it refuses, and who may ask. */
let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendorWithoutHold();
});
afterAll(() => vendor.close());

/**
 * Transactions of this test database waiting for a row lock, asked on the lock holder's own
 * connection (the racing requests may take every pooled one); the stats snapshot of its open
 * transaction is cleared first so each call sees the present.
 */
async function lockWaiters(holder: QueryRunner): Promise<number> {
  await holder.query('SELECT pg_stat_clear_snapshot()');
  const [{ waiting }] = await holder.query(
    `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return waiting;
}

describe('requestPayout', () => {
  it('takes the amount out of the available balance at once, with a PAYOUT entry linked to the payout', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    expect(await balanceOf(vendor, admin, vendorId)).toMatchObject({
      available: { amount: 8500 },
      pending: { amount: 0 },
    });
    const payout = await requestPayout(vendor, owner, 3000);
    expect(payout).toMatchObject({
      status: 'REQUESTED',
      reason: null,
      amount: { amount: 3000, currency: 'USD' },
      paidAt: null,
      rejectedAt: null,
      vendor: { id: vendorId },
    });
    expect(await balanceOf(vendor, admin, vendorId)).toMatchObject({ available: { amount: 5500 } });
    const entry = (await ledgerRows(vendor, vendorId)).find((row) => row.kind === 'PAYOUT');
    expect(entry).toMatchObject({
      amount: -3000,
      currency: 'USD',
      payout_id: payout.id,
      order_id: null,
      product_id: null,
    });
    // The whole rest may be asked for; one minor unit more may not.
    expect(await vendor.client.errorCode(REQUEST_PAYOUT, { variables: { amount: 5501 }, token: owner.token })).toBe(
      'CONFLICT',
    );
    expect((await requestPayout(vendor, owner, 5500)).status).toBe('REQUESTED');
    expect(await balanceOf(vendor, admin, vendorId)).toMatchObject({ available: { amount: 0 } });
  });

  it('over the available balance: CONFLICT with the available amount', async () => {
    const { owner } = await fundedVendor(vendor, admin, 2000);
    const result = await vendor.client.request(REQUEST_PAYOUT, { variables: { amount: 1701 }, token: owner.token });
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', available: { amount: 1700, currency: 'USD' } });
    // Nothing in another currency.
    const eur = await vendor.client.request(REQUEST_PAYOUT, {
      variables: { amount: 1, currency: 'EUR' },
      token: owner.token,
    });
    expect(eur.errors?.[0].extensions).toEqual({ code: 'CONFLICT', available: { amount: 0, currency: 'EUR' } });
  });

  it.each([
    [{ amount: 0 }, ['amount']],
    [{ amount: -100 }, ['amount']],
    [{ amount: 100, currency: 'usd' }, ['currency']],
    [{ amount: 100, currency: 'US' }, ['currency']],
    [{ amount: 0, currency: 'dollars' }, ['amount', 'currency']],
  ])('refuses %j as BAD_USER_INPUT naming %j', async (variables, fields) => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    const result = await vendor.client.request(REQUEST_PAYOUT, { variables, token: owner.token });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((result.errors?.[0].extensions?.fields as { field: string }[]).map((f) => f.field)).toEqual(fields);
    expect((await ledgerRows(vendor, vendorId)).filter((row) => row.kind === 'PAYOUT')).toEqual([]);
  });

  it.each([[{ amount: 2 ** 31 }], [{ amount: 1.5 }], [{ amount: '100' }], [{}]])(
    'refuses malformed %j before it reaches the service',
    async (variables) => {
      const { owner } = await fundedVendor(vendor, admin);
      const result = await vendor.client.request(REQUEST_PAYOUT, { variables, token: owner.token });
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    },
  );

  it('10 concurrent requests of 40 % of the balance each: exactly 2 succeed, the rest CONFLICT, nothing overdrawn', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin); // 8500 available
    // Hold the vendor row meanwhile, so the ten transactions are all open at once when it is released.
    const holder = vendor.subgraph.deps.db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT id FROM vendors WHERE id = $1 FOR UPDATE`, [vendorId]);
    const racing = Promise.all(
      Array.from({ length: 10 }, () =>
        vendor.client.request(REQUEST_PAYOUT, { variables: { amount: 3400 }, token: owner.token }),
      ),
    );
    // Without the lock in requestPayout nothing would wait here, and all ten would see 8500 available.
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && (await lockWaiters(holder)) < 3)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await holder.commitTransaction();
    await holder.release();
    const results = await racing;
    const ok = results.filter((r) => !r.errors);
    const refused = results.filter((r) => r.errors);
    expect(ok).toHaveLength(2);
    expect(refused).toHaveLength(8);
    for (const r of refused)
      expect(r.errors![0].extensions).toEqual({ code: 'CONFLICT', available: { amount: 1700, currency: 'USD' } });
    expect(await balanceOf(vendor, admin, vendorId)).toMatchObject({ available: { amount: 1700 } });
    expect(
      (await ledgerRows(vendor, vendorId)).filter((row) => row.kind === 'PAYOUT').map((row) => row.amount),
    ).toEqual([-3400, -3400]);
  });

  it('who may ask: the owner of an ACTIVE vendor with the VENDOR role only', async () => {
    const { owner } = await fundedVendor(vendor, admin);
    expect(await vendor.client.errorCode(REQUEST_PAYOUT, { variables: { amount: 100 } })).toBe('UNAUTHENTICATED');
    // The same user with an older CUSTOMER token: the role comes with the next token.
    expect(
      await vendor.client.errorCode(REQUEST_PAYOUT, {
        variables: { amount: 100 },
        token: tokenFor(owner.id, Role.CUSTOMER),
      }),
    ).toBe('FORBIDDEN');
    expect(
      await vendor.client.errorCode(REQUEST_PAYOUT, { variables: { amount: 100 }, token: person(Role.CUSTOMER).token }),
    ).toBe('FORBIDDEN');
    expect(
      await vendor.client.errorCode(REQUEST_PAYOUT, { variables: { amount: 100 }, token: person(Role.VENDOR).token }),
    ).toBe('FORBIDDEN'); // no vendor profile
    expect(await vendor.client.errorCode(REQUEST_PAYOUT, { variables: { amount: 100 }, token: admin.token })).toBe(
      'FORBIDDEN',
    );
    const pending = await vendorIn(vendor, 'PENDING', admin);
    expect(
      await vendor.client.errorCode(REQUEST_PAYOUT, {
        variables: { amount: 100 },
        token: tokenFor(pending.owner.id, Role.VENDOR),
      }),
    ).toBe('FORBIDDEN');
  });

  it('a suspended vendor is refused FORBIDDEN, and may ask again once reinstated', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    await vendor.client.data(SUSPEND, {
      variables: { id: vendorId, reason: 'Chargebacks under review.' },
      token: admin.token,
    });
    const result = await vendor.client.request(REQUEST_PAYOUT, { variables: { amount: 100 }, token: owner.token });
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(result.errors?.[0].message).toMatch(/SUSPENDED/);
    await vendor.client.data(`mutation($id: ID!) { reinstateVendor(id: $id) { id } }`, {
      variables: { id: vendorId },
      token: admin.token,
    });
    expect((await requestPayout(vendor, owner, 100)).status).toBe('REQUESTED');
  });

  it('refunds after a payout can leave the available balance negative; then nothing more can be asked', async () => {
    const made = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [{ vendorId: made.vendor.id, price: 10_000 }]);
    await requestPayout(vendor, made.owner, 8500);
    await deliver(vendor, refundEvent(paid));
    expect(await balanceOf(vendor, admin, made.vendor.id)).toMatchObject({ available: { amount: -8500 } });
    const result = await vendor.client.request(REQUEST_PAYOUT, { variables: { amount: 1 }, token: made.owner.token });
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', available: { amount: -8500, currency: 'USD' } });
  });
});

import { randomUUID } from 'node:crypto';
import { Role, queryRows } from '@marketplace/kit';
import type { QueryRunner } from 'typeorm';
import { TestSubgraph, deliver, globalId, person, uuidOf } from '@marketplace/kit/testing';
import {
  REQUEST_PAYOUT,
  SUSPEND,
  activeVendor,
  balanceOf,
  fundedVendor,
  ledgerRows,
  paidOrder,
  payoutInput,
  refundEvent,
  requestPayout,
  startVendorWithoutHold,
  tokenFor,
  vendorIn,
} from '../testing';
import type { PayoutView } from '../testing';

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
      rejectionReason: null,
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
      payout_id: uuidOf(payout.id),
      order_id: null,
      product_id: null,
    });
    // The whole rest may be asked for; one minor unit more may not.
    expect(await vendor.client.errorCode(REQUEST_PAYOUT, { variables: payoutInput(5501), token: owner.token })).toBe(
      'CONFLICT',
    );
    expect((await requestPayout(vendor, owner, 5500)).status).toBe('REQUESTED');
    expect(await balanceOf(vendor, admin, vendorId)).toMatchObject({ available: { amount: 0 } });
  });

  it('over the available balance: CONFLICT (INSUFFICIENT_BALANCE), the message naming the available amount', async () => {
    const { owner } = await fundedVendor(vendor, admin, 2000);
    const result = await vendor.client.request(REQUEST_PAYOUT, { variables: payoutInput(1701), token: owner.token });
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'INSUFFICIENT_BALANCE' });
    expect(result.errors?.[0].message).toMatch(/1700 USD/);
    expect(result.data).toEqual({ requestPayout: null });
    // Nothing in another currency.
    const eur = await vendor.client.request(REQUEST_PAYOUT, { variables: payoutInput(1, 'EUR'), token: owner.token });
    expect(eur.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'INSUFFICIENT_BALANCE' });
    expect(eur.errors?.[0].message).toMatch(/ 0 EUR/);
  });

  it.each([
    [[0], ['input.amount.amount']],
    [[-100], ['input.amount.amount']],
    [[1_000_000_000_001], ['input.amount.amount']],
    [
      [0, 'USD', ''],
      ['input.amount.amount', 'input.idempotencyKey'],
    ],
    [[100, 'USD', ''], ['input.idempotencyKey']],
    [[100, 'USD', ' padded '], ['input.idempotencyKey']],
    [[100, 'USD', 'k'.repeat(201)], ['input.idempotencyKey']],
  ])('refuses %j as BAD_USER_INPUT naming %j', async (args, fields) => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    const variables = payoutInput(...(args as [unknown, unknown?, unknown?]));
    const result = await vendor.client.request(REQUEST_PAYOUT, { variables, token: owner.token });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((result.errors?.[0].extensions?.fields as { field: string }[]).map((f) => f.field)).toEqual(fields);
    expect((await ledgerRows(vendor, vendorId)).filter((row) => row.kind === 'PAYOUT')).toEqual([]);
  });

  it.each([
    [[2 ** 53]],
    [[1.5]],
    [['100']],
    [[null]],
    [[100, 'usd']],
    [[100, 'US']],
    [[100, null]],
    [[100, 'USD', null]],
  ])('refuses malformed %j (not a SafeInt, a CurrencyCode, a key) before it reaches the service', async (args) => {
    const { owner } = await fundedVendor(vendor, admin);
    const variables = payoutInput(...(args as [unknown, unknown?, unknown?]));
    const result = await vendor.client.request(REQUEST_PAYOUT, { variables, token: owner.token });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('10 concurrent requests of 40 % of the balance each: exactly 2 succeed, the rest CONFLICT, nothing overdrawn', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin); // 8500 available
    // Hold the vendor row meanwhile, so the ten transactions are all open at once when it is released.
    const holder = vendor.subgraph.deps.db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT id FROM vendors WHERE id = $1 FOR UPDATE`, [uuidOf(vendorId)]);
    const racing = Promise.all(
      Array.from({ length: 10 }, () =>
        vendor.client.request(REQUEST_PAYOUT, { variables: payoutInput(3400), token: owner.token }),
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
    for (const r of refused) {
      expect(r.errors![0].extensions).toEqual({ code: 'CONFLICT', reason: 'INSUFFICIENT_BALANCE' });
      expect(r.errors![0].message).toMatch(/1700 USD/);
    }
    expect(await balanceOf(vendor, admin, vendorId)).toMatchObject({ available: { amount: 1700 } });
    expect(
      (await ledgerRows(vendor, vendorId)).filter((row) => row.kind === 'PAYOUT').map((row) => row.amount),
    ).toEqual([-3400, -3400]);
  });

  it('who may ask: the owner of an ACTIVE vendor with the VENDOR role only', async () => {
    const { owner } = await fundedVendor(vendor, admin);
    const refusal = async (token?: string) =>
      (await vendor.client.request(REQUEST_PAYOUT, { variables: payoutInput(100), token })).errors?.[0].extensions;
    expect(await refusal()).toMatchObject({ code: 'UNAUTHENTICATED' });
    // The same user with an older CUSTOMER token: the role comes with the next token.
    expect(await refusal(tokenFor(owner.id, Role.CUSTOMER))).toEqual({ code: 'FORBIDDEN' });
    expect(await refusal(person(Role.CUSTOMER).token)).toEqual({ code: 'FORBIDDEN' });
    expect(await refusal(admin.token)).toEqual({ code: 'FORBIDDEN' });
    expect(await refusal(person(Role.VENDOR).token)).toEqual({ code: 'FORBIDDEN', reason: 'NOT_A_VENDOR' });
    const pending = await vendorIn(vendor, 'PENDING', admin);
    expect(await refusal(tokenFor(pending.owner.id, Role.VENDOR))).toEqual({
      code: 'FORBIDDEN',
      reason: 'VENDOR_NOT_ACTIVE',
    });
  });

  it('a suspended vendor is refused FORBIDDEN, and may ask again once reinstated', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    await vendor.client.data(SUSPEND, {
      variables: { id: vendorId, reason: 'Chargebacks under review.' },
      token: admin.token,
    });
    const result = await vendor.client.request(REQUEST_PAYOUT, { variables: payoutInput(100), token: owner.token });
    expect(result.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'VENDOR_NOT_ACTIVE' });
    expect(result.errors?.[0].message).toMatch(/SUSPENDED/);
    await vendor.client.data(`mutation($id: ID!) { reinstateVendor(input: { vendorId: $id }) { vendor { id } } }`, {
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
    const result = await vendor.client.request(REQUEST_PAYOUT, { variables: payoutInput(1), token: made.owner.token });
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'INSUFFICIENT_BALANCE' });
    expect(result.errors?.[0].message).toMatch(/-8500 USD/);
  });
});

/** Payouts of a vendor (by its API id) straight from the table, their ids as the API answers them. */
const payoutRows = async (vendorId: string) =>
  (
    await queryRows<{ id: string; amount: string; idempotency_key: string | null }>(
      vendor.subgraph.deps.db,
      `SELECT id, amount, idempotency_key FROM payouts WHERE vendor_id = $1 ORDER BY requested_at`,
      [uuidOf(vendorId)],
    )
  ).map((row) => ({ ...row, id: globalId('Payout', row.id) }));

describe('requestPayout idempotency', () => {
  type Answer = { requestPayout: { payout: PayoutView; vendor: { id: string } } | null };
  const ask = (token: string, amount: number, currency: string, key: string) =>
    vendor.client.request<Answer>(REQUEST_PAYOUT, { variables: payoutInput(amount, currency, key), token });

  it('the payload holds the payout and its vendor', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    const { data } = await ask(owner.token, 100, 'USD', randomUUID());
    expect(data!.requestPayout!.vendor).toEqual({ id: vendorId });
    expect(data!.requestPayout!.payout.vendor).toEqual({ id: vendorId });
  });

  it('a retry with the same key returns the first payout and takes nothing more', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    const key = randomUUID();
    const first = await requestPayout(vendor, owner, 3000, 'USD', key);
    const again = await requestPayout(vendor, owner, 3000, 'USD', key);
    expect(again).toEqual(first);
    expect(await payoutRows(vendorId)).toEqual([{ id: first.id, amount: '3000', idempotency_key: key }]);
    expect((await ledgerRows(vendor, vendorId)).filter((row) => row.kind === 'PAYOUT')).toHaveLength(1);
    expect(await balanceOf(vendor, admin, vendorId)).toMatchObject({ available: { amount: 5500 } });
    // Even once the payout was decided, and with no balance left for a second one.
    await requestPayout(vendor, owner, 5500);
    await vendor.client.data(`mutation($id: ID!) { markPayoutPaid(input: { payoutId: $id }) { payout { id } } }`, {
      variables: { id: first.id },
      token: admin.token,
    });
    expect(await requestPayout(vendor, owner, 3000, 'USD', key)).toMatchObject({ id: first.id, status: 'PAID' });
  });

  it.each([
    ['another amount', 3001, 'USD'],
    ['another currency', 3000, 'EUR'],
  ])(
    'the same key with %s is CONFLICT (IDEMPOTENCY_KEY_REUSED) and changes nothing',
    async (_label, amount, currency) => {
      const { owner, vendorId } = await fundedVendor(vendor, admin);
      const key = randomUUID();
      const first = await requestPayout(vendor, owner, 3000, 'USD', key);
      const reused = await ask(owner.token, amount, currency, key);
      expect(reused.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
      expect(reused.data).toEqual({ requestPayout: null });
      expect((await payoutRows(vendorId)).map((row) => row.id)).toEqual([first.id]);
    },
  );

  it("keys are each vendor's own: another vendor's same key makes its own payout", async () => {
    const a = await fundedVendor(vendor, admin);
    const b = await fundedVendor(vendor, admin);
    const key = `shared-${randomUUID()}`;
    const mine = await requestPayout(vendor, a.owner, 1000, 'USD', key);
    const theirs = await requestPayout(vendor, b.owner, 2000, 'USD', key);
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs).toMatchObject({ amount: { amount: 2000 }, vendor: { id: b.vendorId } });
  });

  it('a replay still answers for a vendor suspended since; a new key is refused', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    const key = randomUUID();
    const first = await requestPayout(vendor, owner, 1000, 'USD', key);
    await vendor.client.data(SUSPEND, { variables: { id: vendorId, reason: null }, token: admin.token });
    expect((await requestPayout(vendor, owner, 1000, 'USD', key)).id).toBe(first.id);
    expect((await ask(owner.token, 1000, 'USD', randomUUID())).errors?.[0].extensions).toEqual({
      code: 'FORBIDDEN',
      reason: 'VENDOR_NOT_ACTIVE',
    });
  });

  it('10 concurrent requests with one key: one payout, every answer the same payout', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin); // 8500 available
    const key = randomUUID();
    const holder = vendor.subgraph.deps.db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT id FROM vendors WHERE id = $1 FOR UPDATE`, [uuidOf(vendorId)]);
    const racing = Promise.all(Array.from({ length: 10 }, () => ask(owner.token, 3400, 'USD', key)));
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && (await lockWaiters(holder)) < 3)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await holder.commitTransaction();
    await holder.release();
    const results = await racing;
    expect(results.map((r) => r.errors)).toEqual(results.map(() => undefined));
    const ids = new Set(results.map((r) => r.data!.requestPayout!.payout.id));
    expect(ids.size).toBe(1);
    expect((await payoutRows(vendorId)).map((row) => row.id)).toEqual([...ids]);
    expect(await balanceOf(vendor, admin, vendorId)).toMatchObject({ available: { amount: 5100 } });
  });

  it('10 concurrent requests with distinct keys of 10 % each: ten payouts', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin); // 8500 available
    const results = await Promise.all(Array.from({ length: 10 }, () => ask(owner.token, 850, 'USD', randomUUID())));
    expect(results.map((r) => r.errors)).toEqual(results.map(() => undefined));
    expect(new Set(results.map((r) => r.data!.requestPayout!.payout.id)).size).toBe(10);
    expect(await payoutRows(vendorId)).toHaveLength(10);
    expect(await balanceOf(vendor, admin, vendorId)).toMatchObject({ available: { amount: 0 } });
  });

  it('the table refuses a second payout with one key of one vendor', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    const key = randomUUID();
    await requestPayout(vendor, owner, 100, 'USD', key);
    await expect(
      vendor.subgraph.deps.db.query(
        `INSERT INTO payouts (vendor_id, amount, currency, idempotency_key) VALUES ($1, 100, 'USD', $2)`,
        [uuidOf(vendorId), key],
      ),
    ).rejects.toThrow(/payouts_vendor_idempotency_key_key/);
  });
});

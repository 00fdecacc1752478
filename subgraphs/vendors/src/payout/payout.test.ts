import { randomUUID } from 'node:crypto';
import { Role } from '@marketplace/kit';
import type { QueryRunner } from 'typeorm';
import { Person, TestSubgraph, deliver, person } from '@marketplace/kit/testing';
import {
  BALANCE,
  SUSPEND,
  activeVendor,
  ledgerRows,
  paidOrder,
  refundEvent,
  startVendor,
  tokenFor,
  vendorIn,
} from '../testing';
import { nextPayoutStatus } from './payout.transitions';
import { PayoutStatus } from './payout.type';

let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  // No hold: a sale is available at once.
  vendor = await startVendor({ VENDOR_EARNINGS_HOLD_DAYS: '0' });
});
afterAll(() => vendor.close());

const PAYOUT_FIELDS = 'id status reason amount { amount currency } requestedAt paidAt rejectedAt vendor { id }';
const REQUEST = `mutation($amount: Int!, $currency: String) { requestPayout(amount: $amount, currency: $currency) { ${PAYOUT_FIELDS} } }`;
/** A payout as PAYOUT_FIELDS asks for it. */
interface PayoutView {
  id: string;
  status: string;
  reason: string | null;
  amount: { amount: number; currency: string };
  requestedAt: string;
  paidAt: string | null;
  rejectedAt: string | null;
  vendor: { id: string };
}
/** A list of nodes as the listing tests ask for it. */
interface Listing<Node> {
  totalCount: number;
  edges: { node: Node }[];
}
type Paged<Node> = Listing<Node> & { pageInfo: { hasNextPage: boolean; endCursor: string } };
const PAY = `mutation($id: ID!) { markPayoutPaid(id: $id) { ${PAYOUT_FIELDS} } }`;
const REJECT = `mutation($id: ID!, $reason: String!) { rejectPayout(id: $id, reason: $reason) { ${PAYOUT_FIELDS} } }`;

/** An active vendor with `net` available (a sale of price p leaves p − 15 %). */
async function funded(price = 10_000): Promise<{ owner: Person; vendorId: string }> {
  const made = await activeVendor(vendor, admin);
  await paidOrder(vendor, [{ vendorId: made.vendor.id, price }]);
  return { owner: made.owner, vendorId: made.vendor.id };
}

async function balanceOf(vendorId: string) {
  return (
    await vendor.client.data<{ vendor: { balance: unknown } }>(`query($id: ID!) { vendor(id: $id) { ${BALANCE} } }`, {
      variables: { id: vendorId },
      token: admin.token,
    })
  ).vendor.balance;
}

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

async function request(owner: Person, amount: number, currency?: string) {
  return (
    await vendor.client.data<{ requestPayout: PayoutView }>(REQUEST, {
      variables: { amount, currency },
      token: owner.token,
    })
  ).requestPayout;
}

describe('requestPayout', () => {
  it('takes the amount out of the available balance at once, with a PAYOUT entry linked to the payout', async () => {
    const { owner, vendorId } = await funded();
    expect(await balanceOf(vendorId)).toMatchObject({ available: { amount: 8500 }, pending: { amount: 0 } });
    const payout = await request(owner, 3000);
    expect(payout).toMatchObject({
      status: 'REQUESTED',
      reason: null,
      amount: { amount: 3000, currency: 'USD' },
      paidAt: null,
      rejectedAt: null,
      vendor: { id: vendorId },
    });
    expect(await balanceOf(vendorId)).toMatchObject({ available: { amount: 5500 } });
    const entry = (await ledgerRows(vendor, vendorId)).find((row) => row.kind === 'PAYOUT');
    expect(entry).toMatchObject({
      amount: -3000,
      currency: 'USD',
      payout_id: payout.id,
      order_id: null,
      product_id: null,
    });
    // The whole rest may be asked for; one minor unit more may not.
    expect(await vendor.client.errorCode(REQUEST, { variables: { amount: 5501 }, token: owner.token })).toBe(
      'CONFLICT',
    );
    expect((await request(owner, 5500)).status).toBe('REQUESTED');
    expect(await balanceOf(vendorId)).toMatchObject({ available: { amount: 0 } });
  });

  it('over the available balance: CONFLICT with the available amount', async () => {
    const { owner } = await funded(2000);
    const result = await vendor.client.request(REQUEST, { variables: { amount: 1701 }, token: owner.token });
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', available: { amount: 1700, currency: 'USD' } });
    // Nothing in another currency.
    const eur = await vendor.client.request(REQUEST, { variables: { amount: 1, currency: 'EUR' }, token: owner.token });
    expect(eur.errors?.[0].extensions).toEqual({ code: 'CONFLICT', available: { amount: 0, currency: 'EUR' } });
  });

  it.each([
    [{ amount: 0 }, ['amount']],
    [{ amount: -100 }, ['amount']],
    [{ amount: 100, currency: 'usd' }, ['currency']],
    [{ amount: 100, currency: 'US' }, ['currency']],
    [{ amount: 0, currency: 'dollars' }, ['amount', 'currency']],
  ])('refuses %j as BAD_USER_INPUT naming %j', async (variables, fields) => {
    const { owner, vendorId } = await funded();
    const result = await vendor.client.request(REQUEST, { variables, token: owner.token });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((result.errors?.[0].extensions?.fields as { field: string }[]).map((f) => f.field)).toEqual(fields);
    expect((await ledgerRows(vendor, vendorId)).filter((row) => row.kind === 'PAYOUT')).toEqual([]);
  });

  it.each([[{ amount: 2 ** 31 }], [{ amount: 1.5 }], [{ amount: '100' }], [{}]])(
    'refuses malformed %j before it reaches the service',
    async (variables) => {
      const { owner } = await funded();
      const result = await vendor.client.request(REQUEST, { variables, token: owner.token });
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    },
  );

  it('10 concurrent requests of 40 % of the balance each: exactly 2 succeed, the rest CONFLICT, nothing overdrawn', async () => {
    const { owner, vendorId } = await funded(); // 8500 available
    // Hold the vendor row meanwhile, so the ten transactions are all open at once when it is released.
    const holder = vendor.subgraph.deps.db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT id FROM vendors WHERE id = $1 FOR UPDATE`, [vendorId]);
    const racing = Promise.all(
      Array.from({ length: 10 }, () =>
        vendor.client.request(REQUEST, { variables: { amount: 3400 }, token: owner.token }),
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
    expect(await balanceOf(vendorId)).toMatchObject({ available: { amount: 1700 } });
    expect(
      (await ledgerRows(vendor, vendorId)).filter((row) => row.kind === 'PAYOUT').map((row) => row.amount),
    ).toEqual([-3400, -3400]);
  });

  it('who may ask: the owner of an ACTIVE vendor with the VENDOR role only', async () => {
    const { owner } = await funded();
    expect(await vendor.client.errorCode(REQUEST, { variables: { amount: 100 } })).toBe('UNAUTHENTICATED');
    // The same user with an older CUSTOMER token: the role comes with the next token.
    expect(
      await vendor.client.errorCode(REQUEST, { variables: { amount: 100 }, token: tokenFor(owner.id, Role.CUSTOMER) }),
    ).toBe('FORBIDDEN');
    expect(
      await vendor.client.errorCode(REQUEST, { variables: { amount: 100 }, token: person(Role.CUSTOMER).token }),
    ).toBe('FORBIDDEN');
    expect(
      await vendor.client.errorCode(REQUEST, { variables: { amount: 100 }, token: person(Role.VENDOR).token }),
    ).toBe('FORBIDDEN'); // no vendor profile
    expect(await vendor.client.errorCode(REQUEST, { variables: { amount: 100 }, token: admin.token })).toBe(
      'FORBIDDEN',
    );
    const pending = await vendorIn(vendor, 'PENDING', admin);
    expect(
      await vendor.client.errorCode(REQUEST, {
        variables: { amount: 100 },
        token: tokenFor(pending.owner.id, Role.VENDOR),
      }),
    ).toBe('FORBIDDEN');
  });

  it('a suspended vendor is refused FORBIDDEN, and may ask again once reinstated', async () => {
    const { owner, vendorId } = await funded();
    await vendor.client.data(SUSPEND, {
      variables: { id: vendorId, reason: 'Chargebacks under review.' },
      token: admin.token,
    });
    const result = await vendor.client.request(REQUEST, { variables: { amount: 100 }, token: owner.token });
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(result.errors?.[0].message).toMatch(/SUSPENDED/);
    await vendor.client.data(`mutation($id: ID!) { reinstateVendor(id: $id) { id } }`, {
      variables: { id: vendorId },
      token: admin.token,
    });
    expect((await request(owner, 100)).status).toBe('REQUESTED');
  });

  it('refunds after a payout can leave the available balance negative; then nothing more can be asked', async () => {
    const made = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [{ vendorId: made.vendor.id, price: 10_000 }]);
    await request(made.owner, 8500);
    await deliver(vendor, refundEvent(paid));
    expect(await balanceOf(made.vendor.id)).toMatchObject({ available: { amount: -8500 } });
    const result = await vendor.client.request(REQUEST, { variables: { amount: 1 }, token: made.owner.token });
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', available: { amount: -8500, currency: 'USD' } });
  });
});

describe('markPayoutPaid and rejectPayout', () => {
  it.each([
    ['markPayoutPaid', PAY, {}],
    ['rejectPayout', REJECT, { reason: 'Bank details missing.' }],
  ])(
    '%s: anonymous UNAUTHENTICATED; the owner, another vendor and a customer FORBIDDEN; an admin may',
    async (_name, mutation, extra) => {
      const { owner } = await funded();
      const payout = await request(owner, 1000);
      const variables = { id: payout.id, ...extra };
      expect(await vendor.client.errorCode(mutation, { variables })).toBe('UNAUTHENTICATED');
      for (const token of [owner.token, person(Role.VENDOR).token, person(Role.CUSTOMER).token]) {
        expect(await vendor.client.errorCode(mutation, { variables, token })).toBe('FORBIDDEN');
      }
      const done = Object.values(
        await vendor.client.data<Record<string, PayoutView>>(mutation, { variables, token: admin.token }),
      )[0];
      expect(done.status).toBe(mutation === PAY ? 'PAID' : 'REJECTED');
    },
  );

  it('PAID: stamped, the balance unchanged; a second decision of either kind is CONFLICT', async () => {
    const { owner, vendorId } = await funded();
    const payout = await request(owner, 2000);
    const paid = (
      await vendor.client.data<{ markPayoutPaid: PayoutView }>(PAY, {
        variables: { id: payout.id },
        token: admin.token,
      })
    ).markPayoutPaid;
    expect(paid).toMatchObject({ id: payout.id, status: 'PAID', reason: null, rejectedAt: null });
    expect(new Date(paid.paidAt!).getTime()).toBeGreaterThanOrEqual(new Date(payout.requestedAt).getTime());
    expect(await balanceOf(vendorId)).toMatchObject({ available: { amount: 6500 } });
    for (const [mutation, extra] of [
      [PAY, {}],
      [REJECT, { reason: 'Too late.' }],
    ] as const) {
      const result = await vendor.client.request(mutation, {
        variables: { id: payout.id, ...extra },
        token: admin.token,
      });
      expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', status: 'PAID' });
    }
  });

  it('REJECTED: the reason is kept, the money returns to available with a PAYOUT_REVERSAL entry; no second decision', async () => {
    const { owner, vendorId } = await funded();
    const payout = await request(owner, 2000);
    expect(await balanceOf(vendorId)).toMatchObject({ available: { amount: 6500 } });
    const rejected = (
      await vendor.client.data<{ rejectPayout: PayoutView }>(REJECT, {
        variables: { id: payout.id, reason: '  Bank details missing.  ' },
        token: admin.token,
      })
    ).rejectPayout;
    expect(rejected).toMatchObject({ status: 'REJECTED', reason: 'Bank details missing.', paidAt: null });
    expect(rejected.rejectedAt).toEqual(expect.any(String));
    expect(await balanceOf(vendorId)).toMatchObject({ available: { amount: 8500 } });
    const payoutRows = (await ledgerRows(vendor, vendorId)).filter((row) => row.payout_id === payout.id);
    expect(payoutRows.map((row) => [row.kind, row.amount])).toEqual([
      ['PAYOUT', -2000],
      ['PAYOUT_REVERSAL', 2000],
    ]);
    for (const [mutation, extra] of [
      [PAY, {}],
      [REJECT, { reason: 'Again.' }],
    ] as const) {
      const result = await vendor.client.request(mutation, {
        variables: { id: payout.id, ...extra },
        token: admin.token,
      });
      expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', status: 'REJECTED' });
    }
    // The returned money can be asked for again.
    expect((await request(owner, 8500)).status).toBe('REQUESTED');
  });

  it('bad inputs: unknown or malformed id NOT_FOUND, empty or overlong reason BAD_USER_INPUT', async () => {
    const { owner } = await funded();
    const payout = await request(owner, 100);
    expect(await vendor.client.errorCode(PAY, { variables: { id: randomUUID() }, token: admin.token })).toBe(
      'NOT_FOUND',
    );
    expect(await vendor.client.errorCode(PAY, { variables: { id: 'not-a-uuid' }, token: admin.token })).toBe(
      'NOT_FOUND',
    );
    expect(
      await vendor.client.errorCode(REJECT, { variables: { id: randomUUID(), reason: 'x' }, token: admin.token }),
    ).toBe('NOT_FOUND');
    for (const reason of ['', '   ', 'x'.repeat(2001), 'bad\u0000reason']) {
      const result = await vendor.client.request(REJECT, { variables: { id: payout.id, reason }, token: admin.token });
      expect(result.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'reason', message: expect.any(String) }],
      });
    }
    expect(
      (
        await vendor.client.data<{ payout: { status: string } }>(`query($id: ID!) { payout(id: $id) { status } }`, {
          variables: { id: payout.id },
          token: admin.token,
        })
      ).payout.status,
    ).toBe('REQUESTED');
  });

  it('two admins racing (pay and reject) get one decision and one CONFLICT', async () => {
    const { owner, vendorId } = await funded();
    const payout = await request(owner, 1000);
    const results = await Promise.all([
      vendor.client.request<Record<string, PayoutView>>(PAY, { variables: { id: payout.id }, token: admin.token }),
      vendor.client.request<Record<string, PayoutView>>(REJECT, {
        variables: { id: payout.id, reason: 'Racing.' },
        token: person(Role.ADMIN).token,
      }),
    ]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0].extensions?.code === 'CONFLICT')).toHaveLength(1);
    const won = results.find((r) => !r.errors)!.data!;
    const reversals = (await ledgerRows(vendor, vendorId)).filter((row) => row.kind === 'PAYOUT_REVERSAL');
    expect(reversals).toHaveLength(won.rejectPayout ? 1 : 0);
  });

  it('transition table: only REQUESTED moves, to PAID or REJECTED', () => {
    expect(nextPayoutStatus(PayoutStatus.REQUESTED, 'pay')).toBe(PayoutStatus.PAID);
    expect(nextPayoutStatus(PayoutStatus.REQUESTED, 'reject')).toBe(PayoutStatus.REJECTED);
    for (const from of [PayoutStatus.PAID, PayoutStatus.REJECTED]) {
      for (const name of ['pay', 'reject'] as const)
        expect(() => nextPayoutStatus(from, name)).toThrow(
          expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONFLICT', status: from }) }),
        );
    }
  });
});

/** A ledger entry with what it points at. */
interface LedgerNode {
  kind: string;
  amount: { amount: number };
  order: { id: string } | null;
  product: { id: string } | null;
  payout: { id: string; status: string; amount: { amount: number } } | null;
}

describe('reading payouts', () => {
  it('payout(id): the owner and admins; anyone else gets null, like an unknown id', async () => {
    const { owner } = await funded();
    const payout = await request(owner, 100);
    const query = `query($id: ID!) { payout(id: $id) { id status } }`;
    expect(await vendor.client.errorCode(query, { variables: { id: payout.id } })).toBe('UNAUTHENTICATED');
    for (const token of [owner.token, admin.token]) {
      expect(await vendor.client.data(query, { variables: { id: payout.id }, token })).toEqual({
        payout: { id: payout.id, status: 'REQUESTED' },
      });
    }
    for (const token of [person(Role.VENDOR).token, person(Role.CUSTOMER).token, (await funded()).owner.token]) {
      expect(await vendor.client.data(query, { variables: { id: payout.id }, token })).toEqual({ payout: null });
    }
    expect(await vendor.client.data(query, { variables: { id: randomUUID() }, token: admin.token })).toEqual({
      payout: null,
    });
    expect(await vendor.client.data(query, { variables: { id: 'nope' }, token: admin.token })).toEqual({
      payout: null,
    });
  });

  it('Vendor.payouts pages newest first and filters by status; the admin list spans vendors; only admins may list', async () => {
    const { owner, vendorId } = await funded();
    const made = [await request(owner, 100), await request(owner, 200), await request(owner, 300)];
    await vendor.client.data(PAY, { variables: { id: made[0].id }, token: admin.token });
    const page = async (variables: Record<string, unknown>) =>
      (
        await vendor.client.data<{ vendor: { payouts: Paged<{ id: string; status: string }> } }>(
          `query($id: ID!, $status: PayoutStatus, $after: String) { vendor(id: $id) { payouts(status: $status, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } } }`,
          { variables: { id: vendorId, ...variables }, token: owner.token },
        )
      ).vendor.payouts;
    const first = await page({});
    expect(first.totalCount).toBe(3);
    const second = await page({ after: first.pageInfo.endCursor });
    expect([...first.edges, ...second.edges].map((e) => e.node.id)).toEqual([made[2].id, made[1].id, made[0].id]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect((await page({ status: 'PAID' })).edges.map((e) => e.node)).toEqual([{ id: made[0].id, status: 'PAID' }]);

    const all = `query($status: PayoutStatus) { payouts(status: $status, first: 100) { totalCount edges { node { id vendor { id } } } } }`;
    const requested = (
      await vendor.client.data<{ payouts: Listing<{ id: string }> }>(all, {
        variables: { status: 'REQUESTED' },
        token: admin.token,
      })
    ).payouts;
    expect(requested.edges.map((e) => e.node.id)).toEqual(expect.arrayContaining([made[1].id, made[2].id]));
    expect(requested.edges.map((e) => e.node.id)).not.toContain(made[0].id);
    expect(await vendor.client.errorCode(all, { token: owner.token })).toBe('FORBIDDEN');
  });

  it('every movement is traceable: payout entries point at their payout, order entries at their order', async () => {
    const { owner, vendorId } = await funded();
    const kept = await request(owner, 1000);
    const returned = await request(owner, 500);
    await vendor.client.data(REJECT, { variables: { id: returned.id, reason: 'No.' }, token: admin.token });
    const { vendor: seen } = await vendor.client.data<{ vendor: { ledger: Listing<LedgerNode> } }>(
      `query($id: ID!) { vendor(id: $id) { ledger(first: 100) { edges { node { kind amount { amount } order { id } product { id } payout { id status amount { amount } } } } } } }`,
      { variables: { id: vendorId }, token: owner.token },
    );
    const nodes = seen.ledger.edges.map((e) => e.node);
    expect(nodes).toHaveLength(5);
    for (const node of nodes) {
      const fromOrder = ['SALE', 'COMMISSION', 'REFUND', 'REFUND_COMMISSION'].includes(node.kind);
      expect(node.order !== null && node.product !== null).toBe(fromOrder);
      expect(node.payout !== null).toBe(!fromOrder);
    }
    expect(nodes.flatMap((n) => (n.payout ? [[n.kind, n.amount.amount, n.payout.id, n.payout.status]] : []))).toEqual(
      expect.arrayContaining([
        ['PAYOUT', -1000, kept.id, 'REQUESTED'],
        ['PAYOUT', -500, returned.id, 'REJECTED'],
        ['PAYOUT_REVERSAL', 500, returned.id, 'REJECTED'],
      ]),
    );
  });
});

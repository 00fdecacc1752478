import { randomUUID } from 'node:crypto';
import { Role, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, globalId, outboxOf, person, uuidOf } from '@marketplace/kit/testing';
import { SET_COMMISSION, activeVendor, orderPaidEvent, paidOrder, setCommission, startVendor } from '../testing';

let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor();
});
afterAll(() => vendor.close());

const TERMS = `query($id: ID!) { vendor(id: $id) {
  commissionRate
  commissionTerms { rateBps since }
  commissionHistory(first: 10) { totalCount edges { node { rateBps since } } }
} }`;
const LEDGER = `query($id: ID!) { vendor(id: $id) { ledger(first: 50) { edges { node { kind amount { amount } commissionRateBps } } } } }`;

interface Terms {
  rateBps: number;
  since: string;
}
interface TermsView {
  commissionRate: number;
  commissionTerms: Terms | null;
  commissionHistory: { totalCount: number; edges: { node: Terms }[] } | null;
}

/** As an admin, or as `as` (null: anonymous). */
async function termsOf(vendorId: string, as?: string | null) {
  return vendor.client.request<{ vendor: TermsView | null }>(TERMS, {
    variables: { id: vendorId },
    token: as === undefined ? admin.token : (as ?? undefined),
  });
}

/** Commission and sale lines of one order, with the rate each recorded. */
async function creditsOf(orderId: string) {
  return queryRows<{ kind: string; amount: number; commission_bps: number }>(
    vendor.subgraph.deps.db,
    `SELECT kind, amount::int AS amount, commission_bps FROM ledger_entries WHERE order_id = $1 ORDER BY kind`,
    [orderId],
  );
}

describe('setVendorCommission', () => {
  it("changes the vendor's rate from now on: current rate, history (latest first) and the audit trail (with who)", async () => {
    const { vendor: target } = await activeVendor(vendor, admin);
    const started = Date.now();
    const result = await vendor.client.data<{
      setVendorCommission: { vendor: { id: string; commissionRate: number }; commissionTerms: Terms };
    }>(SET_COMMISSION, { variables: { input: { vendorId: target.id, rateBps: 2250 } }, token: admin.token });
    expect(result.setVendorCommission.vendor).toEqual({ id: target.id, commissionRate: 0.225 });
    const since = Date.parse(result.setVendorCommission.commissionTerms.since);
    expect(since).toBeGreaterThanOrEqual(started - 1000);
    expect(since).toBeLessThanOrEqual(Date.now() + 1000);

    const view = (await termsOf(target.id)).data!.vendor!;
    expect(view.commissionRate).toBe(0.225);
    expect(view.commissionTerms).toEqual(result.setVendorCommission.commissionTerms);
    expect(view.commissionHistory).toEqual({
      totalCount: 2,
      edges: [
        {
          node: {
            rateBps: 2250,
            since: result.setVendorCommission.commissionTerms.since,
          },
        },
        { node: { rateBps: 1500, since: target.createdAt } },
      ],
    });

    const audit = (await outboxOf(vendor, uuidOf(target.id))).filter((e) => e.payload && e.type === 'audit.recorded');
    expect(audit.at(-1)!.payload).toMatchObject({
      action: 'VENDOR_COMMISSION_CHANGED',
      targetType: 'Vendor',
      targetId: uuidOf(target.id),
      actor: { kind: 'USER', userId: admin.id, role: 'ADMIN' },
      before: { rateBps: 1500 },
      after: { rateBps: 2250, since: result.setVendorCommission.commissionTerms.since },
    });
  });

  it('the same rate again changes nothing: no new history row, no audit record', async () => {
    const { vendor: target } = await activeVendor(vendor, admin);
    const before = await outboxOf(vendor, uuidOf(target.id));
    const terms = await setCommission(vendor, target.id, 1500, admin);
    expect(terms).toEqual({ rateBps: 1500, since: target.createdAt });
    expect((await termsOf(target.id)).data!.vendor!.commissionHistory!.totalCount).toBe(1);
    expect(await outboxOf(vendor, uuidOf(target.id))).toEqual(before);
  });

  it('credits a sale at the rate in force when the order was paid, however late order.paid is handled; each line records it', async () => {
    const { vendor: target, owner } = await activeVendor(vendor, admin);
    const paidBefore = orderPaidEvent([{ vendorId: target.id, price: 1000 }], new Date(Date.now() - 5_000));
    await setCommission(vendor, target.id, 3000, admin);
    await deliver(vendor, paidBefore); // handled after the change, paid before it
    const paidAfter = await paidOrder(vendor, [{ vendorId: target.id, price: 1000 }]);
    expect(await creditsOf(paidBefore.payload.orderId)).toEqual([
      { kind: 'COMMISSION', amount: -150, commission_bps: 1500 },
      { kind: 'SALE', amount: 1000, commission_bps: 1500 },
    ]);
    expect(await creditsOf(paidAfter.payload.orderId)).toEqual([
      { kind: 'COMMISSION', amount: -300, commission_bps: 3000 },
      { kind: 'SALE', amount: 1000, commission_bps: 3000 },
    ]);
    const { vendor: view } = await vendor.client.data<{
      vendor: { ledger: { edges: { node: { kind: string; commissionRateBps: number | null } }[] } };
    }>(LEDGER, { variables: { id: target.id }, token: owner.token });
    expect(view.ledger.edges.map((edge) => edge.node.commissionRateBps).sort()).toEqual([1500, 1500, 3000, 3000]);
  });

  it.each([
    [-1, 'input.rateBps'],
    [10_001, 'input.rateBps'],
  ])('refuses a rate of %p with BAD_USER_INPUT on the field', async (rateBps, field) => {
    const { vendor: target } = await activeVendor(vendor, admin);
    const result = await vendor.client.request(SET_COMMISSION, {
      variables: { input: { vendorId: target.id, rateBps } },
      token: admin.token,
    });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field }] });
    expect((await termsOf(target.id)).data!.vendor!.commissionTerms!.rateBps).toBe(1500);
  });

  it.each([12.5, '1500', null])('refuses a rate that is no whole number (%p) with BAD_USER_INPUT', async (rateBps) => {
    const { vendor: target } = await activeVendor(vendor, admin);
    const result = await vendor.client.request(SET_COMMISSION, {
      variables: { input: { vendorId: target.id, rateBps } },
      token: admin.token,
    });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('accepts the bounds 0 and 10000', async () => {
    const { vendor: target } = await activeVendor(vendor, admin);
    expect((await setCommission(vendor, target.id, 0, admin)).rateBps).toBe(0);
    expect((await setCommission(vendor, target.id, 10_000, admin)).rateBps).toBe(10_000);
  });

  it('refuses a malformed id, an id of another type (BAD_USER_INPUT) and an unknown vendor (NOT_FOUND)', async () => {
    const run = (vendorId: string) =>
      vendor.client.request(SET_COMMISSION, { variables: { input: { vendorId, rateBps: 100 } }, token: admin.token });
    for (const vendorId of ['nope', globalId('Payout', randomUUID())]) {
      expect((await run(vendorId)).errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.vendorId' }],
      });
    }
    expect((await run(globalId('Vendor', randomUUID()))).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('authorization matrix', () => {
  it('lets only admins set a rate', async () => {
    const { vendor: target, owner } = await activeVendor(vendor, admin);
    const { owner: otherOwner } = await activeVendor(vendor, admin);
    for (const [token, code] of [
      [undefined, 'UNAUTHENTICATED'],
      [person().token, 'FORBIDDEN'],
      [owner.token, 'FORBIDDEN'],
      [otherOwner.token, 'FORBIDDEN'],
    ] as const) {
      const result = await vendor.client.request(SET_COMMISSION, {
        variables: { input: { vendorId: target.id, rateBps: 100 } },
        token,
      });
      expect(result.errors?.[0].extensions?.code).toBe(code);
      expect(result.data).toEqual({ setVendorCommission: null });
    }
    expect((await termsOf(target.id)).data!.vendor!.commissionTerms!.rateBps).toBe(1500);
  });

  it('shows the terms and history to the owner and admins; others get null terms and a FORBIDDEN history', async () => {
    const { vendor: target, owner } = await activeVendor(vendor, admin);
    const { owner: otherOwner } = await activeVendor(vendor, admin);
    for (const token of [owner.token, admin.token]) {
      const result = await termsOf(target.id, token);
      expect(result.errors).toBeUndefined();
      expect(result.data!.vendor!.commissionTerms!.rateBps).toBe(1500);
      expect(result.data!.vendor!.commissionHistory!.totalCount).toBe(1);
    }
    for (const token of [null, person().token, otherOwner.token]) {
      const result = await termsOf(target.id, token);
      expect(result.data!.vendor).toMatchObject({ commissionTerms: null, commissionHistory: null });
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });
});

describe('races', () => {
  it('a rate change racing a sale being credited: the line uses the rate in force at its payment, by the history', async () => {
    const { vendor: target } = await activeVendor(vendor, admin);
    let rate = 1500;
    for (let round = 0; round < 6; round += 1) {
      rate += 100;
      // Paid just before the change is asked for, as a real event always is by the time it is handled: whichever
      // transaction runs first, the credit takes the rate of its payment time. (A payment time in the future, as
      // with a skewed clock, could fall after the new rate's stamp while its credit ran first: not a case here.)
      const paid = orderPaidEvent([{ vendorId: target.id, price: 10_000 }], new Date());
      await Promise.all([setCommission(vendor, target.id, rate, admin), deliver(vendor, paid)]);
      const [commission] = (await creditsOf(paid.payload.orderId)).filter((row) => row.kind === 'COMMISSION');
      const [inForce] = await queryRows<{ rate_bps: number }>(
        vendor.subgraph.deps.db,
        `SELECT rate_bps FROM vendor_commission_rates WHERE vendor_id = $1 AND effective_from <= $2
          ORDER BY effective_from DESC LIMIT 1`,
        [uuidOf(target.id), paid.occurredAt],
      );
      expect(commission).toEqual({ kind: 'COMMISSION', amount: -inForce.rate_bps, commission_bps: inForce.rate_bps });
    }
  });

  it('two admins setting rates at once: both recorded in order, the vendor holds the later one', async () => {
    const { vendor: target } = await activeVendor(vendor, admin);
    await Promise.all([
      setCommission(vendor, target.id, 1000, admin),
      setCommission(vendor, target.id, 2000, person(Role.ADMIN)),
    ]);
    const view = (await termsOf(target.id)).data!.vendor!;
    const history = view.commissionHistory!.edges.map((edge) => edge.node);
    expect(history).toHaveLength(3);
    expect(view.commissionTerms!.rateBps).toBe(history[0].rateBps);
    expect(view.commissionRate * 10_000).toBe(history[0].rateBps);
    expect(Date.parse(history[0].since)).toBeGreaterThan(Date.parse(history[1].since));
  });
});

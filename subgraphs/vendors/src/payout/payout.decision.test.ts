import { randomUUID } from 'node:crypto';
import { Role } from '@marketplace/kit';
import { TestSubgraph, globalId, outboxOf, person, uuidOf } from '@marketplace/kit/testing';
import type { PayoutView } from '../testing';
import {
  MARK_PAYOUT_PAID,
  REJECT_PAYOUT,
  balanceOf,
  fundedVendor,
  ledgerRows,
  payoutOfPayload,
  requestPayout,
  startVendorWithoutHold,
} from '../testing';
import { nextPayoutStatus } from './payout.transitions';
import { PayoutStatus } from './payout.type';

/** An admin's decision on a payout: paid or rejected, once. */
let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendorWithoutHold();
});
afterAll(() => vendor.close());

describe('markPayoutPaid and rejectPayout', () => {
  it.each([
    ['markPayoutPaid', MARK_PAYOUT_PAID, {}],
    ['rejectPayout', REJECT_PAYOUT, { reason: 'Bank details missing.' }],
  ])(
    '%s: anonymous UNAUTHENTICATED; the owner, another vendor and a customer FORBIDDEN; an admin may',
    async (_name, mutation, extra) => {
      const { owner } = await fundedVendor(vendor, admin);
      const payout = await requestPayout(vendor, owner, 1000);
      const variables = { id: payout.id, ...extra };
      expect(await vendor.client.errorCode(mutation, { variables })).toBe('UNAUTHENTICATED');
      for (const token of [owner.token, person(Role.VENDOR).token, person(Role.CUSTOMER).token]) {
        expect(await vendor.client.errorCode(mutation, { variables, token })).toBe('FORBIDDEN');
      }
      const done = payoutOfPayload(
        await vendor.client.data<Record<string, { payout: PayoutView }>>(mutation, { variables, token: admin.token }),
      );
      expect(done.status).toBe(mutation === MARK_PAYOUT_PAID ? 'PAID' : 'REJECTED');
    },
  );

  it("tells the vendor's user of each decision (payout.settled, in the same transaction), with the reason", async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    const first = await requestPayout(vendor, owner, 1000);
    const second = await requestPayout(vendor, owner, 1500);
    await vendor.client.data(MARK_PAYOUT_PAID, { variables: { id: first.id }, token: admin.token });
    await vendor.client.data(REJECT_PAYOUT, {
      variables: { id: second.id, reason: 'Bank details missing.' },
      token: admin.token,
    });
    // A refused second decision records nothing.
    expect(await vendor.client.errorCode(MARK_PAYOUT_PAID, { variables: { id: first.id }, token: admin.token })).toBe(
      'CONFLICT',
    );
    const settled = (await outboxOf(vendor, uuidOf(vendorId))).filter((e) => e.type === 'payout.settled');
    const base = { vendorId: uuidOf(vendorId), userId: owner.id };
    expect(settled.map((e) => e.payload)).toEqual([
      { ...base, payoutId: uuidOf(first.id), status: 'PAID', amount: first.amount, reason: null },
      {
        ...base,
        payoutId: uuidOf(second.id),
        status: 'REJECTED',
        amount: second.amount,
        reason: 'Bank details missing.',
      },
    ]);
  });

  it('PAID: stamped, the balance unchanged; a second decision of either kind is CONFLICT', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    const payout = await requestPayout(vendor, owner, 2000);
    const paid = (
      await vendor.client.data<{ markPayoutPaid: { payout: PayoutView } }>(MARK_PAYOUT_PAID, {
        variables: { id: payout.id },
        token: admin.token,
      })
    ).markPayoutPaid.payout;
    expect(paid).toMatchObject({ id: payout.id, status: 'PAID', rejectionReason: null, rejectedAt: null });
    expect(new Date(paid.paidAt!).getTime()).toBeGreaterThanOrEqual(new Date(payout.requestedAt).getTime());
    expect(await balanceOf(vendor, admin, vendorId)).toMatchObject({ available: { amount: 6500 } });
    for (const [mutation, extra] of [
      [MARK_PAYOUT_PAID, {}],
      [REJECT_PAYOUT, { reason: 'Too late.' }],
    ] as const) {
      const result = await vendor.client.request(mutation, {
        variables: { id: payout.id, ...extra },
        token: admin.token,
      });
      expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'INVALID_STATUS' });
      expect(result.errors?.[0].message).toMatch(/PAID/);
    }
  });

  it('REJECTED: the reason is kept, the money returns to available with a PAYOUT_REVERSAL entry; no second decision', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    const payout = await requestPayout(vendor, owner, 2000);
    expect(await balanceOf(vendor, admin, vendorId)).toMatchObject({ available: { amount: 6500 } });
    const { rejectPayout } = await vendor.client.data<{
      rejectPayout: { payout: PayoutView; vendor: { id: string } };
    }>(REJECT_PAYOUT, {
      variables: { id: payout.id, reason: '  Bank details missing.  ' },
      token: admin.token,
    });
    const rejected = rejectPayout.payout;
    expect(rejectPayout.vendor).toEqual({ id: vendorId });
    expect(rejected).toMatchObject({ status: 'REJECTED', rejectionReason: 'Bank details missing.', paidAt: null });
    expect(rejected.rejectedAt).toEqual(expect.any(String));
    expect(await balanceOf(vendor, admin, vendorId)).toMatchObject({ available: { amount: 8500 } });
    const payoutRows = (await ledgerRows(vendor, vendorId)).filter((row) => row.payout_id === uuidOf(payout.id));
    expect(payoutRows.map((row) => [row.kind, row.amount])).toEqual([
      ['PAYOUT', -2000],
      ['PAYOUT_REVERSAL', 2000],
    ]);
    for (const [mutation, extra] of [
      [MARK_PAYOUT_PAID, {}],
      [REJECT_PAYOUT, { reason: 'Again.' }],
    ] as const) {
      const result = await vendor.client.request(mutation, {
        variables: { id: payout.id, ...extra },
        token: admin.token,
      });
      expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'INVALID_STATUS' });
      expect(result.errors?.[0].message).toMatch(/REJECTED/);
    }
    // The returned money can be asked for again.
    expect((await requestPayout(vendor, owner, 8500)).status).toBe('REQUESTED');
  });

  it('bad inputs: unknown id NOT_FOUND; malformed id, an id of another type, empty or overlong reason BAD_USER_INPUT', async () => {
    const { owner } = await fundedVendor(vendor, admin);
    const payout = await requestPayout(vendor, owner, 100);
    expect(
      await vendor.client.errorCode(MARK_PAYOUT_PAID, {
        variables: { id: globalId('Payout', randomUUID()) },
        token: admin.token,
      }),
    ).toBe('NOT_FOUND');
    for (const [mutation, extra] of [
      [MARK_PAYOUT_PAID, {}],
      [REJECT_PAYOUT, { reason: 'x' }],
    ] as const) {
      // A Vendor id of the payout's own uuid is no payout id either.
      for (const id of ['not-a-uuid', globalId('Vendor', uuidOf(payout.id))]) {
        const malformed = await vendor.client.request(mutation, { variables: { id, ...extra }, token: admin.token });
        expect(malformed.errors?.[0].extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          fields: [{ field: 'input.payoutId' }],
        });
      }
    }
    expect(
      await vendor.client.errorCode(REJECT_PAYOUT, {
        variables: { id: globalId('Payout', randomUUID()), reason: 'x' },
        token: admin.token,
      }),
    ).toBe('NOT_FOUND');
    for (const reason of ['', '   ', 'x'.repeat(2001), 'bad\u0000reason']) {
      const result = await vendor.client.request(REJECT_PAYOUT, {
        variables: { id: payout.id, reason },
        token: admin.token,
      });
      expect(result.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.reason', message: expect.any(String) }],
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
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    const payout = await requestPayout(vendor, owner, 1000);
    const results = await Promise.all([
      vendor.client.request<Record<string, { payout: PayoutView }>>(MARK_PAYOUT_PAID, {
        variables: { id: payout.id },
        token: admin.token,
      }),
      vendor.client.request<Record<string, { payout: PayoutView }>>(REJECT_PAYOUT, {
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
          expect.objectContaining({ extensions: { code: 'CONFLICT', reason: 'INVALID_STATUS' } }),
        );
    }
  });
});

import { Events, PayloadOf, Role } from '@marketplace/kit';
import { TestSubgraph, outboxOf, person, uuidOf } from '@marketplace/kit/testing';
import { MARK_PAYOUT_PAID, REJECT_PAYOUT, fundedVendor, requestPayout, startVendorWithoutHold } from '../testing';

type AuditPayload = PayloadOf<typeof Events.AuditRecorded>;

/** Payout decisions reach the audit trail: one audit.recorded per decision, in the decision's transaction. */
let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendorWithoutHold();
});
afterAll(() => vendor.close());

const auditsOf = async (payoutId: string) =>
  (await outboxOf<AuditPayload>(vendor, uuidOf(payoutId))).filter((event) => event.type === Events.AuditRecorded.type);

it('markPayoutPaid records PAYOUT_MARKED_PAID with the admin, the request id, the client IP and the status change', async () => {
  const { owner } = await fundedVendor(vendor, admin);
  const payout = await requestPayout(vendor, owner, 1000);
  await vendor.client.data(MARK_PAYOUT_PAID, {
    variables: { id: payout.id },
    token: admin.token,
    headers: { 'x-request-id': 'audit-pay-1', 'x-client-ip': '203.0.113.7' },
  });
  const [audit, ...more] = await auditsOf(payout.id);
  expect(more).toEqual([]);
  expect(audit).toMatchObject({ source: 'vendor', correlationId: 'audit-pay-1', aggregateId: uuidOf(payout.id) });
  expect(audit.payload).toEqual({
    action: 'PAYOUT_MARKED_PAID',
    actor: { kind: 'USER', userId: admin.id, role: 'ADMIN' },
    targetType: 'Payout',
    targetId: uuidOf(payout.id),
    before: { status: 'REQUESTED' },
    after: { status: 'PAID' },
    requestId: 'audit-pay-1',
    clientIp: '203.0.113.7',
  });
});

it('rejectPayout records PAYOUT_REJECTED with the reason', async () => {
  const { owner } = await fundedVendor(vendor, admin);
  const payout = await requestPayout(vendor, owner, 1000);
  await vendor.client.data(REJECT_PAYOUT, { variables: { id: payout.id, reason: 'No IBAN.' }, token: admin.token });
  const audits = await auditsOf(payout.id);
  expect(audits.map((event) => event.payload)).toEqual([
    expect.objectContaining({
      action: 'PAYOUT_REJECTED',
      before: { status: 'REQUESTED' },
      after: { status: 'REJECTED', reason: 'No IBAN.' },
    }),
  ]);
});

it('a refused decision (not an admin, or CONFLICT) records nothing; two racing admins leave exactly one record', async () => {
  const { owner } = await fundedVendor(vendor, admin);
  const payout = await requestPayout(vendor, owner, 1000);
  expect(await vendor.client.errorCode(MARK_PAYOUT_PAID, { variables: { id: payout.id }, token: owner.token })).toBe(
    'FORBIDDEN',
  );
  expect(await auditsOf(payout.id)).toEqual([]);
  const results = await Promise.all([
    vendor.client.request(MARK_PAYOUT_PAID, { variables: { id: payout.id }, token: admin.token }),
    vendor.client.request(REJECT_PAYOUT, {
      variables: { id: payout.id, reason: 'Racing.' },
      token: person(Role.ADMIN).token,
    }),
  ]);
  expect(results.filter((result) => !result.errors)).toHaveLength(1);
  const audits = await auditsOf(payout.id);
  expect(audits).toHaveLength(1);
  expect(audits[0].payload.action).toBe(results[0].errors ? 'PAYOUT_REJECTED' : 'PAYOUT_MARKED_PAID');
});

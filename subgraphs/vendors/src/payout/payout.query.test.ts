import { randomUUID } from 'node:crypto';
import { Role } from '@marketplace/kit';
import { TestSubgraph, globalId, person, sqlDuring, uuidOf } from '@marketplace/kit/testing';
import { MARK_PAYOUT_PAID, REJECT_PAYOUT, fundedVendor, requestPayout, startVendorWithoutHold } from '../testing';

/** Reading payouts, and the ledger entries that point at them. */
let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendorWithoutHold();
});
afterAll(() => vendor.close());

/** A list of nodes as the listing tests ask for it. */
interface Listing<Node> {
  totalCount: number;
  edges: { node: Node }[];
}
type Paged<Node> = Listing<Node> & { pageInfo: { hasNextPage: boolean; endCursor: string } };

/** A ledger entry with what it points at. */
interface LedgerNode {
  kind: string;
  amount: { amount: number };
  order: { id: string } | null;
  product: { id: string } | null;
  payout: { id: string; status: string; amount: { amount: number } } | null;
}

describe('reading payouts', () => {
  it('payout(id): the owner and admins; anyone else (signed out too) gets null without an error, like an unknown id', async () => {
    const { owner } = await fundedVendor(vendor, admin);
    const payout = await requestPayout(vendor, owner, 100);
    const query = `query($id: ID!) { payout(id: $id) { id status } }`;
    const anonymous = await vendor.client.request(query, { variables: { id: payout.id } });
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data).toEqual({ payout: null });
    for (const token of [owner.token, admin.token]) {
      expect(await vendor.client.data(query, { variables: { id: payout.id }, token })).toEqual({
        payout: { id: payout.id, status: 'REQUESTED' },
      });
    }
    for (const token of [
      person(Role.VENDOR).token,
      person(Role.CUSTOMER).token,
      (await fundedVendor(vendor, admin)).owner.token,
    ]) {
      expect(await vendor.client.data(query, { variables: { id: payout.id }, token })).toEqual({ payout: null });
    }
    expect(
      await vendor.client.data(query, { variables: { id: globalId('Payout', randomUUID()) }, token: admin.token }),
    ).toEqual({
      payout: null,
    });
    // A malformed id is a client bug, not a visibility question.
    const malformed = await vendor.client.request(query, { variables: { id: 'nope' }, token: admin.token });
    expect(malformed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'id' }] });
    expect(malformed.data).toEqual({ payout: null });
    // So is the id of another type, even of the payout's own uuid.
    const wrongType = await vendor.client.request(query, {
      variables: { id: globalId('Vendor', uuidOf(payout.id)) },
      token: admin.token,
    });
    expect(wrongType.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'id' }] });
    expect(wrongType.data).toEqual({ payout: null });
  });

  it('Vendor.payouts pages newest first and filters by status; the admin list spans vendors; only admins may list', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    const made = [
      await requestPayout(vendor, owner, 100),
      await requestPayout(vendor, owner, 200),
      await requestPayout(vendor, owner, 300),
    ];
    await vendor.client.data(MARK_PAYOUT_PAID, { variables: { id: made[0].id }, token: admin.token });
    const page = async (variables: Record<string, unknown>) =>
      (
        await vendor.client.data<{ vendor: { payouts: Paged<{ id: string; status: string }> } }>(
          `query($id: ID!, $status: PayoutStatus, $after: String) { vendor(id: $id) { payouts(filter: { status: $status }, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } } }`,
          { variables: { id: vendorId, ...variables }, token: owner.token },
        )
      ).vendor.payouts;
    const first = await page({});
    expect(first.totalCount).toBe(3);
    const second = await page({ after: first.pageInfo.endCursor });
    expect([...first.edges, ...second.edges].map((e) => e.node.id)).toEqual([made[2].id, made[1].id, made[0].id]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect((await page({ status: 'PAID' })).edges.map((e) => e.node)).toEqual([{ id: made[0].id, status: 'PAID' }]);

    const all = `query($status: PayoutStatus) { payouts(filter: { status: $status }, first: 100) { totalCount edges { node { id vendor { id } } } } }`;
    const requested = (
      await vendor.client.data<{ payouts: Listing<{ id: string }> }>(all, {
        variables: { status: 'REQUESTED' },
        token: admin.token,
      })
    ).payouts;
    expect(requested.edges.map((e) => e.node.id)).toEqual(expect.arrayContaining([made[1].id, made[2].id]));
    expect(requested.edges.map((e) => e.node.id)).not.toContain(made[0].id);
    for (const [token, code] of [
      [undefined, 'UNAUTHENTICATED'],
      [owner.token, 'FORBIDDEN'],
      [person(Role.CUSTOMER).token, 'FORBIDDEN'],
    ] as const) {
      const refused = await vendor.client.request(all, { token });
      expect(refused.errors?.[0].extensions?.code).toBe(code);
      expect(refused.data).toEqual({ payouts: null });
    }
    // Someone else's vendor's payouts: null with FORBIDDEN, the vendor itself still answered.
    for (const token of [undefined, person(Role.VENDOR).token, (await fundedVendor(vendor, admin)).owner.token]) {
      const refused = await vendor.client.request<{ vendor: unknown }>(
        `query($id: ID!) { vendor(id: $id) { id payouts { totalCount } } }`,
        { variables: { id: vendorId }, token },
      );
      expect(refused.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['FORBIDDEN', ['vendor', 'payouts']]]);
      expect(refused.data).toEqual({ vendor: { id: vendorId, payouts: null } });
    }
  });

  it('every movement is traceable: payout entries point at their payout, order entries at their order', async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    const kept = await requestPayout(vendor, owner, 1000);
    const returned = await requestPayout(vendor, owner, 500);
    await vendor.client.data(REJECT_PAYOUT, { variables: { id: returned.id, reason: 'No.' }, token: admin.token });
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

describe('Payout _entities', () => {
  const PAYOUT_ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Payout { id status amount { amount } vendor { id } } } }`;
  const reps = (ids: string[]) => ids.map((id) => ({ __typename: 'Payout', id }));

  it("resolves many payouts in one batch (payouts, then their vendors), null for unknown, malformed and other types' ids", async () => {
    const { owner, vendorId } = await fundedVendor(vendor, admin);
    const made = [await requestPayout(vendor, owner, 100), await requestPayout(vendor, owner, 200)];
    const ids = [
      made[0].id,
      globalId('Payout', randomUUID()),
      'not-a-uuid',
      globalId('Vendor', uuidOf(made[0].id)),
      made[1].id,
    ];
    const { result, statements } = await sqlDuring(vendor, () =>
      vendor.client.data(PAYOUT_ENTITIES, { variables: { r: reps(ids) }, token: admin.token }),
    );
    expect(result._entities).toEqual([
      { id: made[0].id, status: 'REQUESTED', amount: { amount: 100 }, vendor: { id: vendorId } },
      null,
      null,
      null,
      { id: made[1].id, status: 'REQUESTED', amount: { amount: 200 }, vendor: { id: vendorId } },
    ]);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/FROM payouts/);
  });

  it("answers the vendor's owner and admins; anyone else null, never an error", async () => {
    const { owner } = await fundedVendor(vendor, admin);
    const payout = await requestPayout(vendor, owner, 100);
    for (const [token, visible] of [
      [owner.token, true],
      [admin.token, true],
      [undefined, false],
      [person(Role.CUSTOMER).token, false],
      [(await fundedVendor(vendor, admin)).owner.token, false],
    ] as const) {
      const answer = await vendor.client.request<{ _entities: unknown[] }>(PAYOUT_ENTITIES, {
        variables: { r: reps([payout.id]) },
        token,
      });
      expect(answer.errors).toBeUndefined();
      expect(answer.data!._entities[0] !== null).toBe(visible);
      // Private to its viewer: never shared between viewers.
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });
});

import { Role } from '@marketplace/kit';
import { TestSubgraph, person } from '@marketplace/kit/testing';
import { PaymentView, disputeEvent, intentEvent, pendingPayment, postEvent, startPayments } from '../testing';

/** payments(filter) for admins, and who sees Payment.dispute. */
let payments: TestSubgraph;
let disputed: PaymentView[];
let owner: ReturnType<typeof person>;
beforeAll(async () => {
  payments = await startPayments();
  // Three payments: one pending, one paid, two paid and disputed (the newest last).
  await pendingPayment(payments);
  disputed = [];
  for (let i = 0; i < 3; i += 1) {
    const made = await pendingPayment(payments);
    await postEvent(payments, intentEvent(made.payment, 'succeeded'));
    if (i > 0) {
      await postEvent(payments, disputeEvent(made.payment));
      disputed.push(made.payment);
      owner = made.owner;
    }
  }
});
afterAll(() => payments.close());

const admin = person(Role.ADMIN);
const LIST = `query($filter: PaymentFilter, $first: Int, $after: String) {
  payments(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id status disputed dispute { status } } }
  } }`;
type List = {
  payments: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string };
    edges: { node: { id: string; status: string; disputed: boolean; dispute: { status: string } | null } }[];
  } | null;
};
const list = (variables: Record<string, unknown>, token?: string) =>
  payments.client.request<List>(LIST, { variables, token });

describe('payments(filter)', () => {
  it('admin: every payment newest first with totalCount; disputed and status filters; pages', async () => {
    const all = await list({}, admin.token);
    expect(all.errors).toBeUndefined();
    expect(all.data?.payments?.totalCount).toBe(4);
    const onlyDisputed = await list({ filter: { disputed: true } }, admin.token);
    expect(onlyDisputed.data?.payments?.totalCount).toBe(2);
    expect(onlyDisputed.data?.payments?.edges.map((e) => e.node)).toEqual(
      [...disputed]
        .reverse()
        .map((p) => ({ id: p.id, status: 'SUCCEEDED', disputed: true, dispute: { status: 'NEEDS_RESPONSE' } })),
    );
    expect(
      (await list({ filter: { disputed: false, status: 'SUCCEEDED' } }, admin.token)).data?.payments?.totalCount,
    ).toBe(1);
    expect((await list({ filter: { status: 'REQUIRES_PAYMENT' } }, admin.token)).data?.payments?.totalCount).toBe(1);
    const first = await list({ first: 3 }, admin.token);
    const rest = await list({ first: 3, after: first.data?.payments?.pageInfo.endCursor }, admin.token);
    expect(first.data?.payments?.pageInfo.hasNextPage).toBe(true);
    expect(rest.data?.payments?.edges).toHaveLength(1);
    const ids = [...first.data!.payments!.edges, ...rest.data!.payments!.edges].map((e) => e.node.id);
    expect(new Set(ids).size).toBe(4);
    expect(ids.slice(0, 2)).toEqual([disputed[1].id, disputed[0].id]);
  });

  it.each([
    ['anonymous', undefined, 'UNAUTHENTICATED'],
    ['a customer', person(Role.CUSTOMER).token, 'FORBIDDEN'],
    ['a vendor', person(Role.VENDOR).token, 'FORBIDDEN'],
  ])('%s → null with %s', async (_who, token, code) => {
    const result = await list({}, token);
    expect(result.data?.payments).toBeNull();
    expect(result.errors?.[0].extensions?.code).toBe(code);
  });

  it.each([
    ['a forged cursor', { after: 'bm90LWEtY3Vyc29y' }, 'BAD_USER_INPUT'],
    ['first out of range', { first: 101 }, 'BAD_USER_INPUT'],
    ['a status that is not one', { filter: { status: 'PAID' } }, 'BAD_USER_INPUT'],
    ['disputed of the wrong type', { filter: { disputed: 'yes' } }, 'BAD_USER_INPUT'],
  ])('%s → %s', async (_case, variables, code) => {
    const result = await list(variables, admin.token);
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(result.data?.payments ?? null).toBeNull();
  });
});

describe('Payment.dispute: whoever sees the payment', () => {
  const QUERY = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Payment { dispute { status } } } }`;
  it.each([
    ['its customer', () => owner.token, { dispute: { status: 'NEEDS_RESPONSE' } }],
    ['an admin', () => admin.token, { dispute: { status: 'NEEDS_RESPONSE' } }],
    ['another customer', () => person(Role.CUSTOMER).token, null],
    ['a vendor', () => person(Role.VENDOR).token, null],
    ['anonymous', () => undefined, null],
  ])('%s → %j', async (_who, token, expected) => {
    const data = await payments.client.data<{ _entities: unknown[] }>(QUERY, {
      variables: { reps: [{ __typename: 'Payment', id: disputed[1].id }] },
      token: token(),
    });
    expect(data._entities).toEqual([expected]);
  });
});

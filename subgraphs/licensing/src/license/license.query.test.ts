import { randomUUID } from 'node:crypto';
import { TestSubgraph, globalId, person, uuidOf } from '@marketplace/kit/testing';
import {
  LICENSE_FIELDS,
  LicenseView,
  activate,
  licensed,
  licensesOf,
  orderLicensesAnswer,
  orderPaid,
  orderRep,
  sqlDuring,
  startLicensing,
} from '../testing';

/** Who sees which license, and how: keys for owners and admins only. */
let licensing: TestSubgraph;
beforeAll(async () => {
  licensing = await startLicensing();
});
afterAll(() => licensing.close());

interface Page {
  edges: { cursor: string; node: LicenseView }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}
const PAGE = `edges { cursor node { ${LICENSE_FIELDS} } } pageInfo { hasNextPage endCursor } totalCount`;
const USER = `query($reps: [_Any!]!, $first: Int, $after: String) { _entities(representations: $reps) { ... on User { id licenses(first: $first, after: $after) { ${PAGE} } } } }`;
const ENTITY = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on License { id key status } } }`;

describe('Order.licenses', () => {
  it("the owner and admins see the order's licenses with keys; another customer is FORBIDDEN, anonymous callers UNAUTHENTICATED (field null)", async () => {
    const { owner, order, licenses } = await licensed(licensing, [randomUUID(), randomUUID()]);
    expect(licenses).toHaveLength(2);
    for (const license of licenses) {
      expect(license).toMatchObject({
        status: 'ACTIVE',
        maxActivations: 3,
        order: { id: globalId('Order', order.orderId) },
        owner: { id: globalId('User', owner.id) },
        activations: [],
        expiresAt: null,
      });
      expect(license.key).toMatch(/^MP1\./);
    }
    expect((await licensesOf(licensing, order.orderId, person('ADMIN').token)).map((l) => l.key)).toEqual(
      licenses.map((l) => l.key),
    );
    expect(await orderLicensesAnswer(licensing, order.orderId, person().token)).toEqual({
      licenses: null,
      code: 'FORBIDDEN',
    });
    expect(await orderLicensesAnswer(licensing, order.orderId, undefined)).toEqual({
      licenses: null,
      code: 'UNAUTHENTICATED',
    });
  });

  it('an order without licenses (not paid yet) is [] for anyone signed in: there is nothing to hide', async () => {
    const unpaid = orderPaid(person());
    for (const token of [person().token, person('ADMIN').token])
      expect(await orderLicensesAnswer(licensing, unpaid.orderId, token)).toEqual({ licenses: [], code: undefined });
    expect((await orderLicensesAnswer(licensing, unpaid.orderId, undefined)).code).toBe('UNAUTHENTICATED');
  });

  it("in one response, refuses only the orders the viewer may not see: the own order's licenses, null for another's", async () => {
    const mine = await licensed(licensing);
    const theirs = await licensed(licensing);
    const reps = [mine, theirs].map(({ order }) => orderRep(order.orderId));
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id licenses { id } } } }`;
    const result = await licensing.client.request<{ _entities: { id: string; licenses: { id: string }[] | null }[] }>(
      query,
      { variables: { reps }, token: mine.owner.token },
    );
    expect(result.data?._entities).toEqual([
      { id: globalId('Order', mine.order.orderId), licenses: [{ id: mine.license.id }] },
      { id: globalId('Order', theirs.order.orderId), licenses: null },
    ]);
    expect(result.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['_entities', 1, 'licenses'], 'FORBIDDEN'],
    ]);
  });

  it('loads every order of a response in one statement', async () => {
    const a = await licensed(licensing);
    const b = await licensed(licensing);
    const reps = [a, b].map(({ order }) => orderRep(order.orderId));
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { licenses { id activations { fingerprint } } } } }`;
    const { result, statements } = await sqlDuring(licensing, () =>
      licensing.client.data<{ _entities: { licenses: { id: string }[] }[] }>(query, {
        variables: { reps },
        token: person('ADMIN').token,
      }),
    );
    expect(result._entities.map((o) => o.licenses.map((l) => l.id))).toEqual([[a.license.id], [b.license.id]]);
    expect(statements.filter((sql) => /FROM licenses/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /FROM activations/.test(sql))).toHaveLength(1);
  });
});

describe('License references', () => {
  it('resolve for the owner (with key) and admins; null for other customers and anonymous callers, and for malformed, bare, unknown or wrong-type ids', async () => {
    const { owner, license } = await licensed(licensing);
    const uuid = uuidOf(license.id);
    expect(license.id).toBe(globalId('License', uuid));
    const reps = [
      { __typename: 'License', id: license.id },
      { __typename: 'License', id: 'not-a-uuid' },
      { __typename: 'License', id: uuid },
      { __typename: 'License', id: globalId('License', randomUUID()) },
      { __typename: 'License', id: globalId('Order', uuid) },
    ];
    const none = [null, null, null, null];
    const as = async (token?: string) =>
      (await licensing.client.data<{ _entities: unknown[] }>(ENTITY, { variables: { reps }, token }))._entities;
    expect(await as(owner.token)).toEqual([{ id: license.id, key: license.key, status: 'ACTIVE' }, ...none]);
    expect(await as(person('ADMIN').token)).toEqual([{ id: license.id, key: license.key, status: 'ACTIVE' }, ...none]);
    expect(await as(person().token)).toEqual([null, ...none]);
    expect(await as()).toEqual([null, ...none]);
  });

  it('a validating stranger sees a VALID license without its key', async () => {
    const { owner, key } = await licensed(licensing);
    expect((await activate(licensing, key, 'fp', owner.token)).errors).toBeUndefined();
    const seen = await licensing.client.data<{
      validateLicense: { license: { key: string | null; owner: { id: string } } };
    }>(
      `query($key: String!) { validateLicense(licenseKey: $key, fingerprint: "fp") { license { key owner { id } } } }`,
      { variables: { key }, token: person().token },
    );
    expect(seen.validateLicense.license).toEqual({ key: null, owner: { id: globalId('User', owner.id) } });
  });
});

describe('User.licenses (me { licenses })', () => {
  let owner: ReturnType<typeof person>;
  let ids: string[];
  beforeAll(async () => {
    owner = person();
    ids = [];
    for (let i = 0; i < 3; i += 1)
      ids.push(...(await licensed(licensing, [randomUUID()], owner)).licenses.map((l) => l.id));
    // Issued within the same second: the newest first by (issued_at, id).
    await licensing.subgraph.deps.db.query(
      `UPDATE licenses SET issued_at = issued_at + (ord * interval '1 second') FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, ord) WHERE licenses.id = t.id`,
      [ids.map(uuidOf)],
    );
    await licensed(licensing); // someone else's license is never listed
  });

  it("pages through the signed-in user's own licenses newest first", async () => {
    const reps = [{ __typename: 'User', id: globalId('User', owner.id) }];
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 2; page += 1) {
      const data: { _entities: { licenses: Page }[] } = await licensing.client.data<{
        _entities: { licenses: Page }[];
      }>(USER, { variables: { reps, first: 2, after }, token: owner.token });
      const licenses = data._entities[0].licenses;
      expect(licenses.totalCount).toBe(3);
      expect(licenses.pageInfo.hasNextPage).toBe(page === 0);
      seen.push(...licenses.edges.map((e) => e.node.id));
      after = licenses.pageInfo.endCursor;
    }
    expect(seen).toEqual([...ids].reverse());
    expect(await licensing.client.errorCode(USER, { variables: { reps, after: 'forged' }, token: owner.token })).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('User.licenses: the user and admins; FORBIDDEN (field null) for another customer and anonymous callers', async () => {
    const reps = [{ __typename: 'User', id: globalId('User', owner.id) }];
    for (const token of [owner.token, person('ADMIN').token]) {
      const data = await licensing.client.data<{ _entities: { licenses: Page }[] }>(USER, {
        variables: { reps, first: 10 },
        token,
      });
      expect(data._entities[0].licenses.edges.map((e) => e.node.id)).toEqual([...ids].reverse());
      expect(data._entities[0].licenses.edges[0].node.key).toMatch(/^MP1\./);
    }
    const other = await licensing.client.request<{ _entities: { id: string; licenses: Page | null }[] }>(USER, {
      variables: { reps },
      token: person().token,
    });
    expect(other.data?._entities[0]).toEqual({ id: globalId('User', owner.id), licenses: null });
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await licensing.client.request<{ _entities: { id: string; licenses: Page | null }[] }>(USER, {
      variables: { reps },
    });
    expect(anonymous.data?._entities[0]).toEqual({ id: globalId('User', owner.id), licenses: null });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

import { randomUUID } from 'node:crypto';
import { TestSubgraph, person } from '@marketplace/kit/testing';
import { LICENSE_FIELDS, LicenseView, licensed, licensesOf, sqlDuring, startLicensing } from '../testing';

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
const MY = `query($first: Int, $after: String) { myLicenses(first: $first, after: $after) { ${PAGE} } }`;
const USER = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id licenses(first: 10) { ${PAGE} } } } }`;
const ENTITY = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on License { id key status } } }`;

describe('Order.licenses', () => {
  it("the owner and admins see the order's licenses with keys; another customer and anonymous callers get []", async () => {
    const { owner, order, licenses } = await licensed(licensing, [randomUUID(), randomUUID()]);
    expect(licenses).toHaveLength(2);
    for (const license of licenses) {
      expect(license).toMatchObject({
        status: 'ACTIVE',
        maxActivations: 3,
        order: { id: order.orderId },
        owner: { id: owner.id },
        activations: [],
        expiresAt: null,
      });
      expect(license.key).toMatch(/^MP1\./);
    }
    expect((await licensesOf(licensing, order.orderId, person('ADMIN').token)).map((l) => l.key)).toEqual(
      licenses.map((l) => l.key),
    );
    expect(await licensesOf(licensing, order.orderId, person().token)).toEqual([]);
    expect(await licensesOf(licensing, order.orderId, undefined)).toEqual([]);
  });

  it('loads every order of a response in one statement', async () => {
    const a = await licensed(licensing);
    const b = await licensed(licensing);
    const reps = [a, b].map(({ order }) => ({ __typename: 'Order', id: order.orderId }));
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
  it('resolve for the owner (with key) and admins; null for other customers and anonymous callers', async () => {
    const { owner, license } = await licensed(licensing);
    const reps = [
      { __typename: 'License', id: license.id },
      { __typename: 'License', id: 'not-a-uuid' },
    ];
    const as = async (token?: string) =>
      (await licensing.client.data<{ _entities: unknown[] }>(ENTITY, { variables: { reps }, token }))._entities;
    expect(await as(owner.token)).toEqual([{ id: license.id, key: license.key, status: 'ACTIVE' }, null]);
    expect(await as(person('ADMIN').token)).toEqual([{ id: license.id, key: license.key, status: 'ACTIVE' }, null]);
    expect(await as(person().token)).toEqual([null, null]);
    expect(await as()).toEqual([null, null]);
  });

  it('a validating stranger sees a VALID license without its key', async () => {
    const { owner, key } = await licensed(licensing);
    await licensing.client.data(`mutation($key: String!) { activateLicense(key: $key, fingerprint: "fp") { id } }`, {
      variables: { key },
      token: owner.token,
    });
    const seen = await licensing.client.data<{
      validateLicense: { license: { key: string | null; owner: { id: string } } };
    }>(`query($key: String!) { validateLicense(key: $key, fingerprint: "fp") { license { key owner { id } } } }`, {
      variables: { key },
      token: person().token,
    });
    expect(seen.validateLicense.license).toEqual({ key: null, owner: { id: owner.id } });
  });
});

describe('myLicenses and User.licenses', () => {
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
      [ids],
    );
    await licensed(licensing); // someone else's license is never listed
  });

  it("pages through the signed-in user's licenses newest first", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 2; page += 1) {
      const { myLicenses }: { myLicenses: Page } = await licensing.client.data<{ myLicenses: Page }>(MY, {
        variables: { first: 2, after },
        token: owner.token,
      });
      expect(myLicenses.totalCount).toBe(3);
      expect(myLicenses.pageInfo.hasNextPage).toBe(page === 0);
      seen.push(...myLicenses.edges.map((e) => e.node.id));
      after = myLicenses.pageInfo.endCursor;
    }
    expect(seen).toEqual([...ids].reverse());
    expect(await licensing.client.errorCode(MY)).toBe('UNAUTHENTICATED');
    expect(await licensing.client.errorCode(MY, { variables: { after: 'forged' }, token: owner.token })).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('User.licenses: the user and admins; FORBIDDEN (field null) for another customer and anonymous callers', async () => {
    const reps = [{ __typename: 'User', id: owner.id }];
    for (const token of [owner.token, person('ADMIN').token]) {
      const data = await licensing.client.data<{ _entities: { licenses: Page }[] }>(USER, {
        variables: { reps },
        token,
      });
      expect(data._entities[0].licenses.edges.map((e) => e.node.id)).toEqual([...ids].reverse());
      expect(data._entities[0].licenses.edges[0].node.key).toMatch(/^MP1\./);
    }
    const other = await licensing.client.request<{ _entities: { id: string; licenses: Page | null }[] }>(USER, {
      variables: { reps },
      token: person().token,
    });
    expect(other.data?._entities[0]).toEqual({ id: owner.id, licenses: null });
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await licensing.client.request(USER, { variables: { reps } });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

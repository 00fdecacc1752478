import { randomUUID } from 'node:crypto';
import { PUBLIC_DATA_MAX_AGE_SECONDS, Role } from '@marketplace/kit';
import { TestSubgraph, globalId, person } from '@marketplace/kit/testing';
import { VendorView, applyAs, sqlDuring, startVendor, vendorIn } from '../testing';

let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor();
});
afterAll(() => vendor.close());

const VENDOR_ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Vendor { id status slug rejectionReason owner { id } } } }`;
const USER_ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id vendor { id status rejectionReason } } } }`;
const vendorReps = (ids: string[]) => ids.map((id) => ({ __typename: 'Vendor', id }));
const userReps = (ids: string[]) => ids.map((id) => ({ __typename: 'User', id }));
/** A person's User id as the API answers it (people are made with bare uuids). */
const userId = (who: { id: string }) => globalId('User', who.id);

describe('Vendor _entities', () => {
  it('resolves many representations in every status, unknown and malformed ones as null, in one SQL statement', async () => {
    const made = await Promise.all(
      (['PENDING', 'ACTIVE', 'REJECTED', 'SUSPENDED', 'ACTIVE', 'PENDING'] as const).map((status) =>
        vendorIn(vendor, status, admin),
      ),
    );
    const ids = [
      ...made.slice(0, 3).map((m) => m.vendor.id),
      globalId('Vendor', randomUUID()),
      'not-a-uuid',
      '',
      made[1].vendor.id,
      ...made.slice(3).map((m) => m.vendor.id),
      "'; DROP TABLE vendors; --",
    ];
    const { result, statements } = await sqlDuring(vendor, () =>
      vendor.client.data(VENDOR_ENTITIES, { variables: { r: vendorReps(ids) }, token: admin.token }),
    );
    expect(result._entities).toEqual(
      ids.map((id) => {
        const found = made.find((m) => m.vendor.id === id);
        return found
          ? {
              id,
              status: found.vendor.status,
              slug: found.vendor.slug,
              rejectionReason: found.vendor.rejectionReason,
              owner: { id: userId(found.owner) },
            }
          : null;
      }),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^SELECT .* FROM "vendor"\."vendors"/);
  });

  it('hides private fields from viewers who are not the owner or an admin', async () => {
    const { owner, vendor: rejected } = await vendorIn(vendor, 'REJECTED', admin);
    const ask = (token?: string) =>
      vendor.client.data(VENDOR_ENTITIES, { variables: { r: vendorReps([rejected.id]) }, token });
    expect((await ask())._entities[0].rejectionReason).toBeNull();
    expect((await ask(person().token))._entities[0].rejectionReason).toBeNull();
    expect((await ask(owner.token))._entities[0].rejectionReason).toBe('Not a fit for the marketplace yet.');
  });

  it('sends no SQL at all when every id is malformed', async () => {
    const { result, statements } = await sqlDuring(vendor, () =>
      vendor.client.data(VENDOR_ENTITIES, { variables: { r: vendorReps(['x', '1', 'null']) } }),
    );
    expect(result._entities).toEqual([null, null, null]);
    expect(statements).toEqual([]);
  });
});

describe('cache policy of Vendor answers (what gateways may share across viewers)', () => {
  const cacheControlOf = async (query: string, ids: string[], token?: string) =>
    (await vendor.client.request(query, { variables: { r: vendorReps(ids) }, token })).headers.get('cache-control');

  it('declares the public profile public in every status, for every viewer', async () => {
    const { owner, vendor: active } = await vendorIn(vendor, 'ACTIVE', admin);
    const { vendor: suspended } = await vendorIn(vendor, 'SUSPENDED', admin);
    const profile = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Vendor { id displayName slug bio status commissionRate owner { id } } } }`;
    for (const token of [undefined, person().token, owner.token, admin.token]) {
      expect(await cacheControlOf(profile, [active.id, suspended.id], token)).toBe(
        `max-age=${PUBLIC_DATA_MAX_AGE_SECONDS}, public`,
      );
    }
  });

  it('never shares private fields, money or unknown ids, whoever asks', async () => {
    const { owner, vendor: active } = await vendorIn(vendor, 'ACTIVE', admin);
    const privateSelections = [
      'rejectionReason',
      'suspensionReason',
      'balance { currency }',
      'stats(period: ALL_TIME) { saleCount }',
      'ledger(first: 1) { totalCount }',
      'payouts(first: 1) { totalCount }',
    ];
    for (const selection of privateSelections) {
      const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Vendor { id ${selection} } } }`;
      for (const token of [undefined, owner.token, admin.token])
        expect(await cacheControlOf(query, [active.id], token)).toBe('no-store');
    }
  });

  it("never shares a user's vendor profile: whether it shows depends on who asks", async () => {
    for (const status of ['ACTIVE', 'PENDING'] as const) {
      const { owner } = await vendorIn(vendor, status, admin);
      for (const token of [undefined, owner.token, admin.token]) {
        const answer = await vendor.client.request(USER_ENTITIES, {
          variables: { r: userReps([userId(owner)]) },
          token,
        });
        expect(answer.headers.get('cache-control')).toBe('no-store');
      }
    }
  });
});

describe('User.vendor', () => {
  it('loads the vendors of many users in one SQL statement, null for users without one, a malformed id null', async () => {
    const made = await Promise.all(Array.from({ length: 6 }, () => vendorIn(vendor, 'ACTIVE', admin)));
    const strangers = [globalId('User', randomUUID()), globalId('User', randomUUID())];
    const ids = [
      userId(made[0].owner),
      strangers[0],
      ...made.slice(1).map((m) => userId(m.owner)),
      'not-a-uuid',
      strangers[1],
      userId(made[2].owner),
    ];
    const { result, statements } = await sqlDuring(vendor, () =>
      vendor.client.data(USER_ENTITIES, { variables: { r: userReps(ids) } }),
    );
    expect(result._entities).toEqual(
      ids.map((id) => {
        if (id === 'not-a-uuid') return null; // no User's id: no User
        const found = made.find((m) => userId(m.owner) === id);
        return { id, vendor: found ? { id: found.vendor.id, status: 'ACTIVE', rejectionReason: null } : null };
      }),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^SELECT .* FROM "vendor"\."vendors"/);
  });

  it('shows only ACTIVE vendors to the public, and any status to the owner and admins', async () => {
    const made = await Promise.all(
      (['PENDING', 'ACTIVE', 'REJECTED', 'SUSPENDED'] as const).map((status) => vendorIn(vendor, status, admin)),
    );
    const reps = userReps(made.map((m) => userId(m.owner)));
    const statusesFor = async (token?: string) =>
      (await vendor.client.data(USER_ENTITIES, { variables: { r: reps }, token }))._entities.map(
        (e: { vendor: VendorView | null }) => e.vendor?.status ?? null,
      );
    expect(await statusesFor()).toEqual([null, 'ACTIVE', null, null]);
    expect(await statusesFor(person().token)).toEqual([null, 'ACTIVE', null, null]);
    expect(await statusesFor(person(Role.VENDOR).token)).toEqual([null, 'ACTIVE', null, null]);
    expect(await statusesFor(admin.token)).toEqual(['PENDING', 'ACTIVE', 'REJECTED', 'SUSPENDED']);
    const [pending, , rejected] = made;
    expect(await statusesFor(pending.owner.token)).toEqual(['PENDING', 'ACTIVE', null, null]);
    expect(await statusesFor(rejected.owner.token)).toEqual([null, 'ACTIVE', 'REJECTED', null]);
  });

  it('batches per request: concurrent requests each send their own single statement and see their own private fields', async () => {
    const made = await Promise.all(Array.from({ length: 4 }, () => vendorIn(vendor, 'REJECTED', admin)));
    const owners = made.map((m) => m.owner);
    const { result, statements } = await sqlDuring(vendor, () =>
      Promise.all(
        owners.map((owner) =>
          vendor.client.data(USER_ENTITIES, {
            variables: { r: userReps(owners.map(userId)) },
            token: owner.token,
          }),
        ),
      ),
    );
    expect(statements).toHaveLength(4);
    result.forEach(({ _entities }, i) => {
      expect(_entities.map((e: { vendor: VendorView | null }) => e.vendor?.id ?? null)).toEqual(
        made.map((m, j) => (i === j ? m.vendor.id : null)),
      );
    });
  });
});

describe('Vendor.owner', () => {
  it('points at the owner by key, without any SQL of its own', async () => {
    const { owner, vendor: made } = await applyAs(vendor);
    const { result, statements } = await sqlDuring(vendor, () =>
      vendor.client.data(`query($id: ID!) { vendor(id: $id) { owner { id } } }`, {
        variables: { id: made.id },
        token: owner.token,
      }),
    );
    expect(result.vendor.owner).toEqual({ id: userId(owner) });
    expect(statements).toHaveLength(1);
    expect(made.owner).toEqual({ id: userId(owner) });
  });
});

import { Role, queryRows } from '@marketplace/kit';
import { Person, TestSubgraph, globalId, outboxOf, person, uuidOf } from '@marketplace/kit/testing';
import { APPLY, VENDOR_FIELDS, VendorView, applyAs, startVendor, uniqueName, vendorIn } from '../testing';

let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor({ VENDOR_DEFAULT_COMMISSION_BPS: '1250' });
});
afterAll(() => vendor.close());

/** `me { vendor }` (the former myVendor): the gateway asks for the signed-in User's vendor by key. */
const VENDOR_OF_USER = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { vendor { ${VENDOR_FIELDS} } } } }`;
const vendorOfUser = async (who: Person, token: string | undefined) =>
  (
    await vendor.client.data<{ _entities: { vendor: VendorView | null }[] }>(VENDOR_OF_USER, {
      variables: { r: [{ __typename: 'User', id: globalId('User', who.id) }] },
      token,
    })
  )._entities[0].vendor;
const myVendor = (who: Person) => vendorOfUser(who, who.token);
const UPDATE = `mutation($input: UpdateVendorProfileInput!) { updateVendorProfile(input: $input) { vendor { ${VENDOR_FIELDS} } } }`;
type Payload = { vendor: VendorView };
const db = () => vendor.subgraph.deps.db;
const apply = (who: Person | undefined, input: Record<string, unknown>) =>
  vendor.client.request<{ applyAsVendor: Payload | null }>(APPLY, { variables: { input }, token: who?.token });
/** The vendor rows of a user, their ids as the API answers them. */
const vendorsOf = async (userId: string) =>
  (await queryRows<{ id: string }>(db(), 'SELECT id, status, slug FROM vendors WHERE user_id = $1', [userId])).map(
    (row) => ({ ...row, id: globalId('Vendor', row.id) }),
  );

describe('applyAsVendor', () => {
  it('refuses an anonymous caller with UNAUTHENTICATED and stores nothing', async () => {
    const result = await apply(undefined, { displayName: uniqueName() });
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data).toEqual({ applyAsVendor: null });
  });

  it('creates a PENDING vendor for a customer, with a slug made from the name and the configured commission', async () => {
    const customer = person();
    const result = await apply(customer, {
      displayName: '  Ada   Lovelace Labs ',
      bio: '  Analytical engines, as a service.\nSince 1843. ',
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.applyAsVendor!.vendor).toMatchObject({
      displayName: 'Ada   Lovelace Labs',
      slug: 'ada-lovelace-labs',
      bio: 'Analytical engines, as a service.\nSince 1843.',
      status: 'PENDING',
      commissionRate: 0.125,
      rejectionReason: null,
      suspensionReason: null,
      approvedAt: null,
      owner: { id: globalId('User', customer.id) },
    });
    const created = result.data!.applyAsVendor!.vendor;
    expect(new Date(created.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await vendorsOf(customer.id)).toEqual([{ id: created.id, status: 'PENDING', slug: 'ada-lovelace-labs' }]);
  });

  it('tells the admins (vendor.applied, in the same transaction), once per application', async () => {
    const customer = person();
    const created = (await apply(customer, { displayName: uniqueName() })).data!.applyAsVendor!.vendor;
    const applied = (await outboxOf(vendor, uuidOf(created.id))).filter((e) => e.type === 'vendor.applied');
    expect(applied.map((e) => e.payload)).toEqual([
      { vendorId: uuidOf(created.id), userId: customer.id, displayName: created.displayName },
    ]);
    // A refused second application records nothing.
    expect((await apply(customer, { displayName: uniqueName() })).errors?.[0].extensions?.code).toBe('CONFLICT');
    expect((await outboxOf(vendor, uuidOf(created.id))).filter((e) => e.type === 'vendor.applied')).toHaveLength(1);
  });

  it.each([Role.VENDOR, Role.ADMIN])('accepts a %s who has no vendor yet', async (role) => {
    const { vendor: created, owner } = await applyAs(vendor, person(role));
    expect(created).toMatchObject({ status: 'PENDING', owner: { id: globalId('User', owner.id) } });
  });

  it('keeps a chosen slug; a null, omitted or blank bio is null (never "")', async () => {
    const slug = `chosen-${Date.now().toString(36)}`;
    const { vendor: created } = await applyAs(vendor, person(), { slug, bio: null });
    expect(created).toMatchObject({ slug, bio: null });
    expect((await applyAs(vendor, person(), {})).vendor.bio).toBeNull();
    expect((await applyAs(vendor, person(), { bio: '  \n ' })).vendor.bio).toBeNull();
  });

  it('de-duplicates a generated slug with a numeric suffix', async () => {
    const name = uniqueName('Same Name');
    const first = await applyAs(vendor, person(), { displayName: name });
    const second = await applyAs(vendor, person(), { displayName: name });
    const third = await applyAs(vendor, person(), { displayName: name });
    expect([first, second, third].map((made) => made.vendor.slug)).toEqual([
      first.vendor.slug,
      `${first.vendor.slug}-2`,
      `${first.vendor.slug}-3`,
    ]);
  });

  it('refuses a chosen slug another vendor has, as CONFLICT (SLUG_TAKEN) on input.slug', async () => {
    const taken = await applyAs(vendor);
    const applicant = person();
    const result = await apply(applicant, { displayName: uniqueName(), slug: taken.vendor.slug });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'SLUG_TAKEN',
      fields: [{ field: 'input.slug', message: expect.any(String) }],
    });
    expect(await vendorsOf(applicant.id)).toEqual([]);
  });

  it.each([
    ['an empty name', { displayName: '' }, ['input.displayName']],
    ['a blank name', { displayName: '   ' }, ['input.displayName']],
    ['an over-long name', { displayName: 'x'.repeat(81) }, ['input.displayName']],
    ['a slug with upper case', { slug: 'Ada-Agents' }, ['input.slug']],
    ['a slug with an underscore', { slug: 'ada_agents' }, ['input.slug']],
    ['a two-character slug', { slug: 'ab' }, ['input.slug']],
    ['a 49-character slug', { slug: 'x'.repeat(49) }, ['input.slug']],
    ['an over-long bio', { bio: 'x'.repeat(2001) }, ['input.bio']],
    [
      'everything wrong at once',
      { displayName: '', slug: 'NO!', bio: 'x'.repeat(2001) },
      ['input.displayName', 'input.slug', 'input.bio'],
    ],
  ])('refuses %s with BAD_USER_INPUT naming every field', async (_label, override, fields) => {
    const applicant = person();
    const result = await apply(applicant, { displayName: uniqueName(), ...override });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((result.errors?.[0].extensions?.fields as { field: string }[]).map((f) => f.field)).toEqual(fields);
    expect(await vendorsOf(applicant.id)).toEqual([]);
  });

  it.each(['PENDING', 'ACTIVE', 'SUSPENDED'] as const)(
    'refuses a second application while the first is %s, as CONFLICT (ALREADY_A_VENDOR) naming its status',
    async (status) => {
      const { owner, vendor: first } = await vendorIn(vendor, status, admin);
      const result = await apply(owner, { displayName: uniqueName() });
      expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'ALREADY_A_VENDOR' });
      expect(result.errors?.[0].message).toContain(status);
      expect(await vendorsOf(owner.id)).toEqual([{ id: first.id, status, slug: first.slug }]);
    },
  );

  it('lets a rejected applicant apply again: the same row goes back to PENDING, reason cleared', async () => {
    const { owner, vendor: rejected } = await vendorIn(vendor, 'REJECTED', admin);
    expect(rejected.rejectionReason).toBe('Not a fit for the marketplace yet.');
    const again = await apply(owner, { displayName: 'Second Try Studio', slug: rejected.slug, bio: 'Now with tests.' });
    expect(again.errors).toBeUndefined();
    expect(again.data!.applyAsVendor!.vendor).toMatchObject({
      id: rejected.id,
      status: 'PENDING',
      displayName: 'Second Try Studio',
      slug: rejected.slug,
      bio: 'Now with tests.',
      rejectionReason: null,
    });
    expect(await vendorsOf(owner.id)).toHaveLength(1);
  });

  it("keeps a re-applicant's own generated slug rather than suffixing it", async () => {
    const name = uniqueName('Again');
    const { owner, vendor: first } = await applyAs(vendor, person(), { displayName: name });
    await vendor.client.data(
      `mutation($id: ID!) { rejectVendor(input: { vendorId: $id, reason: "Incomplete" }) { vendor { id } } }`,
      { variables: { id: first.id }, token: admin.token },
    );
    const again = await vendor.client.data<{ applyAsVendor: Payload }>(APPLY, {
      variables: { input: { displayName: name } },
      token: owner.token,
    });
    expect(again.applyAsVendor.vendor.slug).toBe(first.slug);
  });

  it('creates one vendor when a user applies many times at once', async () => {
    const applicant = person();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => apply(applicant, { displayName: `Racer ${i} ${uniqueName()}` })),
    );
    expect(results.filter((r) => r.data?.applyAsVendor).length).toBe(1);
    expect(results.filter((r) => r.errors?.[0].extensions?.code === 'CONFLICT').length).toBe(7);
    expect(await vendorsOf(applicant.id)).toHaveLength(1);
  });

  it('gives concurrent applicants with one name distinct generated slugs', async () => {
    const name = uniqueName('Crowd');
    const results = await Promise.all(Array.from({ length: 6 }, () => apply(person(), { displayName: name })));
    expect(results.map((r) => r.errors)).toEqual(results.map(() => undefined));
    const slugs = results.map((r) => r.data!.applyAsVendor!.vendor.slug);
    expect(new Set(slugs).size).toBe(6);
  });
});

describe('me { vendor } (the former myVendor)', () => {
  it('is null for a user who never applied', async () => {
    expect(await myVendor(person())).toBeNull();
  });

  it.each(['PENDING', 'ACTIVE', 'REJECTED', 'SUSPENDED'] as const)(
    'shows the owner their %s vendor with its private fields; the public only an ACTIVE one, without them',
    async (status) => {
      const { owner, vendor: made } = await vendorIn(vendor, status, admin);
      const mine = await myVendor(owner);
      expect(mine).toEqual(made);
      if (status === 'REJECTED') expect(mine!.rejectionReason).toBe('Not a fit for the marketplace yet.');
      if (status === 'SUSPENDED') expect(mine!.suspensionReason).toBe('Chargebacks under review.');
      expect(await vendorOfUser(owner, undefined)).toEqual(
        status === 'ACTIVE' ? { ...made, rejectionReason: null, suspensionReason: null } : null,
      );
    },
  );
});

describe('updateVendorProfile', () => {
  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    expect(await vendor.client.errorCode(UPDATE, { variables: { input: { bio: 'x' } } })).toBe('UNAUTHENTICATED');
  });

  it('answers NOT_FOUND to a user without a vendor, even an admin', async () => {
    expect(await vendor.client.errorCode(UPDATE, { variables: { input: { bio: 'x' } }, token: person().token })).toBe(
      'NOT_FOUND',
    );
    expect(await vendor.client.errorCode(UPDATE, { variables: { input: { bio: 'x' } }, token: admin.token })).toBe(
      'NOT_FOUND',
    );
  });

  it("changes only the owner's own vendor, leaving omitted fields as they are", async () => {
    const { owner, vendor: mine } = await vendorIn(vendor, 'ACTIVE', admin);
    const other = await applyAs(vendor);
    const slug = `renamed-${Date.now().toString(36)}`;
    const { updateVendorProfile } = await vendor.client.data<{ updateVendorProfile: Payload }>(UPDATE, {
      variables: { input: { displayName: ' Renamed Shop ', slug } },
      token: owner.token,
    });
    expect(updateVendorProfile.vendor).toEqual({ ...mine, displayName: 'Renamed Shop', slug });
    const [otherRow] = await queryRows(db(), 'SELECT display_name, slug FROM vendors WHERE id = $1', [
      uuidOf(other.vendor.id),
    ]);
    expect(otherRow).toEqual({ display_name: other.vendor.displayName, slug: other.vendor.slug });
  });

  it('records vendor.updated when the public name or slug changes, and nothing for a bio edit', async () => {
    const { owner, vendor: mine } = await vendorIn(vendor, 'ACTIVE', admin);
    const before = (await outboxOf(vendor, uuidOf(mine.id))).length;
    await vendor.client.data(UPDATE, { variables: { input: { bio: 'Only the bio' } }, token: owner.token });
    expect(await outboxOf(vendor, uuidOf(mine.id))).toHaveLength(before);
    await vendor.client.data(UPDATE, {
      variables: { input: { displayName: 'Brand New Name' } },
      token: owner.token,
      headers: { 'x-request-id': 'rename-1' },
    });
    const events = await outboxOf(vendor, uuidOf(mine.id));
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({
      type: 'vendor.updated',
      correlationId: 'rename-1',
      payload: { vendorId: uuidOf(mine.id), userId: owner.id, displayName: 'Brand New Name', slug: mine.slug },
    });
  });

  it('keeps an omitted bio, and removes it with null or a blank string', async () => {
    const update = async (owner: Person, input: Record<string, unknown>) =>
      (await vendor.client.data<{ updateVendorProfile: Payload }>(UPDATE, { variables: { input }, token: owner.token }))
        .updateVendorProfile.vendor.bio;
    const { owner } = await applyAs(vendor, person(), { bio: 'Original bio' });
    expect(await update(owner, { displayName: 'Kept Bio' })).toBe('Original bio');
    expect(await update(owner, { bio: null })).toBeNull();
    expect(await update(owner, { bio: 'Again' })).toBe('Again');
    expect(await update(owner, { bio: '  ' })).toBeNull();
    const [row] = await queryRows(db(), 'SELECT bio FROM vendors WHERE user_id = $1', [owner.id]);
    expect(row).toEqual({ bio: null });
  });

  it('refuses null for the name and the slug, which cannot be removed', async () => {
    const { owner } = await applyAs(vendor);
    const result = await vendor.client.request(UPDATE, {
      variables: { input: { displayName: null, slug: null } },
      token: owner.token,
    });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.displayName' }, { field: 'input.slug' }],
    });
  });

  it('refuses bad input, naming every field, and a taken slug as CONFLICT on input.slug', async () => {
    const { owner, vendor: mine } = await applyAs(vendor);
    const taken = await applyAs(vendor);
    const bad = await vendor.client.request(UPDATE, {
      variables: { input: { displayName: '', slug: 'bad slug', bio: 'x'.repeat(2001) } },
      token: owner.token,
    });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((bad.errors?.[0].extensions?.fields as { field: string }[]).map((f) => f.field)).toEqual([
      'input.displayName',
      'input.slug',
      'input.bio',
    ]);
    const clash = await vendor.client.request(UPDATE, {
      variables: { input: { slug: taken.vendor.slug } },
      token: owner.token,
    });
    expect(clash.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'SLUG_TAKEN',
      fields: [{ field: 'input.slug' }],
    });
    const [row] = await queryRows(db(), 'SELECT slug, display_name FROM vendors WHERE id = $1', [uuidOf(mine.id)]);
    expect(row).toEqual({ slug: mine.slug, display_name: mine.displayName });
  });
});

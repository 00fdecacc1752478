import { Role, queryRows } from '@marketplace/kit';
import { Person, TestSubgraph, outboxOf, person, uuidOf } from '@marketplace/kit/testing';
import { applyAs, startVendor, vendorIn } from '../testing';

/** A vendor's website and social links: set through updateVendorProfile, read by everyone. */
let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor();
});
afterAll(() => vendor.close());

interface Links {
  id: string;
  website: string | null;
  socialLinks: { network: string; url: string }[];
}
const LINKS = 'id website socialLinks { network url }';
const UPDATE = `mutation($input: UpdateVendorProfileInput!) { updateVendorProfile(input: $input) { vendor { ${LINKS} } } }`;
const update = (who: Person | undefined, input: Record<string, unknown>) =>
  vendor.client.request<{ updateVendorProfile: { vendor: Links } | null }>(UPDATE, {
    variables: { input },
    token: who?.token,
  });
const linksOf = async (owner: Person, input: Record<string, unknown>) => {
  const result = await update(owner, input);
  expect(result.errors).toBeUndefined();
  return result.data!.updateVendorProfile!.vendor;
};
const publicRead = (id: string, token?: string) =>
  vendor.client.data<{ vendor: Links | null }>(`query($id: ID!) { vendor(id: $id) { ${LINKS} } }`, {
    variables: { id },
    token,
  });
const rowOf = async (vendorId: string) =>
  (
    await queryRows<{ website: string | null; social_links: unknown }>(
      vendor.subgraph.deps.db,
      'SELECT website, social_links FROM vendors WHERE id = $1',
      [uuidOf(vendorId)],
    )
  )[0];

const GITHUB = { network: 'GITHUB', url: 'https://github.com/ada' };
const MASTODON = { network: 'MASTODON', url: 'https://mastodon.social/@ada' };

describe('website and socialLinks', () => {
  it('start empty: null website, no links', async () => {
    const { owner } = await applyAs(vendor);
    expect(await linksOf(owner, {})).toMatchObject({ website: null, socialLinks: [] });
  });

  it('are set by the owner, normalised, and read by everyone once ACTIVE', async () => {
    const { owner, vendor: mine } = await vendorIn(vendor, 'ACTIVE', admin);
    const changed = await linksOf(owner, {
      website: ' https://Ada.Example ',
      socialLinks: [{ url: 'https://GitHub.com/ada' }, MASTODON, { url: 'https://ada.example/blog' }],
    });
    const expected = {
      id: mine.id,
      website: 'https://ada.example/',
      socialLinks: [GITHUB, MASTODON, { network: 'OTHER', url: 'https://ada.example/blog' }],
    };
    expect(changed).toEqual(expected);
    expect(await publicRead(mine.id)).toEqual({ vendor: expected });
    expect(await publicRead(mine.id, person().token)).toEqual({ vendor: expected });
    expect(await rowOf(mine.id)).toEqual({ website: expected.website, social_links: expected.socialLinks });
  });

  it('stay as they are when omitted; null or empty removes them; a new list replaces the old one', async () => {
    const { owner } = await applyAs(vendor);
    await linksOf(owner, { website: 'https://ada.example', socialLinks: [GITHUB, MASTODON] });
    expect(await linksOf(owner, { bio: 'Only the bio' })).toMatchObject({
      website: 'https://ada.example/',
      socialLinks: [GITHUB, MASTODON],
    });
    expect(await linksOf(owner, { socialLinks: [MASTODON] })).toMatchObject({ socialLinks: [MASTODON] });
    expect(await linksOf(owner, { website: '  ', socialLinks: [] })).toMatchObject({ website: null, socialLinks: [] });
    await linksOf(owner, { website: 'https://ada.example', socialLinks: [GITHUB] });
    expect(await linksOf(owner, { website: null, socialLinks: null })).toMatchObject({
      website: null,
      socialLinks: [],
    });
  });

  it('record no vendor.updated (the catalog replicates only the name and slug)', async () => {
    const { owner, vendor: mine } = await vendorIn(vendor, 'ACTIVE', admin);
    const before = (await outboxOf(vendor, uuidOf(mine.id))).length;
    await linksOf(owner, { website: 'https://ada.example', socialLinks: [GITHUB] });
    expect(await outboxOf(vendor, uuidOf(mine.id))).toHaveLength(before);
  });
});

describe('who may change them', () => {
  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const result = await update(undefined, { website: 'https://ada.example' });
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data).toEqual({ updateVendorProfile: null });
  });

  it.each([Role.CUSTOMER, Role.ADMIN])('answers NOT_FOUND to a %s without a vendor', async (role) => {
    const result = await update(person(role), { website: 'https://ada.example' });
    expect(result.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it("changes only the caller's own vendor: another vendor's edit never reaches it", async () => {
    const { owner, vendor: mine } = await vendorIn(vendor, 'ACTIVE', admin);
    const other = await vendorIn(vendor, 'ACTIVE', admin);
    await linksOf(owner, { website: 'https://mine.example' });
    const theirs = await linksOf(other.owner, { website: 'https://theirs.example', socialLinks: [GITHUB] });
    expect(theirs.id).toBe(other.vendor.id);
    expect(await rowOf(mine.id)).toEqual({ website: 'https://mine.example/', social_links: [] });
  });

  it.each(['PENDING', 'SUSPENDED'] as const)(
    'lets a %s vendor edit them; the public sees the vendor (and its links) only once ACTIVE',
    async (status) => {
      const { owner, vendor: mine } = await vendorIn(vendor, status, admin);
      await linksOf(owner, { website: 'https://hidden.example' });
      expect(await publicRead(mine.id)).toEqual({ vendor: null });
      expect((await publicRead(mine.id, owner.token)).vendor?.website).toBe('https://hidden.example/');
      expect((await publicRead(mine.id, admin.token)).vendor?.website).toBe('https://hidden.example/');
    },
  );
});

describe('bad input', () => {
  it('is BAD_USER_INPUT naming every field by its path, and changes nothing', async () => {
    const { owner, vendor: mine } = await applyAs(vendor);
    await linksOf(owner, { website: 'https://kept.example', socialLinks: [GITHUB] });
    const result = await update(owner, {
      website: 'javascript:alert(document.cookie)',
      socialLinks: [
        { network: 'GITHUB', url: 'https://evil.example/ada' },
        { url: 'https://user:pass@ada.example/' },
        { url: 'http://ada.example/' },
        { url: 'https://127.0.0.1/' },
        { url: 'https://github.com/ada' },
        { url: 'https://GITHUB.com/ada' },
      ],
    });
    expect(result.data).toEqual({ updateVendorProfile: null });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [
        { field: 'input.website', message: 'must be an https: address' },
        { field: 'input.socialLinks.0.url', message: 'must be on github.com for GITHUB' },
        { field: 'input.socialLinks.1.url', message: 'must not contain a user name or password' },
        { field: 'input.socialLinks.2.url', message: 'must be an https: address' },
        { field: 'input.socialLinks.3.url', message: 'must name a host, not an IP address' },
        { field: 'input.socialLinks.5.url', message: 'is the same address as input.socialLinks.4.url' },
      ],
    });
    expect(await rowOf(mine.id)).toEqual({ website: 'https://kept.example/', social_links: [GITHUB] });
  });

  it('refuses more than 10 links on the list itself, and an unknown network before any resolver runs', async () => {
    const { owner } = await applyAs(vendor);
    const many = Array.from({ length: 11 }, (_, i) => ({ url: `https://github.com/ada-${i}` }));
    const tooMany = await update(owner, { socialLinks: many });
    expect(tooMany.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.socialLinks', message: 'must list at most 10 links' }],
    });
    const unknown = await update(owner, { socialLinks: [{ network: 'MYSPACE', url: 'https://myspace.com/ada' }] });
    expect(unknown.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('races', () => {
  it('two concurrent edits leave one whole list, never a mix of both', async () => {
    const { owner, vendor: mine } = await applyAs(vendor);
    const first = [GITHUB, MASTODON];
    const second = [{ network: 'X', url: 'https://x.com/ada' }];
    const results = await Promise.all([
      update(owner, { website: 'https://first.example', socialLinks: first }),
      update(owner, { website: 'https://second.example', socialLinks: second }),
    ]);
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined]);
    const row = await rowOf(mine.id);
    expect([
      { website: 'https://first.example/', social_links: first },
      { website: 'https://second.example/', social_links: second },
    ]).toContainEqual(row);
  });
});

import { randomUUID } from 'node:crypto';
import { Role, queryRows } from '@marketplace/kit';
import { Person, TestSubgraph, globalId, person, uuidOf } from '@marketplace/kit/testing';
import { VENDOR_FIELDS, VendorView, applyAs, startVendor, vendorIn } from '../testing';

let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor();
});
afterAll(() => vendor.close());

const VENDOR = `query($id: ID!) { vendor(id: $id) { ${VENDOR_FIELDS} } }`;
const VENDOR_BY_SLUG = `query($slug: String!) { vendor: vendorBySlug(slug: $slug) { ${VENDOR_FIELDS} } }`;
const VENDORS = `query($status: VendorStatus, $first: Int, $after: String) {
  vendors(filter: { status: $status }, first: $first, after: $after) {
    totalCount
    edges { cursor node { id status createdAt rejectionReason } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const db = () => vendor.subgraph.deps.db;

interface VendorsPage {
  totalCount: number;
  edges: { cursor: string; node: { id: string; status: string; createdAt: string; rejectionReason: string | null } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}
const listVendors = (variables: Record<string, unknown>, token = admin.token) =>
  vendor.client.data<{ vendors: VendorsPage }>(VENDORS, { variables, token }).then((data) => data.vendors);

type Viewer = 'anonymous' | 'customer' | 'other vendor' | 'owner' | 'admin';
function viewerToken(viewer: Viewer, owner: Person): string | undefined {
  if (viewer === 'anonymous') return undefined;
  if (viewer === 'owner') return owner.token;
  if (viewer === 'admin') return admin.token;
  return person(viewer === 'customer' ? Role.CUSTOMER : Role.VENDOR).token;
}

describe('vendor(id) and vendorBySlug(slug)', () => {
  const statuses = ['PENDING', 'ACTIVE', 'REJECTED', 'SUSPENDED'] as const;
  const viewers: Viewer[] = ['anonymous', 'customer', 'other vendor', 'owner', 'admin'];
  const cases = statuses.flatMap((status) => viewers.map((viewer) => [status, viewer] as const));

  it.each(cases)('a %s vendor, asked for by %s', async (status, viewer) => {
    const { owner, vendor: made } = await vendorIn(vendor, status, admin);
    const token = viewerToken(viewer, owner);
    const visible = status === 'ACTIVE' || viewer === 'owner' || viewer === 'admin';
    const seesPrivate = viewer === 'owner' || viewer === 'admin';
    for (const [query, variables] of [
      [VENDOR, { id: made.id }],
      [VENDOR_BY_SLUG, { slug: made.slug }],
    ] as const) {
      const result = await vendor.client.request<{ vendor: VendorView | null }>(query, { variables, token });
      expect(result.errors).toBeUndefined();
      if (!visible) {
        expect(result.data).toEqual({ vendor: null });
        continue;
      }
      expect(result.data!.vendor).toEqual({
        ...made,
        rejectionReason: seesPrivate ? made.rejectionReason : null,
        suspensionReason: seesPrivate ? made.suspensionReason : null,
      });
    }
  });

  it('shows the seeded vendors to everyone', async () => {
    await vendor.subgraph.wiring.seed!();
    const { vendor: ada } = await vendor.client.data(VENDOR_BY_SLUG, { variables: { slug: 'ada-agents' } });
    expect(ada).toMatchObject({
      displayName: 'Ada Agents',
      status: 'ACTIVE',
      commissionRate: 0.15,
      rejectionReason: null,
    });
  });

  it('finds a slug whatever its case and surrounding spaces', async () => {
    const { vendor: made } = await vendorIn(vendor, 'ACTIVE', admin);
    const { vendor: found } = await vendor.client.data(VENDOR_BY_SLUG, {
      variables: { slug: `  ${made.slug.toUpperCase()} ` },
    });
    expect(found.id).toBe(made.id);
  });

  it.each(['not-a-uuid', "' OR 1=1 --", ''])('refuses a malformed id %j with BAD_USER_INPUT on id', async (id) => {
    const result = await vendor.client.request(VENDOR, { variables: { id }, token: admin.token });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'id' }] });
    expect(result.data).toEqual({ vendor: null });
  });

  it('refuses the id of another type (a Product id of the same uuid) with BAD_USER_INPUT on id', async () => {
    const { vendor: made } = await vendorIn(vendor, 'ACTIVE', admin);
    const result = await vendor.client.request(VENDOR, {
      variables: { id: globalId('Product', uuidOf(made.id)) },
      token: admin.token,
    });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'id' }] });
    expect(result.data).toEqual({ vendor: null });
  });

  it.each([
    [VENDOR, { id: globalId('Vendor', randomUUID()) }],
    [VENDOR_BY_SLUG, { slug: 'no-such-vendor' }],
    [VENDOR_BY_SLUG, { slug: 'bad slug %' }],
    [VENDOR_BY_SLUG, { slug: 'x'.repeat(5000) }],
  ])('answers null (never an error) for an unknown key %#', async (query, variables) => {
    const result = await vendor.client.request(query, { variables, token: admin.token });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ vendor: null });
  });
});

describe('vendors', () => {
  it.each<[Viewer, string]>([
    ['anonymous', 'UNAUTHENTICATED'],
    ['customer', 'FORBIDDEN'],
    ['other vendor', 'FORBIDDEN'],
  ])('refuses %s with %s and null', async (viewer, code) => {
    const result = await vendor.client.request(VENDORS, {
      variables: { first: 5 },
      token: viewerToken(viewer, person()),
    });
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(result.data).toEqual({ vendors: null });
  });

  it('lists every vendor for an admin, newest first, private fields included', async () => {
    const a = await vendorIn(vendor, 'REJECTED', admin);
    const b = await applyAs(vendor);
    const page = await listVendors({ first: 2 });
    expect(page.edges.map((e) => e.node.id)).toEqual([b.vendor.id, a.vendor.id]);
    expect(page.edges[1].node.rejectionReason).toBe('Not a fit for the marketplace yet.');
    const [{ n }] = await queryRows(db(), 'SELECT count(*)::int AS n FROM vendors');
    expect(page.totalCount).toBe(n);
    expect(page.pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: page.edges[0].cursor,
      endCursor: page.edges[1].cursor,
    });
  });

  it('filters by status, counting only that status', async () => {
    await vendorIn(vendor, 'SUSPENDED', admin);
    const page = await listVendors({ status: 'SUSPENDED', first: 100 });
    const [{ n }] = await queryRows(db(), `SELECT count(*)::int AS n FROM vendors WHERE status = 'SUSPENDED'`);
    expect(page.totalCount).toBe(n);
    expect(page.edges.length).toBe(n);
    expect(page.edges.every((e) => e.node.status === 'SUSPENDED')).toBe(true);
  });

  it('visits every vendor exactly once across pages, even when they share a creation time', async () => {
    const made: string[] = [];
    for (let i = 0; i < 7; i += 1) made.push((await vendorIn(vendor, 'REJECTED', admin)).vendor.id);
    // Five share one millisecond (and sort before everything else), so only the id orders them.
    await db().query(`UPDATE vendors SET created_at = '2001-06-01T12:00:00.000Z' WHERE id = ANY($1)`, [
      made.slice(0, 5).map(uuidOf),
    ]);
    const expected = (
      await queryRows<{ id: string }>(
        db(),
        `SELECT id FROM vendors WHERE status = 'REJECTED' ORDER BY created_at DESC, id DESC`,
      )
    ).map((r) => globalId('Vendor', r.id));

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: VendorsPage = await listVendors({ status: 'REJECTED', first: 2, after });
      expect(page.totalCount).toBe(expected.length);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
    expect(seen.slice(-5).sort()).toEqual(made.slice(0, 5).sort());
  });

  it.each([
    ['not base64 JSON', 'nope'],
    ['a wrong shape', Buffer.from(JSON.stringify(['x'])).toString('base64url')],
    ['a forged time', Buffer.from(JSON.stringify(['2024-13-45T00:00:00.000Z', randomUUID()])).toString('base64url')],
    [
      'a forged id',
      Buffer.from(JSON.stringify([new Date().toISOString(), "'; DROP TABLE vendors; --"])).toString('base64url'),
    ],
  ])('refuses a cursor with %s as BAD_USER_INPUT on after', async (_label, after) => {
    const result = await vendor.client.request(VENDORS, { variables: { after }, token: admin.token });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'after' }] });
  });

  it.each([0, 101, -1])('refuses first = %i as BAD_USER_INPUT', async (first) => {
    const result = await vendor.client.request(VENDORS, { variables: { first }, token: admin.token });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

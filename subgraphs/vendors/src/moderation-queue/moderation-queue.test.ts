import { MODERATION_QUEUE_ID, Role } from '@marketplace/kit';
import { TestSubgraph, globalId, person, uuidOf } from '@marketplace/kit/testing';
import { APPLY, APPROVE, REJECT, applyAs, startVendor, uniqueName } from '../testing';

let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor();
});
afterAll(() => vendor.close());

const QUEUE = `query($first: Int, $after: String) { moderationQueue { id vendors(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { submittedAt waitingSeconds vendor { id status } } }
} } }`;

interface QueuePage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: { submittedAt: string; waitingSeconds: number; vendor: { id: string; status: string } } }[];
}

/** As an admin, or as `as` (null: anonymous). */
async function queue(variables: Record<string, unknown> = {}, as?: string | null) {
  return vendor.client.request<{ moderationQueue: { id: string; vendors: QueuePage | null } | null }>(QUEUE, {
    variables,
    token: as === undefined ? admin.token : (as ?? undefined),
  });
}

async function applied(secondsAgo: number) {
  const made = await applyAs(vendor);
  await vendor.subgraph.deps.db.query(
    `UPDATE vendors SET submitted_at = date_trunc('milliseconds', now()) - make_interval(secs => $2) WHERE id = $1`,
    [uuidOf(made.vendor.id), secondsAgo],
  );
  return made;
}

describe('moderationQueue', () => {
  it('answers the one queue; its vendors are PENDING applications, the longest waiting first, with their wait; pages forward', async () => {
    const newer = await applied(30);
    const oldest = await applied(7200);
    const middle = await applied(900);
    const { data } = await queue({ first: 10 });
    expect(data!.moderationQueue!.id).toBe(globalId('ModerationQueue', MODERATION_QUEUE_ID));
    const page = data!.moderationQueue!.vendors!;
    expect(page.totalCount).toBe(3);
    expect(page.edges.map((edge) => edge.node.vendor.id)).toEqual([
      oldest.vendor.id,
      middle.vendor.id,
      newer.vendor.id,
    ]);
    page.edges.forEach((edge, i) => {
      const seconds = [7200, 900, 30][i];
      expect(edge.node.vendor.status).toBe('PENDING');
      expect(edge.node.waitingSeconds).toBeGreaterThanOrEqual(seconds);
      expect(edge.node.waitingSeconds).toBeLessThan(seconds + 30);
    });
    const first = (await queue({ first: 2 })).data!.moderationQueue!.vendors!;
    const rest = (await queue({ first: 2, after: first.pageInfo.endCursor })).data!.moderationQueue!.vendors!;
    expect([...first.edges, ...rest.edges].map((edge) => edge.node.vendor.id)).toEqual(
      page.edges.map((edge) => edge.node.vendor.id),
    );
    expect(rest.pageInfo.hasNextPage).toBe(false);

    // Decided applications leave; a rejected applicant applying again is at the back, waiting since then.
    await vendor.client.data(APPROVE, { variables: { id: oldest.vendor.id }, token: admin.token });
    await vendor.client.data(REJECT, {
      variables: { id: middle.vendor.id, reason: 'No products yet.' },
      token: admin.token,
    });
    expect((await queue()).data!.moderationQueue!.vendors!.edges.map((edge) => edge.node.vendor.id)).toEqual([
      newer.vendor.id,
    ]);
    await vendor.client.data(APPLY, {
      variables: { input: { displayName: uniqueName() } },
      token: middle.owner.token,
    });
    const after = (await queue()).data!.moderationQueue!.vendors!;
    expect(after.edges.map((edge) => edge.node.vendor.id)).toEqual([newer.vendor.id, middle.vendor.id]);
    expect(after.edges[1].node.waitingSeconds).toBeLessThan(30);
  });

  it('refuses a forged cursor as BAD_USER_INPUT and a page size over 100', async () => {
    expect((await queue({ after: 'bm9wZQ' })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await queue({ first: 101 })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['anonymous', () => null, 'UNAUTHENTICATED'],
    ['a customer', () => person().token, 'FORBIDDEN'],
    ['a vendor', () => person(Role.VENDOR).token, 'FORBIDDEN'],
  ])('is null with %s, with the error', async (_who, token, code) => {
    const result = await queue({}, token());
    expect(result.data).toEqual({ moderationQueue: null });
    expect(result.errors?.[0].extensions?.code).toBe(code);
  });
});

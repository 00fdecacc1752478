import { queryRows } from '@marketplace/kit';
import { TestSubgraph, person, unknownPerson } from '@marketplace/kit/testing';
import { APPLY, startVendor, uniqueName } from '../testing';

/**
 * Issue 18 item 9: a token signed with the real key for a user who does not exist filed
 * vendor applications when sent to this subgraph's port directly. Without a session
 * record the subject is unknown: UNAUTHENTICATED, and nothing is written.
 */
let vendor: TestSubgraph;
beforeAll(async () => {
  vendor = await startVendor();
});
afterAll(() => vendor.close());

const vendorsOf = (userId: string) =>
  queryRows(vendor.subgraph.deps.db, 'SELECT id FROM vendors WHERE user_id = $1', [userId]);

describe('applyAsVendor', () => {
  it('refuses a caller whose token names an unknown user and stores nothing', async () => {
    const stranger = unknownPerson();
    const result = await vendor.client.request(APPLY, {
      variables: { input: { displayName: uniqueName() } },
      token: stranger.token,
    });
    expect(result.status).toBe(401);
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await vendorsOf(stranger.id)).toEqual([]);
  });

  it('accepts a known user', async () => {
    const known = person();
    await vendor.client.data(APPLY, { variables: { input: { displayName: uniqueName() } }, token: known.token });
    expect(await vendorsOf(known.id)).toHaveLength(1);
  });
});

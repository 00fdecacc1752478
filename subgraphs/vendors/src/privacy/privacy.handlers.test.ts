import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, Role, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, outboxOf, person } from '@marketplace/kit/testing';
import { activeVendor, applyAs, ledgerRows, paidOrder, startVendor } from '../testing';

/** vendor's share of a data export (profile, ledger, payouts), and its erasure: the profile anonymised, money kept. */
let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor();
});
afterAll(() => vendor.close());

const rows = <T = Record<string, unknown>>(sql: string, parameters: unknown[]) =>
  queryRows<T>(vendor.subgraph.deps.db, sql, parameters);
const uuid = (id: string) => (id.includes(':') ? id.split(':')[1] : id);

it("exports the vendor's profile and ledger, then anonymises the profile and keeps the ledger", async () => {
  const { owner, vendor: made } = await activeVendor(vendor, admin);
  const vendorId = uuid(made.id);
  const links = [{ network: 'GITHUB', url: 'https://github.com/erased-vendor' }];
  await vendor.client.data(
    `mutation($input: UpdateVendorProfileInput!) { updateVendorProfile(input: $input) { vendor { id } } }`,
    { variables: { input: { website: 'https://erased.example', socialLinks: links } }, token: owner.token },
  );
  await paidOrder(vendor, [{ vendorId, price: 4000 }]);
  const ledgerBefore = await ledgerRows(vendor, vendorId);
  expect(ledgerBefore.length).toBeGreaterThan(0);

  const exportId = randomUUID();
  await deliverEvent(vendor, Events.UserDataExportRequested, { exportId, userId: owner.id });
  const [part] = await outboxOf<PayloadOf<typeof Events.UserDataExportPart>>(vendor, exportId);
  expect(part.payload.subgraph).toBe('vendor');
  expect(part.payload.data.vendorProfile).toEqual([
    expect.objectContaining({
      id: vendorId,
      displayName: made.displayName,
      website: 'https://erased.example/',
      socialLinks: links,
    }),
  ]);
  expect(part.payload.data.ledgerEntries).toHaveLength(ledgerBefore.length);
  expect(part.payload.data.payouts).toEqual([]);

  const pseudonym = randomUUID();
  await deliverEvent(vendor, Events.UserErased, { userId: owner.id, pseudonym });
  const [profile] = await rows(
    `SELECT user_id, display_name, bio, website, social_links, status, suspension_reason FROM vendors WHERE id = $1`,
    [vendorId],
  );
  expect(profile).toEqual({
    user_id: pseudonym,
    display_name: 'Deleted vendor',
    bio: null,
    website: null,
    social_links: [],
    status: 'SUSPENDED',
    suspension_reason: 'Account erased',
  });
  expect(await ledgerRows(vendor, vendorId)).toEqual(ledgerBefore);
});

it('an applicant erased while PENDING ends REJECTED and anonymous; applying again under the old id is refused', async () => {
  const { owner, vendor: made } = await applyAs(vendor);
  await deliverEvent(vendor, Events.UserErased, { userId: owner.id, pseudonym: randomUUID() });
  const [profile] = await rows(`SELECT display_name, status, rejection_reason FROM vendors WHERE id = $1`, [
    uuid(made.id),
  ]);
  expect(profile).toEqual({ display_name: 'Deleted vendor', status: 'REJECTED', rejection_reason: 'Account erased' });
  expect(await rows(`SELECT 1 FROM vendors WHERE user_id = $1`, [owner.id])).toEqual([]);
});

/** Issue 18 item 7 on the vendor subgraph's own port: a pending vendor is not readable through unsigned `_entities`. */
import { Role } from '@marketplace/kit';
import { TestSubgraph, person } from '@marketplace/kit/testing';
import { startVendor, vendorIn } from '../testing';

const VENDOR_ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Vendor { id displayName status } } }`;

let vendor: TestSubgraph;
beforeAll(async () => {
  vendor = await startVendor();
});
afterAll(() => vendor.close());

describe('_entities on a pending vendor', () => {
  it('is FORBIDDEN (HTTP 403) unsigned, naming neither the vendor nor its status', async () => {
    const pending = await vendorIn(vendor, 'PENDING', person(Role.ADMIN));
    const result = await vendor.unsignedClient.request(VENDOR_ENTITIES, {
      variables: { r: [{ __typename: 'Vendor', id: pending.vendor.id }] },
    });
    expect(result.status).toBe(403);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(result)).not.toContain(pending.vendor.displayName);
    expect(JSON.stringify(result)).not.toContain('PENDING');
  });

  it('answers the gateway’s signed request', async () => {
    const pending = await vendorIn(vendor, 'PENDING', person(Role.ADMIN));
    const { _entities } = await vendor.client.data(VENDOR_ENTITIES, {
      variables: { r: [{ __typename: 'Vendor', id: pending.vendor.id }] },
    });
    expect(_entities).toEqual([{ id: pending.vendor.id, displayName: pending.vendor.displayName, status: 'PENDING' }]);
  });

  it('refuses _service unsigned', async () => {
    const result = await vendor.unsignedClient.request('{ _service { sdl } }');
    expect(result.status).toBe(403);
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

import { randomUUID } from 'node:crypto';
import { PUBLIC_DATA_MAX_AGE_SECONDS } from '@marketplace/kit';
import { TestSubgraph, globalId, person, uuidOf } from '@marketplace/kit/testing';
import { licensed, sqlDuring, startLicensing } from '../testing';

/** `Product.viewerLicense`: each viewer their own license of a product, never shared between viewers. */
let licensing: TestSubgraph;
beforeAll(async () => {
  licensing = await startLicensing();
});
afterAll(() => licensing.close());

interface ViewerLicense {
  id: string;
  status: string;
  key: string | null;
  owner: { id: string };
}
const VIEWER_LICENSE = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { id viewerLicense { id status key owner { id } } } } }`;
const productReps = (...ids: string[]) => ids.map((id) => ({ __typename: 'Product', id }));
/** The product's id as the API answers it, from its uuid (as events carry it). */
const productId = (uuid: string) => globalId('Product', uuid);

async function viewerLicenses(productIds: string[], token?: string) {
  const answer = await licensing.client.request<{
    _entities: ({ id: string; viewerLicense: ViewerLicense | null } | null)[];
  }>(VIEWER_LICENSE, { variables: { reps: productReps(...productIds) }, token });
  expect(answer.errors).toBeUndefined();
  return {
    licenses: answer.data!._entities.map((product) => product!.viewerLicense),
    cacheControl: answer.headers.get('cache-control'),
  };
}

const setStatus = (licenseId: string, status: 'REVOKED' | 'ACTIVE') =>
  licensing.subgraph.deps.db.query(
    `UPDATE licenses SET status = $2, revoked_at = CASE WHEN $2 = 'REVOKED' THEN now() END WHERE id = $1`,
    [uuidOf(licenseId), status],
  );
const setIssuedAt = (licenseId: string, secondsAgo: number) =>
  licensing.subgraph.deps.db.query(`UPDATE licenses SET issued_at = now() - $2 * interval '1 second' WHERE id = $1`, [
    uuidOf(licenseId),
    secondsAgo,
  ]);

describe('Product.viewerLicense', () => {
  it('two viewers of the same product each get their own license (with its key); anonymous and a viewer without one get null; never shareable', async () => {
    const product = randomUUID();
    const alice = await licensed(licensing, [product]);
    const bob = await licensed(licensing, [product]);
    for (const viewer of [alice, bob]) {
      const seen = await viewerLicenses([productId(product)], viewer.owner.token);
      expect(seen.licenses).toEqual([
        { id: viewer.license.id, status: 'ACTIVE', key: viewer.key, owner: { id: globalId('User', viewer.owner.id) } },
      ]);
      expect(seen.cacheControl).toBe('no-store');
    }
    for (const token of [undefined, person().token, person('ADMIN').token])
      expect(await viewerLicenses([productId(product)], token)).toEqual({ licenses: [null], cacheControl: 'no-store' });
  });

  it('prefers an ACTIVE license over a newer revoked or expired one; else the most recently issued', async () => {
    const product = randomUUID();
    const older = await licensed(licensing, [product]);
    const newer = await licensed(licensing, [product], older.owner);
    await setIssuedAt(older.license.id, 60);
    await setStatus(newer.license.id, 'REVOKED');
    const token = older.owner.token;
    expect((await viewerLicenses([productId(product)], token)).licenses[0]).toMatchObject({ id: older.license.id });
    // Expired counts as not ACTIVE either, whatever the stored status says.
    await setStatus(newer.license.id, 'ACTIVE');
    await licensing.subgraph.deps.db.query(`UPDATE licenses SET expires_at = now() - interval '1 day' WHERE id = $1`, [
      uuidOf(newer.license.id),
    ]);
    expect((await viewerLicenses([productId(product)], token)).licenses[0]).toMatchObject({ id: older.license.id });
    await setStatus(older.license.id, 'REVOKED');
    expect((await viewerLicenses([productId(product)], token)).licenses[0]).toMatchObject({
      id: newer.license.id,
      status: 'EXPIRED',
    });
  });

  it('loads every product of a response in one statement; an unknown product has none, a malformed, bare or wrong-type id is no product (null)', async () => {
    const owner = person();
    const [a, b] = [randomUUID(), randomUUID()];
    const first = await licensed(licensing, [a], owner);
    const second = await licensed(licensing, [b], owner);
    const unknown = productId(randomUUID());
    const { result, statements } = await sqlDuring(licensing, () =>
      licensing.client.data<{ _entities: ({ id: string; viewerLicense: { id: string } | null } | null)[] }>(
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { id viewerLicense { id } } } }`,
        {
          variables: { reps: productReps(productId(a), 'not-a-uuid', productId(b), unknown, a, globalId('Order', b)) },
          token: owner.token,
        },
      ),
    );
    expect(result._entities).toEqual([
      { id: productId(a), viewerLicense: { id: first.license.id } },
      null,
      { id: productId(b), viewerLicense: { id: second.license.id } },
      { id: unknown, viewerLicense: null },
      null,
      null,
    ]);
    expect(statements.filter((sql) => /FROM licenses/.test(sql))).toHaveLength(1);
  });

  it('leaves the public part of a product answer shareable: only a selection of viewerLicense is not', async () => {
    const answer = await licensing.client.request(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { id } } }`,
      { variables: { reps: productReps(productId(randomUUID())) } },
    );
    expect(answer.headers.get('cache-control')).toBe(`max-age=${PUBLIC_DATA_MAX_AGE_SECONDS}, public`);
  });
});

import { randomUUID } from 'node:crypto';
import { Events } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, person, productState, uuidOf } from '@marketplace/kit/testing';
import { signLicenseKey } from '../key/license-key';
import { activate, deactivate as deactivateAs, licensed, signingKeyOf, startLicensing, validate } from '../testing';

/** Activations under concurrency, their owner-only rule, and every validation code. */
let licensing: TestSubgraph;
beforeAll(async () => {
  licensing = await startLicensing();
});
afterAll(() => licensing.close());

const deactivate = (key: string, fingerprint: string, token?: string) =>
  deactivateAs(licensing, key, fingerprint, token);

describe('activateLicense', () => {
  it('20 parallel activations on distinct machines with a limit of 3: exactly 3 succeed, the rest CONFLICT TOO_MANY_ACTIVATIONS', async () => {
    const { owner, key, license } = await licensed(licensing);
    expect(license.maxActivations).toBe(3);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => activate(licensing, key, `machine-${i}`, owner.token)),
    );
    const succeeded = results.filter((r) => r.data?.activateLicense);
    expect(succeeded).toHaveLength(3);
    const refusals = results.filter((r) => r.errors).map((r) => r.errors![0].extensions);
    expect(refusals).toHaveLength(17);
    for (const refusal of refusals) expect(refusal).toEqual({ code: 'CONFLICT', reason: 'TOO_MANY_ACTIVATIONS' });
    const again = succeeded[0].data!.activateLicense.activation;
    const last = await activate(licensing, key, again.fingerprint, owner.token);
    expect(last.data?.activateLicense.license.activations).toHaveLength(3);
    expect(last.data?.activateLicense.activation).toEqual(again);
  });

  it('the same machine again is idempotent (one activation, first label kept), in the payload as in the license', async () => {
    const { owner, key, license } = await licensed(licensing);
    const first = await activate(licensing, key, 'laptop-fp', owner.token, 'work laptop');
    const second = await activate(licensing, key, 'laptop-fp', owner.token, 'renamed');
    const activation = { fingerprint: 'laptop-fp', label: 'work laptop', createdAt: expect.any(String) };
    expect(first.data?.activateLicense).toMatchObject({
      license: { id: license.id, activations: [activation] },
      activation,
    });
    expect(second.data?.activateLicense).toEqual(first.data?.activateLicense);
  });

  it('the same machine activated 10 times in parallel: one activation, every payload naming it', async () => {
    const { owner, key } = await licensed(licensing);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => activate(licensing, key, 'same-machine', owner.token, `label ${i}`)),
    );
    expect(results.map((r) => r.errors)).toEqual(Array(10).fill(undefined));
    const activations = results.map((r) => r.data!.activateLicense.activation);
    expect(new Set(activations.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(results.map((r) => r.data!.activateLicense.license.activations)).toEqual(Array(10).fill([activations[0]]));
  });

  it('a blank or omitted label is null (absent text), never ""', async () => {
    const { owner, key } = await licensed(licensing);
    expect((await activate(licensing, key, 'a', owner.token, '   ')).data?.activateLicense.activation.label).toBeNull();
    const omitted = await activate(licensing, key, 'b', owner.token);
    expect(omitted.data?.activateLicense.license.activations.map((a) => a.label)).toEqual([null, null]);
  });

  it("the vendor's policy sets the limit (1 machine here)", async () => {
    const state = productState({ maxActivations: 1 });
    await deliverEvent(licensing, Events.ProductPublished, state);
    const { owner, key } = await licensed(licensing, [state.productId]);
    expect((await activate(licensing, key, 'a', owner.token)).errors).toBeUndefined();
    expect((await activate(licensing, key, 'b', owner.token)).errors?.[0]).toMatchObject({
      message: expect.stringMatching(/activated on 1 of 1 machines/),
      extensions: { code: 'CONFLICT', reason: 'TOO_MANY_ACTIVATIONS' },
    });
  });

  it('deactivating frees a slot; deactivating an unknown machine changes nothing', async () => {
    const { owner, key } = await licensed(licensing);
    for (const fp of ['a', 'b', 'c']) await activate(licensing, key, fp, owner.token);
    expect((await activate(licensing, key, 'd', owner.token)).errors?.[0].extensions?.code).toBe('CONFLICT');
    const after = await deactivate(key, 'b', owner.token);
    expect(after.data?.deactivateLicense.license.activations.map((a) => a.fingerprint)).toEqual(['a', 'c']);
    expect(
      (await deactivate(key, 'never-activated', owner.token)).data?.deactivateLicense.license.activations,
    ).toHaveLength(2);
    expect(
      (await activate(licensing, key, 'd', owner.token)).data?.activateLicense.license.activations.map(
        (a) => a.fingerprint,
      ),
    ).toEqual(['a', 'c', 'd']);
  });

  it("another customer's key is FORBIDDEN (also to deactivate), signed out is UNAUTHENTICATED; nothing changes", async () => {
    const { owner, key } = await licensed(licensing);
    const other = person();
    const refused = await activate(licensing, key, 'thief', other.token);
    expect(refused.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/belongs to another customer/),
      extensions: { code: 'FORBIDDEN' },
    });
    expect((await activate(licensing, key, 'anon', undefined)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    await activate(licensing, key, 'mine', owner.token);
    expect((await deactivate(key, 'mine', other.token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await deactivate(key, 'mine')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // An admin is not the owner either: activations are the owner's own machines.
    expect((await activate(licensing, key, 'admin', person('ADMIN').token)).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect(await validate(licensing, key, 'thief')).toMatchObject({ code: 'NOT_ACTIVATED' });
    expect(await validate(licensing, key, 'mine')).toMatchObject({ code: 'VALID' });
  });

  it('refuses a tampered key (BAD_USER_INPUT on input.licenseKey), an unknown key (NOT_FOUND), bad fingerprints and labels', async () => {
    const { owner, key } = await licensed(licensing);
    const tampered = key.slice(0, -2) + (key.endsWith('AA') ? 'BB' : 'AA');
    for (const refused of [
      await activate(licensing, tampered, 'fp', owner.token),
      await deactivate(tampered, 'fp', owner.token),
    ])
      expect(refused.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.licenseKey' }],
      });
    expect((await deactivate(unknownKey(owner.id), 'fp', owner.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await activate(licensing, unknownKey(owner.id), 'fp', owner.token)).errors?.[0].extensions?.code).toBe(
      'NOT_FOUND',
    );
    const bad = await activate(licensing, key, ' ', owner.token, 'x'.repeat(101));
    expect(bad.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [
        { field: 'input.fingerprint', message: 'must not be empty' },
        { field: 'input.label', message: 'must be at most 100 characters' },
      ],
    });
    expect((await deactivate(' ', ' ', owner.token)).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [
        { field: 'input.licenseKey', message: 'must not be empty' },
        { field: 'input.fingerprint', message: 'must not be empty' },
      ],
    });
  });

  it('a revoked or expired license is CONFLICT with reason LICENSE_REVOKED or LICENSE_EXPIRED', async () => {
    const revoked = await licensed(licensing);
    await licensing.subgraph.deps.db.query(`UPDATE licenses SET status = 'REVOKED', revoked_at = now() WHERE id = $1`, [
      uuidOf(revoked.license.id),
    ]);
    expect((await activate(licensing, revoked.key, 'fp', revoked.owner.token)).errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'LICENSE_REVOKED',
    });
    const expired = await licensed(licensing);
    await licensing.subgraph.deps.db.query(`UPDATE licenses SET expires_at = now() - interval '1 day' WHERE id = $1`, [
      uuidOf(expired.license.id),
    ]);
    expect((await activate(licensing, expired.key, 'fp', expired.owner.token)).errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'LICENSE_EXPIRED',
    });
  });
});

/** A correctly signed key for a license that does not exist. */
function unknownKey(ownerId: string): string {
  const signing = signingKeyOf(licensing);
  return signLicenseKey(
    {
      v: 1,
      lid: randomUUID(),
      pid: randomUUID(),
      sub: ownerId,
      max: 3,
      iat: Math.floor(Date.now() / 1000),
      exp: null,
      kid: signing.keyId,
    },
    signing.privateKey,
  );
}

describe('validateLicense', () => {
  it('VALID on an activated machine (the license shown to anyone holding the key), NOT_ACTIVATED on another while slots remain', async () => {
    const { owner, key, license } = await licensed(licensing);
    expect(await validate(licensing, key, 'desk')).toEqual({ valid: false, code: 'NOT_ACTIVATED', license: null });
    expect(await validate(licensing, key, 'desk', { token: owner.token })).toEqual({
      valid: false,
      code: 'NOT_ACTIVATED',
      license: { id: license.id, status: 'ACTIVE' },
    });
    await activate(licensing, key, 'desk', owner.token);
    expect(await validate(licensing, key, 'desk')).toEqual({
      valid: true,
      code: 'VALID',
      license: { id: license.id, status: 'ACTIVE' },
    });
  });

  it('TOO_MANY_ACTIVATIONS on a new machine once every slot is taken', async () => {
    const { owner, key } = await licensed(licensing);
    for (const fp of ['a', 'b', 'c']) await activate(licensing, key, fp, owner.token);
    expect(await validate(licensing, key, 'd')).toEqual({ valid: false, code: 'TOO_MANY_ACTIVATIONS', license: null });
    expect((await validate(licensing, key, 'a')).code).toBe('VALID');
  });

  it('NOT_FOUND for a correctly signed key of no license', async () => {
    expect(await validate(licensing, unknownKey(randomUUID()), 'fp')).toEqual({
      valid: false,
      code: 'NOT_FOUND',
      license: null,
    });
  });

  it('REVOKED, and EXPIRED once the expiry passed, even on an activated machine', async () => {
    const { owner, key, license } = await licensed(licensing);
    await activate(licensing, key, 'fp', owner.token);
    await licensing.subgraph.deps.db.query(
      `UPDATE licenses SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [uuidOf(license.id)],
    );
    expect(await validate(licensing, key, 'fp')).toEqual({ valid: false, code: 'EXPIRED', license: null });
    expect((await validate(licensing, key, 'fp', { token: owner.token })).license).toEqual({
      id: license.id,
      status: 'EXPIRED',
    });
    await licensing.subgraph.deps.db.query(`UPDATE licenses SET status = 'REVOKED', revoked_at = now() WHERE id = $1`, [
      uuidOf(license.id),
    ]);
    expect(await validate(licensing, key, 'fp')).toEqual({ valid: false, code: 'REVOKED', license: null });
  });

  it('is BAD_USER_INPUT for an empty fingerprint', async () => {
    const { key } = await licensed(licensing);
    const result = await licensing.client.request(
      `query($key: String!) { validateLicense(licenseKey: $key, fingerprint: "") { code } }`,
      { variables: { key } },
    );
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'fingerprint' }] });
  });
});

describe('validation rate limit', () => {
  let limited: TestSubgraph;
  beforeAll(async () => {
    limited = await startLicensing({ LICENSE_VALIDATE_PER_MINUTE: '3' });
  });
  afterAll(() => limited.close());

  it('per client IP: RATE_LIMITED with retryAfterSeconds after the limit, other IPs unaffected', async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const ask = (from: string) =>
      limited.client.request(`query { validateLicense(licenseKey: "MP1.x.y", fingerprint: "fp") { code } }`, {
        headers: { 'x-client-ip': from },
      });
    for (let i = 0; i < 3; i += 1) expect((await ask(ip)).data?.validateLicense.code).toBe('INVALID_SIGNATURE');
    const refused = await ask(ip);
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
    expect((await ask('198.51.100.7')).data?.validateLicense.code).toBe('INVALID_SIGNATURE');
  });
});

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Events, UrlTokenSigner } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, globalId, outboxOf, person, productState, uuidOf } from '@marketplace/kit/testing';
import { baseUrl, downloadsOf, licensed, startLicensing } from '../testing';

const SECRET = randomBytes(32).toString('hex');
const storageDir = mkdtempSync(join(tmpdir(), 'licensing-artifacts-'));

let licensing: TestSubgraph;
beforeAll(async () => {
  licensing = await startLicensing({
    URL_SIGNING_SECRET: SECRET,
    ARTIFACT_STORAGE_DIR: storageDir,
    PUBLIC_URL: 'http://gateway.test:4000/',
    DOWNLOAD_LINK_TTL_SECONDS: '120',
  });
});
afterAll(async () => {
  await licensing.close();
  rmSync(storageDir, { recursive: true, force: true });
});

const CREATE_LINK = `mutation($input: CreateDownloadLinkInput!) { createDownloadLink(input: $input) { downloadLink { url expiresAt sha256 size version } license { id status } } }`;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A product with a build in the shared storage, as the catalog would have stored and announced it. */
async function productWithBuild(bytes = randomBytes(50_000), version = '1.2.0') {
  const state = productState({ name: 'Research Agent' });
  await deliverEvent(licensing, Events.ProductPublished, state);
  const storageKey = `products/${state.productId}/${version}/${randomUUID()}`;
  mkdirSync(dirname(join(storageDir, storageKey)), { recursive: true });
  writeFileSync(join(storageDir, storageKey), bytes);
  await deliverEvent(licensing, Events.ProductArtifactUploaded, {
    productId: state.productId,
    vendorId: state.vendorId,
    version,
    storageKey,
    sha256: sha256(bytes),
    size: bytes.length,
    contentType: 'application/zip',
  });
  return { state, bytes, storageKey };
}

interface LinkPayload {
  downloadLink: { url: string; expiresAt: string; sha256: string; size: number; version: string };
  license: { id: string; status: string };
}

async function linkFor(licenseId: string, token?: string) {
  return licensing.client.request<{ createDownloadLink: LinkPayload }>(CREATE_LINK, {
    variables: { input: { licenseId } },
    token,
  });
}

/** GETs the subgraph directly, on the path of the URL the API gave (the gateway forwards it unchanged). */
const get = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${baseUrl(licensing)}${new URL(url).pathname}`, { headers });

describe('createDownloadLink and GET /downloads/:token', () => {
  it('gives the owner a signed URL on PUBLIC_URL that streams the exact bytes with checksum headers, counted', async () => {
    const { state, bytes } = await productWithBuild();
    const { owner, license } = await licensed(licensing, [state.productId]);
    const before = Date.now();
    const payload = (await linkFor(license.id, owner.token)).data!.createDownloadLink;
    expect(payload.license).toEqual({ id: license.id, status: 'ACTIVE' });
    const link = payload.downloadLink;
    expect(link).toMatchObject({ sha256: sha256(bytes), size: bytes.length, version: '1.2.0' });
    expect(link.url).toMatch(/^http:\/\/gateway\.test:4000\/downloads\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(new Date(link.expiresAt).getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 119_000);
    const response = await get(link.url);
    expect(response.status).toBe(200);
    expect(
      Object.fromEntries(
        ['content-length', 'etag', 'x-checksum-sha256', 'content-disposition', 'content-type', 'accept-ranges'].map(
          (h) => [h, response.headers.get(h)],
        ),
      ),
    ).toEqual({
      'content-length': String(bytes.length),
      etag: `"${sha256(bytes)}"`,
      'x-checksum-sha256': sha256(bytes),
      'content-disposition': 'attachment; filename="Research-Agent-1.2.0"',
      'content-type': 'application/zip',
      'accept-ranges': 'bytes',
    });
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    expect(await downloadsOf(licensing, license.id)).toEqual([{ bytes: bytes.length, range: null, version: '1.2.0' }]);
  });

  it('serves one Range as 206 with the exact slice and content-range; an unsatisfiable one is 416', async () => {
    const { state, bytes } = await productWithBuild(randomBytes(10_000));
    const { owner, license } = await licensed(licensing, [state.productId]);
    const { url } = (await linkFor(license.id, owner.token)).data!.createDownloadLink.downloadLink;
    const partial = await get(url, { range: 'bytes=100-1099' });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe('bytes 100-1099/10000');
    expect(partial.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await partial.arrayBuffer()).equals(bytes.subarray(100, 1100))).toBe(true);
    const tail = await get(url, { range: 'bytes=-10' });
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(9_990))).toBe(true);
    const beyond = await get(url, { range: 'bytes=10000-' });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */10000');
    expect(await beyond.json()).toEqual({
      errors: [{ message: 'The file has 10000 bytes', extensions: { code: 'RANGE_NOT_SATISFIABLE' } }],
    });
    expect(await downloadsOf(licensing, license.id)).toEqual([
      { bytes: 1000, range: '100-1099', version: '1.2.0' },
      { bytes: 10, range: '9990-9999', version: '1.2.0' },
    ]);
  });

  it('serves the newest build: an older upload event arriving late is ignored', async () => {
    const { state } = await productWithBuild(randomBytes(100), '2.0.0');
    await deliverEvent(
      licensing,
      Events.ProductArtifactUploaded,
      {
        productId: state.productId,
        vendorId: state.vendorId,
        version: '1.0.0',
        storageKey: 'products/old',
        sha256: 'a'.repeat(64),
        size: 1,
        contentType: 'application/zip',
      },
      { occurredAt: '2020-01-01T00:00:00.000Z' },
    );
    const { owner, license } = await licensed(licensing, [state.productId]);
    expect((await linkFor(license.id, owner.token)).data?.createDownloadLink.downloadLink.version).toBe('2.0.0');
  });

  it('refuses an expired link with 410, a tampered or foreign-purpose one with 403, as small JSON errors', async () => {
    const { state } = await productWithBuild(randomBytes(100));
    const { owner, license } = await licensed(licensing, [state.productId]);
    const { url } = (await linkFor(license.id, owner.token)).data!.createDownloadLink.downloadLink;
    const token = new URL(url).pathname.split('/').pop()!;
    const signer = new UrlTokenSigner(Buffer.from(SECRET, 'hex'));
    const claims = signer.verify<Record<string, unknown>>('license-download', token)!;
    const expired = signer.sign('license-download', { ...claims, exp: Math.floor(Date.now() / 1000) - 1 }, 3600);
    const response = await get(`http://x/downloads/${expired}`);
    expect(response.status).toBe(410);
    expect(await response.json()).toEqual({
      errors: [{ message: 'This download link has expired; ask for a new one', extensions: { code: 'LINK_EXPIRED' } }],
    });
    const [body, mac] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), d: { ...claims, storageKey: '../../etc/passwd' } })).toString('base64url')}.${mac}`;
    const uploadToken = signer.sign('artifact-upload', claims, 60);
    for (const bad of [forged, `${token}x`, uploadToken, 'nonsense']) {
      const refused = await get(`http://x/downloads/${bad}`);
      expect(refused.status).toBe(403);
      const text = await refused.text();
      expect(JSON.parse(text)).toEqual({
        errors: [{ message: 'This download link is invalid', extensions: { code: 'FORBIDDEN' } }],
      });
      expect(text).not.toMatch(/at .*\.js/);
    }
    expect(await downloadsOf(licensing, license.id)).toEqual([]);
  });

  it('a live link stops working once the license is revoked (payment.refunded): 403, nothing counted', async () => {
    const { state } = await productWithBuild(randomBytes(100));
    const { owner, order, license } = await licensed(licensing, [state.productId]);
    const { url } = (await linkFor(license.id, owner.token)).data!.createDownloadLink.downloadLink;
    expect((await get(url)).status).toBe(200);
    await deliverEvent(licensing, Events.PaymentRefunded, {
      paymentId: randomUUID(),
      orderId: order.orderId,
      amount: { amount: 1500, currency: 'USD' },
      providerRef: 'pi_x',
      reason: 'refund',
    });
    const refused = await get(url);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe(
      'LICENSE_NOT_ACTIVE',
    );
    expect(await downloadsOf(licensing, license.id)).toHaveLength(1);
    expect((await linkFor(license.id, owner.token)).errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'LICENSE_REVOKED',
    });
  });

  it('createDownloadLink: NOT_FOUND for another customer (as an unknown license), FORBIDDEN for an admin, UNAUTHENTICATED signed out, CONFLICT NO_ARTIFACT without a build, NOT_FOUND without a license, BAD_USER_INPUT for a bad id', async () => {
    const { state } = await productWithBuild(randomBytes(100));
    const { license } = await licensed(licensing, [state.productId]);
    const stranger = person().token;
    const hidden = await linkFor(license.id, stranger);
    expect(hidden.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(hidden.errors).toEqual((await linkFor(globalId('License', randomUUID()), stranger)).errors);
    expect((await linkFor(license.id, person('ADMIN').token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await linkFor(license.id)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const noBuild = await licensed(licensing);
    expect((await linkFor(noBuild.license.id, noBuild.owner.token)).errors?.[0]).toMatchObject({
      path: ['createDownloadLink'],
      extensions: { code: 'CONFLICT', reason: 'NO_ARTIFACT' },
    });
    expect((await linkFor(globalId('License', randomUUID()), noBuild.owner.token)).errors?.[0].extensions?.code).toBe(
      'NOT_FOUND',
    );
    for (const malformed of ['nope', uuidOf(noBuild.license.id)])
      expect((await linkFor(malformed, noBuild.owner.token)).errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [
          { field: 'input.licenseId', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' },
        ],
      });
  });

  it('createDownloadLink: an id of another type (the Product id of the licensed product) is BAD_USER_INPUT, even for the owner', async () => {
    const { state } = await productWithBuild(randomBytes(100));
    const { owner, license } = await licensed(licensing, [state.productId]);
    for (const wrong of [globalId('Product', state.productId), globalId('Order', uuidOf(license.id))])
      expect((await linkFor(wrong, owner.token)).errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.licenseId', message: 'must be an id of type License, not ' + wrong.split(':')[0] }],
      });
    expect(await downloadsOf(licensing, license.id)).toEqual([]);
    expect((await linkFor(license.id, owner.token)).errors).toBeUndefined();
  });

  it('tells the catalog of each download (product.downloaded): a whole one or a range from byte 0, not the later ranges', async () => {
    const { state } = await productWithBuild(randomBytes(10_000));
    const { owner, license } = await licensed(licensing, [state.productId]);
    const { url } = (await linkFor(license.id, owner.token)).data!.createDownloadLink.downloadLink;
    for (const range of [undefined, 'bytes=0-4999', 'bytes=5000-9999', 'bytes=-10'])
      await (await get(url, range ? { range } : {})).arrayBuffer();
    expect((await get(url, { range: 'bytes=10000-' })).status).toBe(416);
    const told = (await outboxOf<{ downloadId: string }>(licensing, state.productId)).filter(
      (e) => e.type === 'product.downloaded',
    );
    const rows = await downloadsOf(licensing, license.id);
    expect(rows.map((row) => row.range)).toEqual([null, '0-4999', '5000-9999', '9990-9999']);
    expect(told.map((e) => e.payload)).toEqual([
      {
        productId: state.productId,
        licenseId: uuidOf(license.id),
        downloadId: expect.stringMatching(/^\d+$/),
        version: '1.2.0',
      },
      {
        productId: state.productId,
        licenseId: uuidOf(license.id),
        downloadId: expect.stringMatching(/^\d+$/),
        version: '1.2.0',
      },
    ]);
    expect(new Set(told.map((e) => e.payload.downloadId)).size).toBe(2);
    for (const event of told) expect(Events.ProductDownloaded.schema.safeParse(event.payload).success).toBe(true);
  });
});

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outboxOf, until, uuidOf } from '@marketplace/kit/testing';
import type { ArtifactCatalog, TestVendor } from '../testing';
import {
  ARTIFACT_MAX_BYTES,
  CREATE_ARTIFACT_UPLOAD,
  addVendor,
  artifactRows,
  createProduct,
  publishedProduct,
  putArtifact,
  sha256,
  startArtifactCatalog,
  storedObjects,
  uploadUrl,
} from '../testing';

/** What an upload stores: the bytes once, within the limit, with the artifact's record and event. */
let catalog: ArtifactCatalog;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startArtifactCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const ARTIFACT = `query($id: ID!) { product(id: $id) { artifact { sha256 size version uploadedAt } } }`;

describe('PUT /uploads/:token', () => {
  it('stores the bytes, answers their checksum and records the artifact on the product for everyone to see', async () => {
    const product = await publishedProduct(catalog, vendor);
    expect((await catalog.client.data(ARTIFACT, { variables: { id: product.id } })).product.artifact).toBeNull();
    const bytes = randomBytes(40_000);
    const answer = await putArtifact(catalog, await uploadUrl(catalog, vendor, product.id, '2.1.0-beta.1'), bytes, {
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(answer).toEqual({ status: 200, body: { sha256: sha256(bytes), size: 40_000, version: '2.1.0-beta.1' } });
    const { product: seen } = await catalog.client.data(ARTIFACT, { variables: { id: product.id } });
    expect(seen.artifact).toEqual({
      sha256: sha256(bytes),
      size: 40_000,
      version: '2.1.0-beta.1',
      uploadedAt: expect.any(String),
    });
    expect(Date.parse(seen.artifact.uploadedAt)).toBeGreaterThan(Date.now() - 60_000);
    const [row] = await artifactRows(catalog, product.id);
    expect(readFileSync(join(catalog.storageDir, row.objectKey)).equals(bytes)).toBe(true);
  });

  it("records product.artifact_uploaded in the upload's transaction, with the storage key, checksum and content type licensing serves", async () => {
    const product = await publishedProduct(catalog, vendor);
    const bytes = randomBytes(1_000);
    await putArtifact(catalog, await uploadUrl(catalog, vendor, product.id, '3.0.0'), bytes, {
      headers: { 'content-type': 'application/zip; charset=binary', 'x-request-id': 'upload-req-1' },
    });
    const [row] = await artifactRows(catalog, product.id);
    const events = (await outboxOf(catalog, uuidOf(product.id))).filter((e) => e.type === 'product.artifact_uploaded');
    expect(events).toEqual([
      expect.objectContaining({
        correlationId: 'upload-req-1',
        payload: {
          productId: uuidOf(product.id),
          vendorId: vendor.vendorId,
          version: '3.0.0',
          storageKey: row.objectKey,
          sha256: sha256(bytes),
          size: 1_000,
          contentType: 'application/zip',
        },
      }),
    ]);
    // A refused upload records nothing.
    await putArtifact(catalog, await uploadUrl(catalog, vendor, product.id, '3.0.1'), Buffer.alloc(0));
    expect(
      (await outboxOf(catalog, uuidOf(product.id))).filter((e) => e.type === 'product.artifact_uploaded'),
    ).toHaveLength(1);
  });

  it('accepts exactly the limit, refuses one byte more with 413 and keeps nothing; the link still works afterwards', async () => {
    const product = await createProduct(catalog, vendor);
    const url = await uploadUrl(catalog, vendor, product.id);
    const tooLarge = await putArtifact(catalog, url, randomBytes(ARTIFACT_MAX_BYTES + 1));
    expect(tooLarge).toEqual({
      status: 413,
      body: {
        errors: [
          {
            message: `The artifact is larger than ${ARTIFACT_MAX_BYTES} bytes`,
            extensions: { code: 'PAYLOAD_TOO_LARGE' },
          },
        ],
      },
    });
    // Streamed without a length: the storage stops at the limit.
    const chunks = [randomBytes(ARTIFACT_MAX_BYTES / 2), randomBytes(ARTIFACT_MAX_BYTES / 2), randomBytes(10)];
    const stream = new ReadableStream({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    expect((await putArtifact(catalog, url, stream)).status).toBe(413);
    expect(storedObjects(catalog, product.id)).toEqual([]);
    expect(await artifactRows(catalog, product.id)).toEqual([]);
    const exact = randomBytes(ARTIFACT_MAX_BYTES);
    expect(await putArtifact(catalog, url, exact)).toEqual({
      status: 200,
      body: { sha256: sha256(exact), size: ARTIFACT_MAX_BYTES, version: '1.0.0' },
    });
  });

  it('refuses an empty body with 400 and keeps nothing', async () => {
    const product = await createProduct(catalog, vendor);
    expect(await putArtifact(catalog, await uploadUrl(catalog, vendor, product.id), Buffer.alloc(0))).toMatchObject({
      status: 400,
      body: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] },
    });
    expect(storedObjects(catalog, product.id)).toEqual([]);
  });

  it('uses a link once: a second PUT is 409 and changes nothing', async () => {
    const product = await createProduct(catalog, vendor);
    const url = await uploadUrl(catalog, vendor, product.id);
    const first = randomBytes(1000);
    expect((await putArtifact(catalog, url, first)).status).toBe(200);
    expect(await putArtifact(catalog, url, randomBytes(1000))).toEqual({
      status: 409,
      body: { errors: [{ message: 'This upload link was already used', extensions: { code: 'CONFLICT' } }] },
    });
    expect(
      (await catalog.client.data(ARTIFACT, { variables: { id: product.id }, token: vendor.token })).product.artifact
        .sha256,
    ).toBe(sha256(first));
    expect(storedObjects(catalog, product.id)).toHaveLength(1);
  });

  it("lets exactly one of several simultaneous PUTs with one link win; the losers' bytes are not kept", async () => {
    for (let round = 0; round < 3; round += 1) {
      const product = await createProduct(catalog, vendor);
      const url = await uploadUrl(catalog, vendor, product.id);
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => putArtifact(catalog, url, randomBytes(30_000))),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
      const winner = answers.find((a) => a.status === 200)!.body;
      const [row] = await artifactRows(catalog, product.id);
      expect(row.sha256).toBe(winner.sha256);
      expect(sha256(readFileSync(join(catalog.storageDir, row.objectKey)))).toBe(winner.sha256);
      expect(storedObjects(catalog, product.id)).toHaveLength(1);
    }
  });

  it('keeps nothing of an upload the client abandons halfway, and the link still works', async () => {
    const product = await createProduct(catalog, vendor);
    const url = await uploadUrl(catalog, vendor, product.id);
    let sent = 0;
    const stream = new ReadableStream({
      async pull(controller) {
        if (sent === 2) return controller.error(new Error('client gave up'));
        sent += 1;
        controller.enqueue(randomBytes(8_000));
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
    });
    await expect(putArtifact(catalog, url, stream)).rejects.toThrow();
    await until(
      () => catalog.logs.records().some((r) => r.msg === 'artifact upload abandoned') || undefined,
      'the abandoned upload to be cleaned up',
      5_000,
    );
    expect(catalog.logs.records().some((r) => r.msg === 'artifact upload abandoned')).toBe(true);
    expect(storedObjects(catalog, product.id)).toEqual([]);
    expect((await putArtifact(catalog, url, randomBytes(100))).status).toBe(200);
  });

  it('replaces the current artifact with a new version and keeps the old build; an uploaded version cannot be reused', async () => {
    const product = await publishedProduct(catalog, vendor);
    const v1 = randomBytes(2000);
    const v2 = randomBytes(3000);
    await putArtifact(catalog, await uploadUrl(catalog, vendor, product.id, '1.0.0'), v1);
    await putArtifact(catalog, await uploadUrl(catalog, vendor, product.id, '1.1.0'), v2);
    expect((await catalog.client.data(ARTIFACT, { variables: { id: product.id } })).product.artifact).toMatchObject({
      version: '1.1.0',
      sha256: sha256(v2),
      size: 3000,
    });
    const rows = await artifactRows(catalog, product.id);
    expect(rows.map((r) => [r.version, r.sha256])).toEqual([
      ['1.0.0', sha256(v1)],
      ['1.1.0', sha256(v2)],
    ]);
    expect(readFileSync(join(catalog.storageDir, rows[0].objectKey)).equals(v1)).toBe(true);
    const again = await catalog.client.request(CREATE_ARTIFACT_UPLOAD, {
      variables: { productId: product.id, version: '1.0.0' },
      token: vendor.token,
    });
    expect(again.errors?.[0]).toMatchObject({
      message: 'Version 1.0.0 was already uploaded',
      extensions: {
        code: 'CONFLICT',
        reason: 'VERSION_EXISTS',
        fields: [{ field: 'input.version', message: 'was already uploaded' }],
      },
    });
  });

  it('two links for one version: the second upload is 409', async () => {
    const product = await createProduct(catalog, vendor);
    const [first, second] = [
      await uploadUrl(catalog, vendor, product.id, '3.0.0'),
      await uploadUrl(catalog, vendor, product.id, '3.0.0'),
    ];
    expect((await putArtifact(catalog, first, randomBytes(100))).status).toBe(200);
    expect(await putArtifact(catalog, second, randomBytes(100))).toMatchObject({
      status: 409,
      body: { errors: [{ message: 'Version 3.0.0 was already uploaded' }] },
    });
  });
});

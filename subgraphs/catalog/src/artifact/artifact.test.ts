import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UrlTokenSigner, queryRows } from '@marketplace/kit';
import { TestSubgraph, outboxOf, until } from '@marketplace/kit/testing';
import {
  TestVendor,
  addVendor,
  admin,
  createProduct,
  customer,
  publishedProduct,
  setVendorStatus,
  startCatalog,
} from '../testing';

const SECRET = randomBytes(32).toString('hex');
const MAX_BYTES = 64 * 1024;
const storageDir = mkdtempSync(join(tmpdir(), 'catalog-artifacts-'));
const signer = new UrlTokenSigner(Buffer.from(SECRET, 'hex'));

let catalog: TestSubgraph;
let vendor: TestVendor;
let otherVendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog({
    URL_SIGNING_SECRET: SECRET,
    ARTIFACT_STORAGE_DIR: storageDir,
    ARTIFACT_MAX_BYTES: String(MAX_BYTES),
    PUBLIC_URL: 'http://gateway.test:4000/',
  });
  vendor = await addVendor(catalog);
  otherVendor = await addVendor(catalog);
});
afterAll(async () => {
  await catalog.close();
  rmSync(storageDir, { recursive: true, force: true });
});

const CREATE_UPLOAD = `mutation($productId: ID!, $version: String!) { createArtifactUpload(productId: $productId, version: $version) { uploadUrl expiresAt maxBytes } }`;
const ARTIFACT = `query($id: ID!) { product(id: $id) { artifact { sha256 size version uploadedAt } } }`;
const ARCHIVE = `mutation($id: ID!) { archiveProduct(id: $id) { id } }`;

const base = () => catalog.subgraph.url.replace(/\/graphql$/, '');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0].extensions?.code ?? 'OK';

async function uploadUrl(productId: string, version = '1.0.0', token = vendor.token): Promise<string> {
  const { createArtifactUpload } = await catalog.client.data(CREATE_UPLOAD, {
    variables: { productId, version },
    token,
  });
  return createArtifactUpload.uploadUrl;
}

/** PUTs to the subgraph directly, on the path of the URL the API gave (the gateway forwards it unchanged). */
async function put(url: string, body: Buffer | ReadableStream, init: RequestInit = {}) {
  const response = await fetch(`${base()}${new URL(url).pathname}`, {
    method: 'PUT',
    body,
    ...init,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const tokenUrl = (token: string) => `http://gateway.test:4000/uploads/${token}`;
const objectsOf = (productId: string) => {
  try {
    return readdirSync(join(storageDir, 'products', productId), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
};
const artifactRows = (productId: string) =>
  queryRows<{ version: string; objectKey: string; sha256: string; size: number }>(
    catalog.subgraph.deps.db,
    `SELECT version, object_key AS "objectKey", sha256, size::int AS size FROM artifacts WHERE product_id = $1 ORDER BY uploaded_at`,
    [productId],
  );

describe('createArtifactUpload', () => {
  it('gives the owner a signed URL on PUBLIC_URL, valid for 15 minutes, with the size limit', async () => {
    const product = await createProduct(catalog, vendor);
    const { createArtifactUpload } = await catalog.client.data(CREATE_UPLOAD, {
      variables: { productId: product.id, version: ' 1.0.0 ' },
      token: vendor.token,
    });
    expect(createArtifactUpload.uploadUrl).toMatch(/^http:\/\/gateway\.test:4000\/uploads\/[\w-]+\.[\w-]+$/);
    expect(createArtifactUpload.maxBytes).toBe(MAX_BYTES);
    const ttl = Date.parse(createArtifactUpload.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(890_000);
    expect(ttl).toBeLessThanOrEqual(900_000);
    const token = new URL(createArtifactUpload.uploadUrl).pathname.split('/').pop()!;
    expect(signer.verify('artifact-upload', token)).toMatchObject({
      productId: product.id,
      version: '1.0.0',
      id: expect.any(String),
    });
  });

  it.each<[string, string, () => string | undefined]>([
    ['anonymous', 'UNAUTHENTICATED', () => undefined],
    ['a customer', 'FORBIDDEN', customer],
    ['another vendor', 'FORBIDDEN', () => otherVendor.token],
    ['an admin', 'FORBIDDEN', admin],
    ['its vendor', 'OK', () => vendor.token],
  ])('on a published product: %s → %s', async (_who, code, token) => {
    const product = await publishedProduct(catalog, vendor);
    expect(
      codeOf(
        await catalog.client.request(CREATE_UPLOAD, {
          variables: { productId: product.id, version: '1.0.0' },
          token: token(),
        }),
      ),
    ).toBe(code);
  });

  it("hides others' drafts (NOT_FOUND) and unknown or malformed ids", async () => {
    const draft = await createProduct(catalog, vendor);
    for (const [productId, token] of [
      [draft.id, otherVendor.token],
      [draft.id, customer()],
      [randomUUID(), vendor.token],
      ['nope', vendor.token],
    ]) {
      expect(await catalog.client.errorCode(CREATE_UPLOAD, { variables: { productId, version: '1.0.0' }, token })).toBe(
        'NOT_FOUND',
      );
    }
  });

  it('refuses a suspended vendor (FORBIDDEN) and an archived product (CONFLICT)', async () => {
    const seller = await addVendor(catalog);
    const product = await publishedProduct(catalog, seller);
    const archived = await publishedProduct(catalog, seller);
    await catalog.client.data(ARCHIVE, { variables: { id: archived.id }, token: seller.token });
    const closed = await catalog.client.request(CREATE_UPLOAD, {
      variables: { productId: archived.id, version: '1.0.0' },
      token: seller.token,
    });
    expect(closed.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', status: 'ARCHIVED' });
    await setVendorStatus(catalog, seller.vendorId, 'SUSPENDED');
    expect(
      await catalog.client.errorCode(CREATE_UPLOAD, {
        variables: { productId: product.id, version: '1.0.0' },
        token: seller.token,
      }),
    ).toBe('FORBIDDEN');
  });

  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['1..2', 'must be letters and digits in groups joined by "." or "-"'],
    ['../../etc', 'must be letters and digits in groups joined by "." or "-"'],
    ['a/b', 'must be letters and digits in groups joined by "." or "-"'],
    ['1.0+build', 'must be letters and digits in groups joined by "." or "-"'],
    ['.1', 'must be letters and digits in groups joined by "." or "-"'],
    ['v'.repeat(33), 'must be at most 32 characters'],
  ])('refuses the version %p as BAD_USER_INPUT', async (version, message) => {
    const product = await createProduct(catalog, vendor);
    const result = await catalog.client.request(CREATE_UPLOAD, {
      variables: { productId: product.id, version },
      token: vendor.token,
    });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'version', message }],
    });
  });
});

describe('PUT /uploads/:token', () => {
  it('stores the bytes, answers their checksum and records the artifact on the product for everyone to see', async () => {
    const product = await publishedProduct(catalog, vendor);
    expect((await catalog.client.data(ARTIFACT, { variables: { id: product.id } })).product.artifact).toBeNull();
    const bytes = randomBytes(40_000);
    const answer = await put(await uploadUrl(product.id, '2.1.0-beta.1'), bytes, {
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
    const [row] = await artifactRows(product.id);
    expect(readFileSync(join(storageDir, row.objectKey)).equals(bytes)).toBe(true);
  });

  it("records product.artifact_uploaded in the upload's transaction, with the storage key, checksum and content type licensing serves", async () => {
    const product = await publishedProduct(catalog, vendor);
    const bytes = randomBytes(1_000);
    await put(await uploadUrl(product.id, '3.0.0'), bytes, {
      headers: { 'content-type': 'application/zip; charset=binary', 'x-request-id': 'upload-req-1' },
    });
    const [row] = await artifactRows(product.id);
    const events = (await outboxOf(catalog, product.id)).filter((e) => e.type === 'product.artifact_uploaded');
    expect(events).toEqual([
      expect.objectContaining({
        correlationId: 'upload-req-1',
        payload: {
          productId: product.id,
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
    await put(await uploadUrl(product.id, '3.0.1'), Buffer.alloc(0));
    expect((await outboxOf(catalog, product.id)).filter((e) => e.type === 'product.artifact_uploaded')).toHaveLength(1);
  });

  it('accepts exactly the limit, refuses one byte more with 413 and keeps nothing; the link still works afterwards', async () => {
    const product = await createProduct(catalog, vendor);
    const url = await uploadUrl(product.id);
    const tooLarge = await put(url, randomBytes(MAX_BYTES + 1));
    expect(tooLarge).toEqual({
      status: 413,
      body: {
        errors: [
          { message: `The artifact is larger than ${MAX_BYTES} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } },
        ],
      },
    });
    // Streamed without a length: the storage stops at the limit.
    const chunks = [randomBytes(MAX_BYTES / 2), randomBytes(MAX_BYTES / 2), randomBytes(10)];
    const stream = new ReadableStream({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    expect((await put(url, stream)).status).toBe(413);
    expect(objectsOf(product.id)).toEqual([]);
    expect(await artifactRows(product.id)).toEqual([]);
    const exact = randomBytes(MAX_BYTES);
    expect(await put(url, exact)).toEqual({
      status: 200,
      body: { sha256: sha256(exact), size: MAX_BYTES, version: '1.0.0' },
    });
  });

  it('refuses an empty body with 400 and keeps nothing', async () => {
    const product = await createProduct(catalog, vendor);
    expect(await put(await uploadUrl(product.id), Buffer.alloc(0))).toMatchObject({
      status: 400,
      body: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] },
    });
    expect(objectsOf(product.id)).toEqual([]);
  });

  it('uses a link once: a second PUT is 409 and changes nothing', async () => {
    const product = await createProduct(catalog, vendor);
    const url = await uploadUrl(product.id);
    const first = randomBytes(1000);
    expect((await put(url, first)).status).toBe(200);
    expect(await put(url, randomBytes(1000))).toEqual({
      status: 409,
      body: { errors: [{ message: 'This upload link was already used', extensions: { code: 'CONFLICT' } }] },
    });
    expect(
      (await catalog.client.data(ARTIFACT, { variables: { id: product.id }, token: vendor.token })).product.artifact
        .sha256,
    ).toBe(sha256(first));
    expect(objectsOf(product.id)).toHaveLength(1);
  });

  it("lets exactly one of several simultaneous PUTs with one link win; the losers' bytes are not kept", async () => {
    for (let round = 0; round < 3; round += 1) {
      const product = await createProduct(catalog, vendor);
      const url = await uploadUrl(product.id);
      const answers = await Promise.all(Array.from({ length: 6 }, () => put(url, randomBytes(30_000))));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
      const winner = answers.find((a) => a.status === 200)!.body;
      const [row] = await artifactRows(product.id);
      expect(row.sha256).toBe(winner.sha256);
      expect(sha256(readFileSync(join(storageDir, row.objectKey)))).toBe(winner.sha256);
      expect(objectsOf(product.id)).toHaveLength(1);
    }
  });

  it('keeps nothing of an upload the client abandons halfway, and the link still works', async () => {
    const product = await createProduct(catalog, vendor);
    const url = await uploadUrl(product.id);
    let sent = 0;
    const stream = new ReadableStream({
      async pull(controller) {
        if (sent === 2) return controller.error(new Error('client gave up'));
        sent += 1;
        controller.enqueue(randomBytes(8_000));
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
    });
    await expect(put(url, stream)).rejects.toThrow();
    await until(
      () => catalog.logs.records().some((r) => r.msg === 'artifact upload abandoned') || undefined,
      'the abandoned upload to be cleaned up',
      5_000,
    );
    expect(catalog.logs.records().some((r) => r.msg === 'artifact upload abandoned')).toBe(true);
    expect(objectsOf(product.id)).toEqual([]);
    expect((await put(url, randomBytes(100))).status).toBe(200);
  });

  it('replaces the current artifact with a new version and keeps the old build; an uploaded version cannot be reused', async () => {
    const product = await publishedProduct(catalog, vendor);
    const v1 = randomBytes(2000);
    const v2 = randomBytes(3000);
    await put(await uploadUrl(product.id, '1.0.0'), v1);
    await put(await uploadUrl(product.id, '1.1.0'), v2);
    expect((await catalog.client.data(ARTIFACT, { variables: { id: product.id } })).product.artifact).toMatchObject({
      version: '1.1.0',
      sha256: sha256(v2),
      size: 3000,
    });
    const rows = await artifactRows(product.id);
    expect(rows.map((r) => [r.version, r.sha256])).toEqual([
      ['1.0.0', sha256(v1)],
      ['1.1.0', sha256(v2)],
    ]);
    expect(readFileSync(join(storageDir, rows[0].objectKey)).equals(v1)).toBe(true);
    const again = await catalog.client.request(CREATE_UPLOAD, {
      variables: { productId: product.id, version: '1.0.0' },
      token: vendor.token,
    });
    expect(again.errors?.[0]).toMatchObject({
      message: 'Version 1.0.0 was already uploaded',
      extensions: { code: 'CONFLICT', field: 'version' },
    });
  });

  it('two links for one version: the second upload is 409', async () => {
    const product = await createProduct(catalog, vendor);
    const [first, second] = [await uploadUrl(product.id, '3.0.0'), await uploadUrl(product.id, '3.0.0')];
    expect((await put(first, randomBytes(100))).status).toBe(200);
    expect(await put(second, randomBytes(100))).toMatchObject({
      status: 409,
      body: { errors: [{ message: 'Version 3.0.0 was already uploaded' }] },
    });
  });

  describe('token misuse', () => {
    let product: { id: string };
    beforeAll(async () => {
      product = await createProduct(catalog, vendor);
    });
    const claims = () => ({ id: randomUUID(), productId: product.id, version: '9.9.9', by: vendor.userId });
    const refusedWith403 = {
      status: 403,
      body: { errors: [{ message: 'This upload link is invalid or has expired', extensions: { code: 'FORBIDDEN' } }] },
    };

    it('refuses an expired link', async () => {
      expect(await put(tokenUrl(signer.sign('artifact-upload', claims(), -1)), randomBytes(10))).toEqual(
        refusedWith403,
      );
    });

    it('refuses a link signed with another secret', async () => {
      const forger = new UrlTokenSigner(randomBytes(32));
      expect(await put(tokenUrl(forger.sign('artifact-upload', claims(), 900)), randomBytes(10))).toEqual(
        refusedWith403,
      );
    });

    it('refuses a real link whose payload was changed to another product', async () => {
      const other = await createProduct(catalog, otherVendor);
      const [body, mac] = new URL(await uploadUrl(product.id, '4.0.0')).pathname.split('/').pop()!.split('.');
      const decoded = JSON.parse(Buffer.from(body, 'base64url').toString());
      decoded.d.productId = other.id;
      expect(
        await put(tokenUrl(`${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${mac}`), randomBytes(10)),
      ).toEqual(refusedWith403);
      expect(objectsOf(other.id)).toEqual([]);
    });

    it('refuses a token made for another purpose (a download link)', async () => {
      expect(await put(tokenUrl(signer.sign('download', claims(), 900)), randomBytes(10))).toEqual(refusedWith403);
    });

    it.each(['garbage', 'a.b.c', 'x.', '.y', '%00'])('refuses a malformed token %p', async (token) => {
      expect((await put(tokenUrl(token), randomBytes(10))).status).toBe(403);
    });

    it('answers 404 for a genuine link of a product that does not exist', async () => {
      expect(
        (
          await put(
            tokenUrl(signer.sign('artifact-upload', { ...claims(), productId: randomUUID() }, 900)),
            randomBytes(10),
          )
        ).status,
      ).toBe(404);
    });

    it('re-checks the product when the bytes arrive: archived → 409, vendor suspended → 403', async () => {
      const seller = await addVendor(catalog);
      const [archived, suspended] = [await createProduct(catalog, seller), await createProduct(catalog, seller)];
      const [archivedUrl, suspendedUrl] = [
        await uploadUrl(archived.id, '1.0.0', seller.token),
        await uploadUrl(suspended.id, '1.0.0', seller.token),
      ];
      await catalog.client.data(ARCHIVE, { variables: { id: archived.id }, token: seller.token });
      expect((await put(archivedUrl, randomBytes(10))).status).toBe(409);
      await setVendorStatus(catalog, seller.vendorId, 'SUSPENDED');
      expect((await put(suspendedUrl, randomBytes(10))).status).toBe(403);
      expect([...objectsOf(archived.id), ...objectsOf(suspended.id)]).toEqual([]);
    });

    it('answers other methods with 405', async () => {
      const response = await fetch(`${base()}/uploads/anything`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('PUT');
    });
  });
});

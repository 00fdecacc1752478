import { globalId, uuidOf } from '@marketplace/kit/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { UrlTokenSigner } from '@marketplace/kit';
import type { ArtifactCatalog, TestVendor } from '../testing';
import {
  ARTIFACT_MAX_BYTES,
  CREATE_ARTIFACT_UPLOAD,
  addVendor,
  admin,
  createProduct,
  customer,
  publishedProduct,
  putArtifact,
  setVendorStatus,
  startArtifactCatalog,
  storedObjects,
  uploadLink,
  uploadUrl,
} from '../testing';

/** Upload links: who gets one for what, and what a forged, expired or stale link gets. */
let catalog: ArtifactCatalog;
let vendor: TestVendor;
let otherVendor: TestVendor;
beforeAll(async () => {
  catalog = await startArtifactCatalog();
  vendor = await addVendor(catalog);
  otherVendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const ARCHIVE = `mutation($id: ID!) { archiveProduct(input: { productId: $id }) { product { id } } }`;
const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0].extensions?.code ?? 'OK';

describe('createArtifactUpload', () => {
  it('gives the owner a signed URL on PUBLIC_URL, valid for 15 minutes, with the size limit', async () => {
    const product = await createProduct(catalog, vendor);
    const { createArtifactUpload } = await catalog.client.data(CREATE_ARTIFACT_UPLOAD, {
      variables: { productId: product.id, version: ' 1.0.0 ' },
      token: vendor.token,
    });
    expect(createArtifactUpload.product).toEqual({ id: product.id });
    const upload = createArtifactUpload.upload;
    expect(upload.uploadUrl).toMatch(/^http:\/\/gateway\.test:4000\/uploads\/[\w-]+\.[\w-]+$/);
    expect(upload.maxBytes).toBe(ARTIFACT_MAX_BYTES);
    const ttl = Date.parse(upload.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(890_000);
    expect(ttl).toBeLessThanOrEqual(900_000);
    const token = new URL(upload.uploadUrl).pathname.split('/').pop()!;
    expect(catalog.signer.verify('artifact-upload', token)).toMatchObject({
      productId: uuidOf(product.id),
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
        await catalog.client.request(CREATE_ARTIFACT_UPLOAD, {
          variables: { productId: product.id, version: '1.0.0' },
          token: token(),
        }),
      ),
    ).toBe(code);
  });

  it("hides others' drafts and unknown ids (NOT_FOUND); a malformed id is BAD_USER_INPUT", async () => {
    const draft = await createProduct(catalog, vendor);
    for (const [productId, token] of [
      [draft.id, otherVendor.token],
      [draft.id, customer()],
      [globalId('Product', randomUUID()), vendor.token],
    ]) {
      expect(
        await catalog.client.errorCode(CREATE_ARTIFACT_UPLOAD, { variables: { productId, version: '1.0.0' }, token }),
      ).toBe('NOT_FOUND');
    }
    const malformed = await catalog.client.request(CREATE_ARTIFACT_UPLOAD, {
      variables: { productId: 'nope', version: '1.0.0' },
      token: vendor.token,
    });
    expect(malformed.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.productId', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' }],
    });
    const wrongType = await catalog.client.request(CREATE_ARTIFACT_UPLOAD, {
      variables: { productId: globalId('Vendor', vendor.vendorId), version: '1.0.0' },
      token: vendor.token,
    });
    expect(wrongType.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.productId', message: 'must be an id of type Product, not Vendor' }],
    });
  });

  it('refuses a suspended vendor (FORBIDDEN) and an archived product (CONFLICT)', async () => {
    const seller = await addVendor(catalog);
    const product = await publishedProduct(catalog, seller);
    const archived = await publishedProduct(catalog, seller);
    await catalog.client.data(ARCHIVE, { variables: { id: archived.id }, token: seller.token });
    const closed = await catalog.client.request(CREATE_ARTIFACT_UPLOAD, {
      variables: { productId: archived.id, version: '1.0.0' },
      token: seller.token,
    });
    expect(closed.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'PRODUCT_ARCHIVED' });
    await setVendorStatus(catalog, seller.vendorId, 'SUSPENDED');
    const suspended = await catalog.client.request(CREATE_ARTIFACT_UPLOAD, {
      variables: { productId: product.id, version: '1.0.0' },
      token: seller.token,
    });
    expect(suspended.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'VENDOR_SUSPENDED' });
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
    const result = await catalog.client.request(CREATE_ARTIFACT_UPLOAD, {
      variables: { productId: product.id, version },
      token: vendor.token,
    });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.version', message }],
    });
  });
});

describe('PUT /uploads/:token', () => {
  describe('token misuse', () => {
    let product: { id: string };
    beforeAll(async () => {
      product = await createProduct(catalog, vendor);
    });
    const claims = () => ({ id: randomUUID(), productId: uuidOf(product.id), version: '9.9.9', by: vendor.userId });
    const refusedWith403 = {
      status: 403,
      body: { errors: [{ message: 'This upload link is invalid or has expired', extensions: { code: 'FORBIDDEN' } }] },
    };

    it('refuses an expired link', async () => {
      expect(
        await putArtifact(catalog, uploadLink(catalog.signer.sign('artifact-upload', claims(), -1)), randomBytes(10)),
      ).toEqual(refusedWith403);
    });

    it('refuses a link signed with another secret', async () => {
      const forger = new UrlTokenSigner(randomBytes(32));
      expect(
        await putArtifact(catalog, uploadLink(forger.sign('artifact-upload', claims(), 900)), randomBytes(10)),
      ).toEqual(refusedWith403);
    });

    it('refuses a real link whose payload was changed to another product', async () => {
      const other = await createProduct(catalog, otherVendor);
      const [body, mac] = new URL(await uploadUrl(catalog, vendor, product.id, '4.0.0')).pathname
        .split('/')
        .pop()!
        .split('.');
      const decoded = JSON.parse(Buffer.from(body, 'base64url').toString());
      decoded.d.productId = other.id;
      expect(
        await putArtifact(
          catalog,
          uploadLink(`${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${mac}`),
          randomBytes(10),
        ),
      ).toEqual(refusedWith403);
      expect(storedObjects(catalog, other.id)).toEqual([]);
    });

    it('refuses a token made for another purpose (a download link)', async () => {
      expect(
        await putArtifact(catalog, uploadLink(catalog.signer.sign('download', claims(), 900)), randomBytes(10)),
      ).toEqual(refusedWith403);
    });

    it.each(['garbage', 'a.b.c', 'x.', '.y', '%00'])('refuses a malformed token %p', async (token) => {
      expect((await putArtifact(catalog, uploadLink(token), randomBytes(10))).status).toBe(403);
    });

    it('answers 404 for a genuine link of a product that does not exist', async () => {
      expect(
        (
          await putArtifact(
            catalog,
            uploadLink(catalog.signer.sign('artifact-upload', { ...claims(), productId: randomUUID() }, 900)),
            randomBytes(10),
          )
        ).status,
      ).toBe(404);
    });

    it('re-checks the product when the bytes arrive: archived → 409, vendor suspended → 403', async () => {
      const seller = await addVendor(catalog);
      const [archived, suspended] = [await createProduct(catalog, seller), await createProduct(catalog, seller)];
      const [archivedUrl, suspendedUrl] = [
        await uploadUrl(catalog, seller, archived.id, '1.0.0'),
        await uploadUrl(catalog, seller, suspended.id, '1.0.0'),
      ];
      await catalog.client.data(ARCHIVE, { variables: { id: archived.id }, token: seller.token });
      expect((await putArtifact(catalog, archivedUrl, randomBytes(10))).status).toBe(409);
      await setVendorStatus(catalog, seller.vendorId, 'SUSPENDED');
      expect((await putArtifact(catalog, suspendedUrl, randomBytes(10))).status).toBe(403);
      expect([...storedObjects(catalog, archived.id), ...storedObjects(catalog, suspended.id)]).toEqual([]);
    });

    it('answers other methods with 405', async () => {
      const response = await fetch(catalog.subgraph.url.replace(/\/graphql$/, '/uploads/anything'));
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('PUT');
    });
  });
});

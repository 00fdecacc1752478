import { randomBytes, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { rawIdOf } from '@marketplace/kit';
import { TEST_EXECUTABLES, pngClaiming, testImage } from '@marketplace/kit/testing';
import { ARCHIVE_PRODUCT, TestVendor, addVendor, createProduct, publishedProduct } from '../testing';
import {
  CREATE_MEDIA_UPLOAD,
  MediaCatalog,
  PRODUCT_MEDIA,
  TEST_MEDIA_MAX_BYTES,
  TEST_MEDIA_MAX_PIXELS,
  getMedia,
  mediaIdsWithFiles,
  mediaRows,
  mediaUploadUrl,
  putMedia,
  startMediaCatalog,
  storedMediaFiles,
  uploadMedia,
} from './product-media.testing';

/** PUT <gateway>/media/products/uploads/:token and GET /media/products/:id/:file on the catalog subgraph. */
let catalog: MediaCatalog;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startMediaCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const IMMUTABLE = 'public, max-age=31536000, immutable';

describe('uploading a product image', () => {
  it.each([
    ['png', 'image/png', 'original.png'],
    ['jpeg', 'image/jpeg', 'original.jpg'],
    ['webp', 'image/webp', 'original.webp'],
  ] as const)(
    'takes a %s, strips its EXIF, makes WebP variants and serves them immutable with an ETag and 304',
    async (format, contentType, originalFile) => {
      const product = await publishedProduct(catalog, vendor);
      const url = await mediaUploadUrl(catalog, vendor, product.id, 'COVER');
      expect(url).toMatch(/^http:\/\/gateway\.test:4000\/media\/products\/uploads\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const answer = await putMedia(catalog, url, await testImage(format, 1600, 900, { exif: format === 'jpeg' }));
      expect(answer).toEqual({
        status: 200,
        body: {
          mediaId: expect.stringMatching(/^ProductMedia:/),
          productId: product.id,
          kind: 'COVER',
          position: 1,
          width: 1600,
          height: 900,
          url: expect.stringMatching(
            new RegExp(`^http://gateway.test:4000/media/products/[0-9a-f-]{36}/${originalFile}$`),
          ),
        },
      });
      const { product: seen } = await catalog.client.data(PRODUCT_MEDIA, { variables: { id: product.id } });
      const id = rawIdOf(answer.body.mediaId as string);
      expect(seen.media).toEqual([
        {
          id: answer.body.mediaId,
          kind: 'COVER',
          url: answer.body.url,
          alt: null,
          width: 1600,
          height: 900,
          position: 1,
          small: `http://gateway.test:4000/media/products/${id}/w160.webp`,
          large: `http://gateway.test:4000/media/products/${id}/w1200.webp`,
        },
      ]);
      expect(seen.coverImage).toEqual({ id: answer.body.mediaId, kind: 'COVER' });
      expect(storedMediaFiles(catalog, id)).toEqual([originalFile, 'w1200.webp', 'w160.webp', 'w480.webp'].sort());

      const original = await getMedia(catalog, answer.body.url as string);
      expect(original.status).toBe(200);
      expect(original.headers.get('content-type')).toBe(contentType);
      expect(original.headers.get('cache-control')).toBe(IMMUTABLE);
      expect(original.headers.get('x-content-type-options')).toBe('nosniff');
      const bytes = Buffer.from(await original.arrayBuffer());
      const metadata = await sharp(bytes).metadata();
      expect([metadata.format, metadata.width, metadata.height, metadata.exif]).toEqual([format, 1600, 900, undefined]);
      const etag = original.headers.get('etag')!;
      const revalidated = await getMedia(catalog, answer.body.url as string, { 'if-none-match': etag });
      expect(revalidated.status).toBe(304);
      expect(revalidated.headers.get('cache-control')).toBe(IMMUTABLE);

      const variant = await getMedia(catalog, seen.media[0].small);
      expect(variant.headers.get('content-type')).toBe('image/webp');
      expect(variant.headers.get('cache-control')).toBe(IMMUTABLE);
      const variantMeta = await sharp(Buffer.from(await variant.arrayBuffer())).metadata();
      expect([variantMeta.format, variantMeta.width, variantMeta.exif]).toEqual(['webp', 160, undefined]);
    },
  );

  it.each([
    ['an ELF executable renamed .png', () => TEST_EXECUTABLES.elf, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a Windows executable renamed .png', () => TEST_EXECUTABLES.mz, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a 30000 × 30000 image', () => pngClaiming(30_000, 30_000), 422, 'IMAGE_TOO_LARGE'],
    [
      'an image one pixel over MEDIA_MAX_PIXELS',
      () => testImage('png', TEST_MEDIA_MAX_PIXELS / 1000 + 1, 1000),
      422,
      'IMAGE_TOO_LARGE',
    ],
    ['a body over MEDIA_MAX_BYTES', () => randomBytes(TEST_MEDIA_MAX_BYTES + 1), 413, 'PAYLOAD_TOO_LARGE'],
    ['an empty body', () => Buffer.alloc(0), 400, 'BAD_REQUEST'],
  ])('refuses %s, records nothing and keeps no file; the link still works', async (_what, body, status, code) => {
    const product = await createProduct(catalog, vendor);
    const url = await mediaUploadUrl(catalog, vendor, product.id);
    const answer = await putMedia(catalog, url, await body(), { headers: { 'content-type': 'image/png' } });
    expect(answer).toMatchObject({ status, body: { errors: [{ extensions: { code } }] } });
    expect(await mediaRows(catalog, product.id)).toEqual([]);
    expect((await putMedia(catalog, url, await testImage('png', 64, 64))).status).toBe(200);
    expect(await mediaRows(catalog, product.id)).toHaveLength(1);
  });

  it('refuses forged and expired links and links of another purpose (403)', async () => {
    const product = await createProduct(catalog, vendor);
    const png = await testImage('png', 32, 32);
    const claims = { u: randomUUID(), c: { productId: rawIdOf(product.id), kind: 'SCREENSHOT', by: vendor.userId } };
    const link = (token: string) => `http://gateway.test:4000/media/products/uploads/${token}`;
    for (const token of [
      catalog.signer.sign('media-upload:products', claims, -1),
      catalog.signer.sign('media-upload:users', claims, 60),
      catalog.signer.sign('artifact-upload', claims, 60),
      `${catalog.signer.sign('media-upload:products', claims, 60).slice(0, -3)}AAA`,
    ])
      expect(await putMedia(catalog, link(token), png)).toMatchObject({
        status: 403,
        body: { errors: [{ extensions: { code: 'FORBIDDEN' } }] },
      });
    expect(await mediaRows(catalog, product.id)).toEqual([]);
  });

  it('uses a link once: a second PUT is 409; of two racing PUTs exactly one is recorded, the loser keeps no file', async () => {
    const product = await createProduct(catalog, vendor);
    const url = await mediaUploadUrl(catalog, vendor, product.id);
    expect((await putMedia(catalog, url, await testImage('png', 40, 40))).status).toBe(200);
    expect(await putMedia(catalog, url, await testImage('png', 40, 40))).toEqual({
      status: 409,
      body: { errors: [{ message: 'This upload link was already used', extensions: { code: 'CONFLICT' } }] },
    });

    const raced = await createProduct(catalog, vendor);
    const once = await mediaUploadUrl(catalog, vendor, raced.id);
    const images = await Promise.all([1, 2, 3, 4].map((i) => testImage('webp', 300 + i, 200)));
    const before = mediaIdsWithFiles(catalog);
    const answers = await Promise.all(images.map((image) => putMedia(catalog, once, image)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409]);
    const rows = await mediaRows(catalog, raced.id);
    expect(rows).toHaveLength(1);
    expect(mediaIdsWithFiles(catalog)).toEqual([...before, rows[0].id].sort());
    const losers = answers.filter((answer) => answer.status !== 200);
    for (const loser of losers) expect(loser.body).toMatchObject({ errors: [{ extensions: { code: 'CONFLICT' } }] });
  });

  it('takes one cover and at most 20 images: refused when the link is asked for and again when the bytes arrive', async () => {
    const product = await createProduct(catalog, vendor);
    const first = await mediaUploadUrl(catalog, vendor, product.id, 'COVER');
    const second = await mediaUploadUrl(catalog, vendor, product.id, 'COVER');
    expect((await putMedia(catalog, first, await testImage('png', 50, 50))).status).toBe(200);
    expect(await putMedia(catalog, second, await testImage('png', 50, 50))).toMatchObject({
      status: 409,
      body: { errors: [{ message: 'The product has a cover already; delete it first' }] },
    });
    const refused = await catalog.client.request(CREATE_MEDIA_UPLOAD, {
      variables: { productId: product.id, kind: 'COVER' },
      token: vendor.token,
    });
    expect(refused.errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'COVER_EXISTS',
      fields: [{ field: 'input.kind', message: 'COVER is taken' }],
    });
    const png = await testImage('png', 20, 20);
    const late = await mediaUploadUrl(catalog, vendor, product.id);
    for (let i = 1; i < 20; i += 1) await uploadMedia(catalog, vendor, product.id, png);
    expect(await mediaRows(catalog, product.id)).toHaveLength(20);
    const full = await catalog.client.request(CREATE_MEDIA_UPLOAD, {
      variables: { productId: product.id, kind: 'SCREENSHOT' },
      token: vendor.token,
    });
    expect(full.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'MEDIA_FULL' });
    expect((await putMedia(catalog, late, png)).status).toBe(409);
    expect((await mediaRows(catalog, product.id)).map((row) => row.position)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('keeps the images of an archived product (its buyers still see them) and takes no new ones', async () => {
    const product = await publishedProduct(catalog, vendor);
    const url = await mediaUploadUrl(catalog, vendor, product.id);
    const mediaId = await uploadMedia(catalog, vendor, product.id, await testImage('jpeg', 200, 100), 'COVER');
    await catalog.client.data(ARCHIVE_PRODUCT, { variables: { productId: product.id }, token: vendor.token });
    expect(await putMedia(catalog, url, await testImage('png', 20, 20))).toMatchObject({ status: 409 });
    const refused = await catalog.client.request(CREATE_MEDIA_UPLOAD, {
      variables: { productId: product.id, kind: 'SCREENSHOT' },
      token: vendor.token,
    });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'PRODUCT_ARCHIVED' });
    const { product: seen } = await catalog.client.data(PRODUCT_MEDIA, {
      variables: { id: product.id },
      token: vendor.token,
    });
    expect(seen.media.map((media: { id: string }) => media.id)).toEqual([mediaId]);
    expect((await getMedia(catalog, seen.media[0].url)).status).toBe(200);
  });

  it('answers 404 JSON for unknown media files, 405 for other methods', async () => {
    for (const path of [`/media/products/${randomUUID()}/original.png`, `/media/products/x/original.png`]) {
      const answer = await getMedia(catalog, `http://gateway.test:4000${path}`);
      expect([answer.status, await answer.json()]).toEqual([
        404,
        { errors: [{ message: 'No such media file', extensions: { code: 'NOT_FOUND' } }] },
      ]);
    }
    const url = await mediaUploadUrl(catalog, vendor, (await createProduct(catalog, vendor)).id);
    const get = await getMedia(catalog, url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('PUT');
  });
});

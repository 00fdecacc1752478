import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoIds } from '@marketplace/kit';
import { TEST_EXECUTABLES, pngClaiming, testImage, tokenFor } from '@marketplace/kit/testing';
import sharp from 'sharp';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * Issue 22's product media through the gateway only: a vendor uploads images of a product
 * through signed links on the REST edge (`/media/products`), the public sees them once the
 * product is approved, and the files come back through the gateway with their immutable
 * cache headers, ETags and 304s, under the REST edge's body and rate limits.
 */
const MAX_BYTES = 300_000;
const IMMUTABLE = 'public, max-age=31536000, immutable';

let supergraph: TestSupergraph;
let mediaDir: string;
const ada = tokenFor(DemoIds.users.ada, 'VENDOR');
const grace = tokenFor(DemoIds.users.grace, 'VENDOR');
const admin = tokenFor(DemoIds.users.admin, 'ADMIN');

beforeAll(async () => {
  mediaDir = mkdtempSync(join(tmpdir(), 'e2e-media-'));
  supergraph = await startTestSupergraph({ MEDIA_STORAGE_DIR: mediaDir, MEDIA_MAX_BYTES: String(MAX_BYTES) });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
}, 60_000);
afterAll(async () => {
  await supergraph?.close();
  rmSync(mediaDir, { recursive: true, force: true });
});

const gql = () => supergraph.client;
/** The path of a URL the API handed out, on this test's gateway (PUBLIC_URL is the default one). */
const viaGateway = (url: string, gatewayUrl = supergraph.gateway.url) =>
  new URL(new URL(url).pathname, gatewayUrl).href;
const put = (url: string, body: Buffer | ReadableStream) =>
  fetch(viaGateway(url), {
    method: 'PUT',
    body: body instanceof ReadableStream ? body : new Uint8Array(body),
    headers: { 'content-type': 'image/png' },
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  });
// fetch() adds `Cache-Control: no-cache` to a conditional request unless told otherwise; a browser revalidating does not.
const get = (url: string, headers: Record<string, string> = {}, gatewayUrl?: string) =>
  fetch(viaGateway(url, gatewayUrl), { headers: { 'cache-control': 'max-age=0', ...headers } });

async function draftProduct(): Promise<string> {
  const { categories } = await gql().data(`{ categories { children { id } } }`);
  const { createProduct } = await gql().data(
    `mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } } }`,
    {
      variables: {
        i: {
          name: `Media Flow ${Date.now()} ${Math.random()}`,
          description: 'An agent with pictures.',
          kind: 'AGENT',
          price: { amount: 900, currency: 'USD' },
          categoryId: categories[0].children[0].id,
          tags: ['media'],
        },
      },
      token: ada,
    },
  );
  return createProduct.product.id as string;
}

async function uploadLink(productId: string, kind = 'SCREENSHOT'): Promise<string> {
  const { createProductMediaUpload } = await gql().data(
    `mutation($p: ID!, $k: ProductMediaKind!) { createProductMediaUpload(input: { productId: $p, kind: $k }) { upload { uploadUrl maxBytes maxPixels } } }`,
    { variables: { p: productId, k: kind }, token: ada },
  );
  expect(createProductMediaUpload.upload).toMatchObject({ maxBytes: MAX_BYTES, maxPixels: 25_000_000 });
  return createProductMediaUpload.upload.uploadUrl as string;
}

const MEDIA = `query($id: ID!) { product(id: $id) { media { id kind alt position thumbnail(width: 480) url } coverImage { thumbnail(width: 160) } } }`;

describe('product media through the gateway', () => {
  let productId: string;
  let cover: { thumbnail: string };

  it('uploads PNG, JPEG and WebP to a draft, hidden from the public until the product is approved', async () => {
    productId = await draftProduct();
    const images = [
      ['COVER', await testImage('png', 1300, 700)],
      ['SCREENSHOT', await testImage('jpeg', 800, 600, { exif: true })],
      ['VIDEO_POSTER', await testImage('webp', 640, 360)],
    ] as const;
    for (const [kind, image] of images) {
      const answer = await put(await uploadLink(productId, kind), image);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ productId, kind });
    }
    expect((await gql().data(MEDIA, { variables: { id: productId } })).product).toBeNull();
    expect((await gql().data(MEDIA, { variables: { id: productId }, token: grace })).product).toBeNull();
    const owned = (await gql().data(MEDIA, { variables: { id: productId }, token: ada })).product;
    expect(owned.media.map((media: { kind: string }) => media.kind)).toEqual(['COVER', 'SCREENSHOT', 'VIDEO_POSTER']);

    await gql().data(`mutation($p: ID!) { submitProductForReview(input: { productId: $p }) { product { id } } }`, {
      variables: { p: productId },
      token: ada,
    });
    const queued = (await gql().data(MEDIA, { variables: { id: productId }, token: admin })).product;
    expect(queued.media).toHaveLength(3);
    await gql().data(`mutation($p: ID!) { approveProduct(input: { productId: $p }) { product { id } } }`, {
      variables: { p: productId },
      token: admin,
    });
    const published = await until(async () => {
      const { product } = await gql().data(MEDIA, { variables: { id: productId } });
      return product?.media.length === 3 ? product : undefined;
    }, 'the approved product with its media');
    expect(published.coverImage.thumbnail).toMatch(/\/media\/products\/[0-9a-f-]{36}\/w160\.webp$/);
    cover = published.coverImage;
  });

  it('serves the files through the REST edge: immutable, ETag, 304, nosniff, no EXIF', async () => {
    const file = await get(cover.thumbnail);
    expect(file.status).toBe(200);
    expect(
      Object.fromEntries(
        ['content-type', 'cache-control', 'x-content-type-options', 'cross-origin-resource-policy'].map((h) => [
          h,
          file.headers.get(h),
        ]),
      ),
    ).toEqual({
      'content-type': 'image/webp',
      'cache-control': IMMUTABLE,
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'cross-origin',
    });
    const etag = file.headers.get('etag')!;
    expect(etag).toMatch(/^"[^W]/);
    expect((await sharp(Buffer.from(await file.arrayBuffer())).metadata()).width).toBe(160);
    const revalidated = await get(cover.thumbnail, { 'if-none-match': etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(etag);
    expect(revalidated.headers.get('cache-control')).toBe(IMMUTABLE);

    const { product } = await gql().data(MEDIA, { variables: { id: productId } });
    const jpeg = await get(product.media[1].url);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(Buffer.from(await jpeg.arrayBuffer())).metadata()).exif).toBeUndefined();
    const unknown = await get(product.media[1].url.replace(/original\.jpg$/, 'w999.webp'));
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      { errors: [{ message: 'No such media file', extensions: { code: 'NOT_FOUND' } }] },
    ]);
  });

  it('refuses an executable renamed .png, 30000 × 30000 pixels and oversized bodies (at the edge when declared)', async () => {
    const target = await draftProduct();
    const refusal = async (answer: Response) => [
      answer.status,
      ((await answer.json()) as { errors: { message: string; extensions: { code: string } }[] }).errors[0],
    ];
    expect(await refusal(await put(await uploadLink(target), TEST_EXECUTABLES.elf))).toEqual([
      415,
      expect.objectContaining({ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }),
    ]);
    expect(await refusal(await put(await uploadLink(target), await pngClaiming(30_000, 30_000)))).toEqual([
      422,
      expect.objectContaining({ extensions: { code: 'IMAGE_TOO_LARGE' } }),
    ]);
    // Declared: the gateway answers from the header, with MEDIA_MAX_BYTES (not the artifact limit).
    expect(await refusal(await put(await uploadLink(target), randomBytes(MAX_BYTES + 1)))).toEqual([
      413,
      { message: `The request body is larger than ${MAX_BYTES} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } },
    ]);
    // Streamed without a length: the catalog stops reading at the limit.
    const chunks = [randomBytes(200_000), randomBytes(200_000)];
    const stream = new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(chunks.shift()) : c.close()) });
    expect(await refusal(await put(await uploadLink(target), stream))).toEqual([
      413,
      { message: `The image is larger than ${MAX_BYTES} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } },
    ]);
    const { product } = await gql().data(MEDIA, { variables: { id: target }, token: ada });
    expect(product.media).toEqual([]);
  });

  it("refuses another vendor's product and anonymous callers; two PUTs on one link record one image", async () => {
    const ask = (token?: string) =>
      gql().request(
        `mutation($p: ID!) { createProductMediaUpload(input: { productId: $p, kind: SCREENSHOT }) { upload { uploadUrl } } }`,
        { variables: { p: productId }, token },
      );
    expect((await ask(grace)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await ask()).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const link = await uploadLink(productId);
    const png = await testImage('png', 100, 100);
    const answers = await Promise.all([put(link, png), put(link, png)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const { product } = await gql().data(MEDIA, { variables: { id: productId }, token: ada });
    expect(product.media).toHaveLength(4);
  });

  it('supersedes cached public answers when the media change', async () => {
    const read = async () =>
      (await gql().data(MEDIA, { variables: { id: productId } })).product.media as { id: string }[];
    const before = await read();
    expect(await read()).toEqual(before);
    const { deleteProductMedia } = await gql().data(
      `mutation($m: ID!) { deleteProductMedia(input: { productMediaId: $m }) { deletedProductMediaId } }`,
      { variables: { m: before[before.length - 1].id }, token: ada },
    );
    expect(deleteProductMedia.deletedProductMediaId).toBe(before[before.length - 1].id);
    await until(
      async () => ((await read()).length === before.length - 1 ? true : undefined),
      'the deletion in public answers',
    );
  });

  it("counts image reads against their own per-IP budget at the edge, apart from the API's", async () => {
    const limited = await supergraph.startGateway({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_PER_IP_PER_MINUTE: '1',
      RATE_LIMIT_MEDIA_PER_IP_PER_MINUTE: '2',
    });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await get(cover.thumbnail, {}, limited.url)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

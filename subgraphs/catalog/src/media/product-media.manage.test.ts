import { randomUUID } from 'node:crypto';
import { rawIdOf } from '@marketplace/kit';
import { sqlDuring, testImage } from '@marketplace/kit/testing';
import {
  SUBMIT_PRODUCT,
  TestVendor,
  addVendor,
  admin,
  createProduct,
  customer,
  publishedProduct,
  setVendorStatus,
} from '../testing';
import {
  CREATE_MEDIA_UPLOAD,
  DELETE_MEDIA,
  MOVE_MEDIA,
  MediaCatalog,
  PRODUCT_MEDIA,
  UPDATE_MEDIA,
  getMedia,
  mediaRows,
  startMediaCatalog,
  storedMediaFiles,
  uploadMedia,
} from './product-media.testing';

/** Who may add, change and delete a product's images; alt text, moves and deletes, alone and racing. */
let catalog: MediaCatalog;
let vendor: TestVendor;
let otherVendor: TestVendor;
let png: Buffer;
beforeAll(async () => {
  catalog = await startMediaCatalog();
  vendor = await addVendor(catalog);
  otherVendor = await addVendor(catalog);
  png = await testImage('png', 60, 40);
});
afterAll(() => catalog.close());

/** A product with `count` screenshots, their ids in gallery order. */
async function productWithMedia(count: number, published = true) {
  const product = published ? await publishedProduct(catalog, vendor) : await createProduct(catalog, vendor);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) ids.push(await uploadMedia(catalog, vendor, product.id, png));
  return { product, ids };
}

const extensionsOf = async (query: string, variables: Record<string, unknown>, token?: string) => {
  const answer = await catalog.client.request(query, { variables, token });
  expect(answer.data?.[Object.keys(answer.data ?? {})[0]] ?? null).toBeNull();
  return answer.errors?.[0].extensions;
};

const galleryOf = async (productId: string) => (await mediaRows(catalog, productId)).map((row) => row.id);

describe('who may', () => {
  it('ask for an upload link: the active vendor of the product only', async () => {
    const published = await publishedProduct(catalog, vendor);
    const draft = await createProduct(catalog, vendor);
    const ask = (productId: string, token?: string) =>
      extensionsOf(CREATE_MEDIA_UPLOAD, { productId, kind: 'SCREENSHOT' }, token);
    expect(await ask(published.id)).toEqual({ code: 'UNAUTHENTICATED' });
    expect(await ask(published.id, customer())).toEqual({ code: 'FORBIDDEN' });
    expect(await ask(published.id, otherVendor.token)).toEqual({ code: 'FORBIDDEN' });
    expect(await ask(published.id, admin())).toEqual({ code: 'FORBIDDEN' });
    // Another vendor's draft is not theirs to see: the same answer as a missing product.
    expect(await ask(draft.id, otherVendor.token)).toEqual({ code: 'NOT_FOUND' });
    expect(await ask(`Product:${randomUUID()}`, vendor.token)).toEqual({ code: 'NOT_FOUND' });
    expect(await ask(`Category:${randomUUID()}`, vendor.token)).toMatchObject({ code: 'BAD_USER_INPUT' });
    const suspended = await addVendor(catalog);
    const theirs = await createProduct(catalog, suspended);
    await setVendorStatus(catalog, suspended.id, 'SUSPENDED');
    expect(await ask(theirs.id, suspended.token)).toEqual({ code: 'FORBIDDEN', reason: 'VENDOR_SUSPENDED' });
  });

  it('change and delete an image: its vendor; admins may only take one down', async () => {
    const { product, ids } = await productWithMedia(2);
    const [first, second] = ids;
    for (const [query, variables] of [
      [UPDATE_MEDIA, { id: first, alt: 'x' }],
      [MOVE_MEDIA, { id: first, position: 2 }],
      [DELETE_MEDIA, { id: first }],
    ] as const) {
      expect(await extensionsOf(query, variables)).toEqual({ code: 'UNAUTHENTICATED' });
      expect(await extensionsOf(query, variables, customer())).toEqual({ code: 'FORBIDDEN' });
      expect(await extensionsOf(query, variables, otherVendor.token)).toEqual({ code: 'FORBIDDEN' });
      expect(await extensionsOf(query, { ...variables, id: `ProductMedia:${randomUUID()}` }, vendor.token)).toEqual({
        code: 'NOT_FOUND',
      });
      expect(await extensionsOf(query, { ...variables, id: product.id }, vendor.token)).toMatchObject({
        code: 'BAD_USER_INPUT',
      });
    }
    expect(await extensionsOf(UPDATE_MEDIA, { id: first, alt: 'x' }, admin())).toEqual({ code: 'FORBIDDEN' });
    expect(await extensionsOf(MOVE_MEDIA, { id: first, position: 2 }, admin())).toEqual({ code: 'FORBIDDEN' });
    const { deleteProductMedia } = await catalog.client.data(DELETE_MEDIA, {
      variables: { id: second },
      token: admin(),
    });
    expect(deleteProductMedia).toEqual({
      deletedProductMediaId: second,
      product: { id: product.id, media: [{ id: first, position: 1 }] },
    });
  });

  it("hide another vendor's unpublished product's images like the product itself", async () => {
    const { ids } = await productWithMedia(1, false);
    expect(await extensionsOf(DELETE_MEDIA, { id: ids[0] }, otherVendor.token)).toEqual({ code: 'NOT_FOUND' });
    expect(await extensionsOf(UPDATE_MEDIA, { id: ids[0], alt: 'x' }, customer())).toEqual({ code: 'NOT_FOUND' });
  });
});

describe('alt text', () => {
  it('is trimmed, cleared by null or "", and refused when too long or with control characters', async () => {
    const { ids } = await productWithMedia(1);
    const set = (alt: string | null) =>
      catalog.client.request(UPDATE_MEDIA, { variables: { id: ids[0], alt }, token: vendor.token });
    expect((await set('  A chart of agent runs  ')).data?.updateProductMedia.media).toEqual({
      id: ids[0],
      alt: 'A chart of agent runs',
    });
    expect((await set('')).data?.updateProductMedia.media.alt).toBeNull();
    await set('again');
    expect((await set(null)).data?.updateProductMedia.media.alt).toBeNull();
    for (const bad of ['x'.repeat(301), 'two\nlines']) {
      const answer = await set(bad);
      expect(answer.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.alt', message: expect.any(String) }],
      });
    }
  });
});

describe('moving', () => {
  it('moves an image forward and back; the others shift by one; out of range is bad input', async () => {
    const { product, ids } = await productWithMedia(4);
    const move = (id: string, position: number) =>
      catalog.client.request(MOVE_MEDIA, { variables: { id, position }, token: vendor.token });
    const moved = await move(ids[0], 3);
    expect(moved.data?.moveProductMedia.media).toEqual({ id: ids[0], position: 3 });
    expect(moved.data?.moveProductMedia.product.media.map((m: { id: string }) => m.id)).toEqual([
      ids[1],
      ids[2],
      ids[0],
      ids[3],
    ]);
    await move(ids[3], 1);
    expect(await galleryOf(product.id)).toEqual([ids[3], ids[1], ids[2], ids[0]].map(rawIdOf));
    for (const position of [0, 5, -1]) {
      expect((await move(ids[0], position)).errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.position', message: 'must be between 1 and 4' }],
      });
    }
  });

  it('keeps positions 1..n under concurrent moves and deletes', async () => {
    const { product, ids } = await productWithMedia(6);
    const token = vendor.token;
    const answers = await Promise.all([
      catalog.client.request(MOVE_MEDIA, { variables: { id: ids[0], position: 6 }, token }),
      catalog.client.request(MOVE_MEDIA, { variables: { id: ids[5], position: 1 }, token }),
      catalog.client.request(MOVE_MEDIA, { variables: { id: ids[2], position: 4 }, token }),
      catalog.client.request(DELETE_MEDIA, { variables: { id: ids[3] }, token }),
      catalog.client.request(MOVE_MEDIA, { variables: { id: ids[1], position: 2 }, token }),
    ]);
    // A move to 6 that runs after the delete finds 5 images: bad input, nothing else fails.
    const failures = answers.flatMap((answer) => answer.errors ?? []);
    expect(failures.every((error) => error.extensions?.code === 'BAD_USER_INPUT')).toBe(true);
    expect(answers[3].errors).toBeUndefined();
    const rows = await mediaRows(catalog, product.id);
    expect(rows.map((row) => row.position)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(rows.map((row) => row.id))).toEqual(new Set([ids[0], ids[1], ids[2], ids[4], ids[5]].map(rawIdOf)));
  });
});

describe('deleting', () => {
  it('closes the gap, answers 404 for its URLs at once and deletes its files after commit', async () => {
    const { product, ids } = await productWithMedia(3);
    const { product: before } = await catalog.client.data(PRODUCT_MEDIA, { variables: { id: product.id } });
    const url = before.media[1].url as string;
    expect(storedMediaFiles(catalog, ids[1]).length).toBeGreaterThan(1);
    const { deleteProductMedia } = await catalog.client.data(DELETE_MEDIA, {
      variables: { id: ids[1] },
      token: vendor.token,
    });
    expect(deleteProductMedia.product.media).toEqual([
      { id: ids[0], position: 1 },
      { id: ids[2], position: 2 },
    ]);
    expect((await getMedia(catalog, url)).status).toBe(404);
    for (let i = 0; i < 50 && storedMediaFiles(catalog, ids[1]).length > 0; i += 1)
      await new Promise((r) => setTimeout(r, 20));
    expect(storedMediaFiles(catalog, ids[1])).toEqual([]);
    expect(await extensionsOf(DELETE_MEDIA, { id: ids[1] }, vendor.token)).toEqual({ code: 'NOT_FOUND' });
  });

  it('refuses a suspended vendor', async () => {
    const seller = await addVendor(catalog);
    const product = await createProduct(catalog, seller);
    const mediaId = await uploadMedia(catalog, seller, product.id, png);
    await setVendorStatus(catalog, seller.id, 'SUSPENDED');
    expect(await extensionsOf(DELETE_MEDIA, { id: mediaId }, seller.token)).toEqual({
      code: 'FORBIDDEN',
      reason: 'VENDOR_SUSPENDED',
    });
  });
});

describe('moderation', () => {
  it("shows a product's images to the public only once the product is approved", async () => {
    const { product, ids } = await productWithMedia(1, false);
    await uploadMedia(catalog, vendor, product.id, png, 'COVER');
    await catalog.client.data(SUBMIT_PRODUCT, { variables: { productId: product.id }, token: vendor.token });
    const read = async (token?: string) =>
      (await catalog.client.data(PRODUCT_MEDIA, { variables: { id: product.id }, token })).product as {
        media: { id: string }[];
        coverImage: { kind: string } | null;
      } | null;
    expect(await read()).toBeNull();
    expect(await read(customer())).toBeNull();
    expect(await read(otherVendor.token)).toBeNull();
    expect((await read(vendor.token))?.media).toHaveLength(2);
    // The moderation queue: the admin sees what is to be approved.
    expect((await read(admin()))?.coverImage).toMatchObject({ kind: 'COVER' });
    await catalog.client.data(
      `mutation($productId: ID!) { approveProduct(input: { productId: $productId }) { product { id } } }`,
      { variables: { productId: product.id }, token: admin() },
    );
    const seen = await read();
    expect(seen?.media.map((media) => media.id)[0]).toBe(ids[0]);
    expect(seen?.coverImage).toMatchObject({ kind: 'COVER' });
  });

  it('an image added to a published product is public at once; cached anonymous answers are superseded', async () => {
    const { product } = await productWithMedia(1);
    const read = async () =>
      (await catalog.client.data(PRODUCT_MEDIA, { variables: { id: product.id } })).product.media as { id: string }[];
    expect(await read()).toHaveLength(1);
    expect(await read()).toHaveLength(1);
    const added = await uploadMedia(catalog, vendor, product.id, png);
    await expect(waitFor(async () => (await read()).length === 2)).resolves.toBe(true);
    expect((await read())[1].id).toBe(added);
    await catalog.client.data(DELETE_MEDIA, { variables: { id: added }, token: vendor.token });
    await expect(waitFor(async () => (await read()).length === 1)).resolves.toBe(true);
  });
});

describe('Product.media and thumbnail', () => {
  it('picks the narrowest variant at least as wide as asked, else the widest; refuses widths out of range', async () => {
    const product = await publishedProduct(catalog, vendor);
    const mediaId = rawIdOf(await uploadMedia(catalog, vendor, product.id, await testImage('webp', 1000, 500)));
    const query = `query($id: ID!, $w: Int!) { product(id: $id) { media { thumbnail(width: $w) } } }`;
    const thumbnail = async (w: number) => await catalog.client.request(query, { variables: { id: product.id, w } });
    const base = `http://gateway.test:4000/media/products/${mediaId}`;
    expect((await thumbnail(100)).data?.product.media[0].thumbnail).toBe(`${base}/w160.webp`);
    expect((await thumbnail(161)).data?.product.media[0].thumbnail).toBe(`${base}/w480.webp`);
    // Narrower than 1200: its widest variant is its own width, never upscaled.
    expect((await thumbnail(900)).data?.product.media[0].thumbnail).toBe(`${base}/w1000.webp`);
    expect((await thumbnail(5000)).data?.product.media[0].thumbnail).toBe(`${base}/w1000.webp`);
    const refused = await thumbnail(0);
    expect(refused.data?.product.media[0].thumbnail).toBeNull();
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('reads the media (and covers) of many products in one statement', async () => {
    const products = [await productWithMedia(2), await productWithMedia(1), await productWithMedia(0)];
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id media { id } coverImage { id } } } }`;
    const read = (count: number) =>
      sqlDuring(catalog, () =>
        catalog.client.data(query, {
          variables: { r: products.slice(0, count).map(({ product }) => ({ __typename: 'Product', id: product.id })) },
          token: vendor.token,
        }),
      );
    for (const count of [1, 3]) {
      const { result, statements } = await read(count);
      expect(statements.filter((sql) => /product_media/.test(sql))).toHaveLength(1);
      expect(result._entities.map((p: { media: unknown[] }) => p.media.length)).toEqual([2, 1, 0].slice(0, count));
    }
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 50; i += 1) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

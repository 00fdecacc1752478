import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, Role, queryRows } from '@marketplace/kit';
import {
  Person,
  TEST_EXECUTABLES,
  TestSubgraph,
  deliverEvent,
  getMedia,
  outboxOf,
  pngClaiming,
  person,
  putMedia,
  sqlDuring,
  temporaryDirectories,
  testImage,
  uuidOf,
} from '@marketplace/kit/testing';
import { SUSPEND, startVendor, vendorIn } from '../testing';

/** Vendors' logos and banners: upload links for the owner, the PUT, serving, removal, erasure. */
const storage = temporaryDirectories('vendor-images-');
let vendor: TestSubgraph;
let storageDir: string;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  storageDir = storage();
  vendor = await startVendor({ MEDIA_STORAGE_DIR: storageDir });
});
afterAll(() => vendor.close());

const CREATE = `mutation($kind: VendorImageKind!) { createVendorImageUpload(input: { kind: $kind }) { upload { uploadUrl maxBytes } } }`;
const REMOVE = `mutation($id: ID!, $kind: VendorImageKind!) { removeVendorImage(input: { vendorId: $id, kind: $kind }) { vendor { id logo { url } banner { url } } } }`;
const IMAGES = `query($id: ID!) { vendor(id: $id) { logo { kind url width height thumbnail(width: 100) } banner { kind url width height thumbnail(width: 2000) } } }`;
interface ImageView {
  kind: string;
  url: string;
  width: number;
  height: number;
  thumbnail: string;
}

const uploadUrl = async (owner: Person, kind: 'LOGO' | 'BANNER') =>
  (
    await vendor.client.data<{ createVendorImageUpload: { upload: { uploadUrl: string } } }>(CREATE, {
      variables: { kind },
      token: owner.token,
    })
  ).createVendorImageUpload.upload.uploadUrl;
const put = async (owner: Person, kind: 'LOGO' | 'BANNER', body: Buffer) =>
  putMedia(vendor, await uploadUrl(owner, kind), body);
const imagesOf = async (vendorId: string, token?: string) =>
  (
    await vendor.client.data<{ vendor: { logo: ImageView | null; banner: ImageView | null } | null }>(IMAGES, {
      variables: { id: vendorId },
      token,
    })
  ).vendor;
const rowsOf = (vendorId: string) =>
  queryRows<{ kind: string; media_id: string; removed_at: Date | null }>(
    vendor.subgraph.deps.db,
    'SELECT kind, media_id, removed_at FROM vendor_images WHERE vendor_id = $1 ORDER BY uploaded_at',
    [uuidOf(vendorId)],
  );
const storedFiles = (mediaId: string) => {
  const dir = join(storageDir, 'vendors', mediaId);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};
const mediaIdOf = (url: string) => new URL(url).pathname.split('/')[3];

describe('logo and banner', () => {
  it('are uploaded by the owner and shown to everyone once ACTIVE, each replacing only its own kind', async () => {
    const { owner, vendor: mine } = await vendorIn(vendor, 'ACTIVE', admin);
    expect(await imagesOf(mine.id)).toEqual({ logo: null, banner: null });
    const logo = await put(owner, 'LOGO', await testImage('png', 400, 400));
    expect(logo).toEqual({
      status: 200,
      body: { image: { kind: 'LOGO', url: expect.stringContaining('/media/vendors/'), width: 400, height: 400 } },
    });
    await put(owner, 'BANNER', await testImage('jpeg', 2400, 600));
    const shown = (await imagesOf(mine.id))!;
    expect(shown.logo).toMatchObject({ kind: 'LOGO', width: 400, height: 400 });
    expect(shown.logo!.thumbnail).toMatch(/\/w160\.webp$/);
    expect(shown.banner).toMatchObject({ kind: 'BANNER', width: 2400, height: 600 });
    expect(shown.banner!.thumbnail).toMatch(/\/w1200\.webp$/);
    expect((await getMedia(vendor, shown.banner!.url)).headers.get('content-type')).toBe('image/jpeg');

    await put(owner, 'LOGO', await testImage('webp', 300, 300));
    const replaced = (await imagesOf(mine.id))!;
    expect(replaced.banner).toEqual(shown.banner);
    expect(replaced.logo!.url).not.toBe(shown.logo!.url);
    expect((await getMedia(vendor, shown.logo!.url)).status).toBe(404);
    expect(storedFiles(mediaIdOf(shown.logo!.url))).toEqual([]);
  });

  it('are read in one statement for a whole list of vendors (both kinds)', async () => {
    const made = [await vendorIn(vendor, 'ACTIVE', admin), await vendorIn(vendor, 'ACTIVE', admin)];
    for (const { owner } of made) await put(owner, 'LOGO', await testImage('png', 50, 50));
    const { statements } = await sqlDuring(vendor, () =>
      vendor.client.data(`{ vendors(first: 50) { edges { node { logo { url } banner { url } } } } }`, {
        token: admin.token,
      }),
    );
    expect(statements.filter((sql) => /vendor_images/.test(sql))).toHaveLength(1);
  });
});

describe('who may upload', () => {
  it('refuses anonymous callers, users without a vendor, and a SUSPENDED vendor (FORBIDDEN, VENDOR_NOT_ACTIVE)', async () => {
    expect(await vendor.client.errorCode(CREATE, { variables: { kind: 'LOGO' } })).toBe('UNAUTHENTICATED');
    expect(await vendor.client.errorCode(CREATE, { variables: { kind: 'LOGO' }, token: person().token })).toBe(
      'NOT_FOUND',
    );
    const { owner } = await vendorIn(vendor, 'SUSPENDED', admin);
    const refused = await vendor.client.request(CREATE, { variables: { kind: 'LOGO' }, token: owner.token });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'VENDOR_NOT_ACTIVE' });
  });

  it('refuses the PUT of a link issued before the vendor was suspended (403), keeping nothing', async () => {
    const { owner, vendor: mine } = await vendorIn(vendor, 'ACTIVE', admin);
    const url = await uploadUrl(owner, 'BANNER');
    await vendor.client.data(SUSPEND, { variables: { id: mine.id, reason: 'Abuse' }, token: admin.token });
    const answer = await putMedia(vendor, url, await testImage('png', 100, 40));
    expect(answer.status).toBe(403);
    expect(await rowsOf(mine.id)).toEqual([]);
  });

  it.each([
    ['an executable renamed .png', 415, () => TEST_EXECUTABLES.elf],
    ['30,000 × 30,000 pixels', 422, () => pngClaiming(30_000, 30_000)],
  ])('refuses %s (HTTP %d)', async (_, status, body) => {
    const { owner, vendor: mine } = await vendorIn(vendor, 'PENDING', admin);
    expect((await put(owner, 'LOGO', await body())).status).toBe(status);
    expect(await rowsOf(mine.id)).toEqual([]);
  });

  it('two PUTs with one link record one image; the other answers 409', async () => {
    const { owner, vendor: mine } = await vendorIn(vendor, 'ACTIVE', admin);
    const url = await uploadUrl(owner, 'LOGO');
    const image = await testImage('png', 64, 64);
    const answers = await Promise.all([putMedia(vendor, url, image), putMedia(vendor, url, image)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(await rowsOf(mine.id)).toHaveLength(1);
  });
});

describe('removeVendorImage', () => {
  it("refuses anonymous callers, another vendor's owner (FORBIDDEN) and a hidden vendor (NOT_FOUND)", async () => {
    const { owner, vendor: mine } = await vendorIn(vendor, 'ACTIVE', admin);
    await put(owner, 'LOGO', await testImage('png', 64, 64));
    const other = await vendorIn(vendor, 'ACTIVE', admin);
    const variables = { id: mine.id, kind: 'LOGO' };
    expect(await vendor.client.errorCode(REMOVE, { variables })).toBe('UNAUTHENTICATED');
    expect(await vendor.client.errorCode(REMOVE, { variables, token: other.owner.token })).toBe('FORBIDDEN');
    const pending = await vendorIn(vendor, 'PENDING', admin);
    expect(
      await vendor.client.errorCode(REMOVE, { variables: { id: pending.vendor.id, kind: 'LOGO' }, token: owner.token }),
    ).toBe('NOT_FOUND');
    expect((await imagesOf(mine.id))!.logo).not.toBeNull();
  });

  it('lets the owner remove it, and an admin (audited); the URL stops working and the files go', async () => {
    const { owner, vendor: mine } = await vendorIn(vendor, 'ACTIVE', admin);
    const logo = (await put(owner, 'LOGO', await testImage('png', 64, 64))).body.image as ImageView;
    const banner = (await put(owner, 'BANNER', await testImage('png', 640, 160))).body.image as ImageView;
    const byOwner = await vendor.client.data(REMOVE, { variables: { id: mine.id, kind: 'LOGO' }, token: owner.token });
    expect(byOwner.removeVendorImage.vendor).toEqual({ id: mine.id, logo: null, banner: { url: banner.url } });
    expect((await getMedia(vendor, logo.url)).status).toBe(404);
    expect(storedFiles(mediaIdOf(logo.url))).toEqual([]);
    const byAdmin = await vendor.client.data(REMOVE, {
      variables: { id: mine.id, kind: 'BANNER' },
      token: admin.token,
    });
    expect(byAdmin.removeVendorImage.vendor).toMatchObject({ logo: null, banner: null });
    const audited = await queryRows<{ n: number }>(
      vendor.subgraph.deps.db,
      `SELECT count(*)::int AS n FROM outbox WHERE envelope->>'type' = 'audit.recorded'
          AND envelope->'payload'->>'action' = 'PROFILE_IMAGE_REMOVED' AND envelope->'payload'->>'targetId' = $1`,
      [uuidOf(mine.id)],
    );
    expect(audited).toEqual([{ n: 1 }]);
  });
});

describe('privacy', () => {
  it("the owner's data export lists the current logo and banner", async () => {
    const { owner } = await vendorIn(vendor, 'ACTIVE', admin);
    const logo = (await put(owner, 'LOGO', await testImage('png', 64, 32))).body.image as ImageView;
    const exportId = randomUUID();
    await deliverEvent(vendor, Events.UserDataExportRequested, { exportId, userId: owner.id });
    const [part] = await outboxOf<PayloadOf<typeof Events.UserDataExportPart>>(vendor, exportId);
    expect(part.payload.data.vendorImages).toEqual([
      {
        kind: 'LOGO',
        mediaId: mediaIdOf(logo.url),
        originalFile: 'original.png',
        width: 64,
        height: 32,
        uploadedAt: expect.any(String),
      },
    ]);
  });

  it('erasure of the owner deletes the rows and files; a link issued before refuses the upload (404)', async () => {
    const { owner, vendor: mine } = await vendorIn(vendor, 'PENDING', admin);
    const logo = (await put(owner, 'LOGO', await testImage('png', 64, 64))).body.image as ImageView;
    const pending = await uploadUrl(owner, 'BANNER');
    await deliverEvent(vendor, Events.UserErased, { userId: owner.id, pseudonym: randomUUID() });
    expect(await rowsOf(mine.id)).toEqual([]);
    expect(storedFiles(mediaIdOf(logo.url))).toEqual([]);
    expect((await getMedia(vendor, logo.url)).status).toBe(404);
    expect((await putMedia(vendor, pending, await testImage('png', 64, 64))).status).toBe(404);
    expect(await rowsOf(mine.id)).toEqual([]);
  });
});

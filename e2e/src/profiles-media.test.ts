import { DemoIds, queryRows } from '@marketplace/kit';
import { TEST_EXECUTABLES, globalId, pngClaiming, testImage, tokenFor, uuidOf } from '@marketplace/kit/testing';
import { RESPONSE_CACHE_HEADER } from '@marketplace/gateway';
import { freshVendor } from './testing/privacy';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * Avatars, logos and banners through the gateway: the upload link from GraphQL, the PUT and
 * the files on the REST edge (`/media/users`, `/media/vendors`), the public pages that show
 * them (from the response cache, superseded on change), refusals at the edge and behind it,
 * and the erasure that deletes them in both subgraphs.
 */
let supergraph: TestSupergraph;
const MAX_BYTES = 200_000;
const ada = () => tokenFor(DemoIds.users.ada, 'VENDOR');
const grace = () => tokenFor(DemoIds.users.grace, 'VENDOR');
const alan = () => tokenFor(DemoIds.users.alan, 'CUSTOMER');
const admin = () => tokenFor(DemoIds.users.admin, 'ADMIN');
const adaVendor = globalId('Vendor', DemoIds.vendors.ada);

const AVATAR_UPLOAD = `mutation { createAvatarUpload { upload { uploadUrl maxBytes } } }`;
const IMAGE_UPLOAD = `mutation($kind: VendorImageKind!) { createVendorImageUpload(input: { kind: $kind }) { upload { uploadUrl } } }`;
const STOREFRONT = `query($id: ID!) { vendor(id: $id) { logo { url thumbnail(width: 120) } banner { url } owner { avatar { url thumbnail(width: 48) } } } }`;
interface Storefront {
  logo: { url: string; thumbnail: string } | null;
  banner: { url: string } | null;
  owner: { avatar: { url: string; thumbnail: string } | null };
}

/** A URL handed out for PUBLIC_URL, on this test's gateway. */
const onGateway = (url: string) => new URL(new URL(url).pathname, supergraph.gateway.url).toString();
async function put(uploadUrl: string, body: Buffer) {
  const response = await fetch(onGateway(uploadUrl), { method: 'PUT', body: new Uint8Array(body) });
  return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}
const get = (url: string, headers: Record<string, string> = {}) => fetch(onGateway(url), { headers });
const avatarUpload = async (token: string) =>
  (await supergraph.client.data(AVATAR_UPLOAD, { token })).createAvatarUpload.upload.uploadUrl as string;
const imageUpload = async (token: string, kind: 'LOGO' | 'BANNER') =>
  (await supergraph.client.data(IMAGE_UPLOAD, { variables: { kind }, token })).createVendorImageUpload.upload
    .uploadUrl as string;
async function storefront(id: string) {
  const response = await fetch(supergraph.client.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: STOREFRONT, variables: { id } }),
  });
  const body = (await response.json()) as { data: { vendor: Storefront } };
  return { cache: response.headers.get(RESPONSE_CACHE_HEADER), vendor: body.data.vendor };
}

beforeAll(async () => {
  supergraph = await startTestSupergraph({ MEDIA_MAX_BYTES: String(MAX_BYTES) });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  await until(async () => ((await storefront(adaVendor)).cache === 'MISS' ? true : undefined), 'the response cache');
}, 60_000);
afterAll(() => supergraph?.close());

it("uploads an avatar, a logo and a banner through the gateway and shows them on the vendor's public page", async () => {
  expect((await storefront(adaVendor)).vendor).toEqual({ logo: null, banner: null, owner: { avatar: null } });
  const avatar = await put(await avatarUpload(ada()), await testImage('jpeg', 800, 800, { exif: true }));
  expect(avatar).toMatchObject({ status: 200, body: { avatar: { width: 800, height: 800 } } });
  const logo = await put(await imageUpload(ada(), 'LOGO'), await testImage('png', 512, 512));
  const banner = await put(await imageUpload(ada(), 'BANNER'), await testImage('webp', 1600, 400));
  expect([logo.status, banner.status]).toEqual([200, 200]);

  await until(
    async () => ((await storefront(adaVendor)).vendor.banner ? true : undefined),
    'the page showing the images',
  );
  const { vendor } = await storefront(adaVendor);
  expect(vendor).toEqual({
    logo: { url: logo.body.image.url, thumbnail: expect.stringMatching(/\/w160\.webp$/) },
    banner: { url: banner.body.image.url },
    owner: { avatar: { url: avatar.body.avatar.url, thumbnail: expect.stringMatching(/\/w160\.webp$/) } },
  });
  expect(vendor.logo!.url).toMatch(/^http:\/\/127\.0\.0\.1:4000\/media\/vendors\/[0-9a-f-]{36}\/original\.png$/);
  expect((await storefront(adaVendor)).cache).toBe('HIT');

  // The files, through the REST edge, immutable.
  const file = await get(vendor.owner.avatar!.thumbnail);
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toBe('image/webp');
  expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  const etag = file.headers.get('etag')!;
  expect(
    (await get(vendor.owner.avatar!.thumbnail, { 'if-none-match': etag, 'cache-control': 'max-age=0' })).status,
  ).toBe(304);
});

it('shows a replaced avatar on the next reads (users announce the change); the old file answers 404', async () => {
  const before = (await storefront(adaVendor)).vendor.owner.avatar!;
  const replaced = await put(await avatarUpload(ada()), await testImage('png', 300, 300));
  expect(replaced.status).toBe(200);
  await until(
    async () =>
      (await storefront(adaVendor)).vendor.owner.avatar?.url === replaced.body.avatar.url ? true : undefined,
    'the new avatar',
    5_000,
  );
  expect((await get(before.url)).status).toBe(404);
});

it('refuses bad images at the edge and behind it, keeping nothing', async () => {
  const url = await avatarUpload(alan());
  expect((await put(url, TEST_EXECUTABLES.elf)).status).toBe(415);
  expect((await put(url, await pngClaiming(30_000, 30_000))).status).toBe(422);
  const oversize = await fetch(onGateway(url), {
    method: 'PUT',
    body: new Uint8Array(MAX_BYTES + 1),
  });
  expect(oversize.status).toBe(413);
  const rows = await queryRows(
    supergraph.subgraphs.get('users')!.deps.db,
    'SELECT 1 FROM user_avatars WHERE user_id = $1',
    [DemoIds.users.alan],
  );
  expect(rows).toEqual([]);
});

it('allows only the owner to upload and the owner or an admin to remove', async () => {
  expect((await supergraph.client.request(AVATAR_UPLOAD)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  const customer = await supergraph.client.request(IMAGE_UPLOAD, { variables: { kind: 'LOGO' }, token: alan() });
  expect(customer.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  // A logo link is signed for the vendors' namespace: the users' route refuses it.
  const logoLink = await imageUpload(ada(), 'LOGO');
  const foreign = logoLink.replace('/media/vendors/uploads/', '/media/users/uploads/');
  expect((await put(foreign, await testImage('png', 20, 20))).status).toBe(403);
  const REMOVE_IMAGE = `mutation($id: ID!) { removeVendorImage(input: { vendorId: $id, kind: LOGO }) { vendor { logo { url } } } }`;
  const other = await supergraph.client.request(REMOVE_IMAGE, { variables: { id: adaVendor }, token: grace() });
  expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const REMOVE_AVATAR = `mutation($id: ID!) { removeAvatar(input: { userId: $id }) { user { avatar { url } } } }`;
  const adaUser = globalId('User', DemoIds.users.ada);
  const notYours = await supergraph.client.request(REMOVE_AVATAR, { variables: { id: adaUser }, token: grace() });
  expect(notYours.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  expect(
    (await supergraph.client.data(REMOVE_IMAGE, { variables: { id: adaVendor }, token: admin() })).removeVendorImage,
  ).toEqual({ vendor: { logo: null } });
  await until(async () => ((await storefront(adaVendor)).vendor.logo === null ? true : undefined), 'no logo', 5_000);
});

it("eraseUser deletes the user's avatar (users) and their vendor's images (vendor, by event)", async () => {
  // A fresh vendor, never a demo one: an erasure ends the user's sessions, which other test files share.
  const vera = await freshVendor(supergraph, admin());
  const avatar = await put(await avatarUpload(vera.token), await testImage('png', 100, 100));
  const logo = await put(await imageUpload(vera.token, 'LOGO'), await testImage('png', 100, 100));
  expect((await get(logo.body.image.url)).status).toBe(200);
  const erased = await supergraph.client.request(
    `mutation($id: ID!) { eraseUser(input: { userId: $id }) { user { id } } }`,
    { variables: { id: vera.id }, token: admin() },
  );
  expect(erased.errors).toBeUndefined();
  expect((await get(avatar.body.avatar.url)).status).toBe(404);
  await until(
    async () => ((await get(logo.body.image.url)).status === 404 ? true : undefined),
    'the logo gone',
    10_000,
  );
  const rows = await queryRows(
    supergraph.subgraphs.get('vendor')!.deps.db,
    'SELECT 1 FROM vendor_images WHERE vendor_id = $1',
    [uuidOf(vera.vendorId)],
  );
  expect(rows).toEqual([]);
});

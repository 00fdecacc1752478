import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { queryRows } from '@marketplace/kit';
import {
  TEST_EXECUTABLES,
  TestSubgraph,
  getMedia,
  pngClaiming,
  putMedia,
  sqlDuring,
  temporaryDirectories,
  testImage,
  uuidOf,
} from '@marketplace/kit/testing';
import sharp from 'sharp';
import { STRONG_PASSWORD, Session, loginAsAdmin, register, registerAs, startUsers } from '../testing';

/** Users' avatars: upload links, the PUT, serving, replacing, removing, erasure. */
const storage = temporaryDirectories('avatars-');
let users: TestSubgraph;
let storageDir: string;
let admin: Session;
beforeAll(async () => {
  storageDir = storage();
  users = await startUsers({ MEDIA_STORAGE_DIR: storageDir, MEDIA_MAX_BYTES: '300000', MEDIA_MAX_PIXELS: '4000000' });
  admin = await loginAsAdmin(users);
});
afterAll(() => users.close());

const CREATE = `mutation { createAvatarUpload { upload { uploadUrl expiresAt maxBytes maxPixels } } }`;
const REMOVE = `mutation($u: ID!) { removeAvatar(input: { userId: $u }) { user { id avatar { url } } } }`;
const AVATAR = `{ me { id avatar { url width height uploadedAt small: thumbnail(width: 64) large: thumbnail(width: 1000) } } }`;
interface AvatarView {
  url: string;
  width: number;
  height: number;
  small: string;
  large: string;
}

const uploadUrl = async (who: Session) =>
  (
    await users.client.data<{ createAvatarUpload: { upload: { uploadUrl: string } } }>(CREATE, {
      token: who.accessToken,
    })
  ).createAvatarUpload.upload.uploadUrl;
const avatarOf = async (who: Session) =>
  (await users.client.data<{ me: { avatar: AvatarView | null } }>(AVATAR, { token: who.accessToken })).me.avatar;
const put = async (who: Session, body: Buffer) => putMedia(users, await uploadUrl(who), body);
const rowsOf = (who: Session) =>
  queryRows<{ media_id: string; removed_at: Date | null }>(
    users.subgraph.deps.db,
    'SELECT media_id, removed_at FROM user_avatars WHERE user_id = $1 ORDER BY uploaded_at',
    [uuidOf(who.user.id)],
  );
const storedFiles = (mediaId: string) => {
  const dir = join(storageDir, 'users', mediaId);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};
const storedAvatars = () => (existsSync(join(storageDir, 'users')) ? readdirSync(join(storageDir, 'users')).length : 0);
const mediaIdOf = (url: string) => new URL(url).pathname.split('/')[3];

describe('createAvatarUpload', () => {
  it('gives the signed-in user a single-use URL on the gateway with the limits, and refuses anonymous callers', async () => {
    const who = await register(users);
    const { createAvatarUpload } = await users.client.data(CREATE, { token: who.accessToken });
    expect(createAvatarUpload.upload).toEqual({
      uploadUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:4000\/media\/users\/uploads\/[\w.-]+$/),
      expiresAt: expect.any(String),
      maxBytes: 300000,
      maxPixels: 4000000,
    });
    expect(await users.client.errorCode(CREATE)).toBe('UNAUTHENTICATED');
  });
});

describe('PUT /media/users/uploads/:token', () => {
  it('stores the image without metadata and its WebP variants, and shows it as the avatar', async () => {
    const who = await register(users);
    expect(await avatarOf(who)).toBeNull();
    const answer = await put(who, await testImage('jpeg', 1600, 900, { exif: true }));
    expect(answer).toEqual({
      status: 200,
      body: { avatar: { url: expect.stringContaining('/original.jpg'), width: 1600, height: 900 } },
    });
    const avatar = (await avatarOf(who))!;
    expect(avatar).toMatchObject({ url: (answer.body.avatar as AvatarView).url, width: 1600, height: 900 });
    expect(avatar.small).toMatch(/\/w160\.webp$/);
    expect(avatar.large).toMatch(/\/w1200\.webp$/);
    expect(storedFiles(mediaIdOf(avatar.url))).toEqual(['original.jpg', 'w1200.webp', 'w160.webp', 'w480.webp']);

    const served = await getMedia(users, avatar.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(served.bytes).metadata()).exif).toBeUndefined();
    const etag = served.headers.get('etag')!;
    // fetch adds `Cache-Control: no-cache` to a conditional request unless one is given (as a browser revalidating would).
    const again = await getMedia(users, avatar.url, { 'if-none-match': etag, 'cache-control': 'max-age=0' });
    expect(again.status).toBe(304);
    const thumbnail = await getMedia(users, avatar.small);
    expect((await sharp(thumbnail.bytes).metadata()).format).toBe('webp');
  });

  it.each([
    ['an executable renamed .png', 415, () => TEST_EXECUTABLES.elf],
    ['a Windows executable', 415, () => TEST_EXECUTABLES.mz],
    ['more bytes than MEDIA_MAX_BYTES', 413, () => Buffer.alloc(300_001, 1)],
    ['30,000 × 30,000 pixels', 422, () => pngClaiming(30_000, 30_000)],
    ['an empty body', 400, () => Buffer.alloc(0)],
  ])('refuses %s (HTTP %d), keeping no file and no row', async (_, status, body) => {
    const who = await register(users);
    const before = storedAvatars();
    expect((await put(who, await body())).status).toBe(status);
    expect(await rowsOf(who)).toEqual([]);
    expect(storedAvatars()).toBe(before);
    expect(await avatarOf(who)).toBeNull();
  });

  it('refuses a forged or foreign link with 403', async () => {
    const who = await register(users);
    const url = await uploadUrl(who);
    expect((await putMedia(users, `${url}x`, await testImage('png', 10, 10))).status).toBe(403);
    const foreign = url.replace('/media/users/uploads/', '/media/users/uploads/eyJ');
    expect((await putMedia(users, foreign, await testImage('png', 10, 10))).status).toBe(403);
  });
});

describe('replacing', () => {
  it('a new upload replaces the avatar: the old URL answers 404 and its files are deleted', async () => {
    const who = await register(users);
    const first = (await put(who, await testImage('png', 300, 300))).body.avatar as AvatarView;
    const second = (await put(who, await testImage('webp', 200, 200))).body.avatar as AvatarView;
    expect((await avatarOf(who))!.url).toBe(second.url);
    expect((await getMedia(users, first.url)).status).toBe(404);
    expect((await getMedia(users, second.url)).status).toBe(200);
    expect(storedFiles(mediaIdOf(first.url))).toEqual([]);
    expect((await rowsOf(who)).map((row) => row.removed_at === null)).toEqual([false, true]);
  });

  it('two PUTs with one link: one avatar is recorded, the other answers 409 and keeps nothing', async () => {
    const who = await register(users);
    const url = await uploadUrl(who);
    const image = await testImage('png', 120, 120);
    const answers = await Promise.all([putMedia(users, url, image), putMedia(users, url, image)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect((answers.find((a) => a.status === 409)!.body.errors as { extensions: object }[])[0].extensions).toEqual({
      code: 'CONFLICT',
    });
    const rows = await rowsOf(who);
    expect(rows).toHaveLength(1);
    expect(readdirSync(join(storageDir, 'users')).filter((id) => id === rows[0].media_id)).toHaveLength(1);
    expect((await putMedia(users, url, image)).status).toBe(409);
  });

  it('two uploads racing on two links leave exactly one current avatar, whose files alone remain', async () => {
    const who = await register(users);
    const [a, b] = [await uploadUrl(who), await uploadUrl(who)];
    const answers = await Promise.all([
      putMedia(users, a, await testImage('png', 100, 100)),
      putMedia(users, b, await testImage('jpeg', 150, 150)),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const rows = await rowsOf(who);
    const current = rows.filter((row) => row.removed_at === null);
    expect(current).toHaveLength(1);
    expect(mediaIdOf((await avatarOf(who))!.url)).toBe(current[0].media_id);
    const replaced = rows.find((row) => row.removed_at !== null)!;
    expect(storedFiles(replaced.media_id)).toEqual([]);
  });
});

describe('removing while uploading', () => {
  it('a removal racing an upload leaves either the new avatar with its files or none; the old one is gone', async () => {
    const who = await register(users);
    const old = (await put(who, await testImage('png', 64, 64))).body.avatar as AvatarView;
    const url = await uploadUrl(who);
    const [uploaded] = await Promise.all([
      putMedia(users, url, await testImage('png', 96, 96)),
      users.client.data(REMOVE, { variables: { u: who.user.id }, token: who.accessToken }),
    ]);
    expect(uploaded.status).toBe(200);
    const newUrl = (uploaded.body.avatar as AvatarView).url;
    const current = await avatarOf(who);
    if (current) {
      expect(current.url).toBe(newUrl);
      expect((await getMedia(users, newUrl)).status).toBe(200);
    } else {
      expect((await getMedia(users, newUrl)).status).toBe(404);
      expect(storedFiles(mediaIdOf(newUrl))).toEqual([]);
    }
    expect(storedFiles(mediaIdOf(old.url))).toEqual([]);
    expect((await rowsOf(who)).filter((row) => row.removed_at === null).length).toBe(current ? 1 : 0);
  });
});

describe('User.avatar', () => {
  it('is one statement for many users (references from other subgraphs)', async () => {
    const people = [await register(users), await register(users), await register(users)];
    for (const who of people.slice(0, 2)) await put(who, await testImage('png', 32, 32));
    const { result, statements } = await sqlDuring(users, () =>
      users.client.data<{ _entities: ({ avatar: { width: number } | null } | null)[] }>(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { avatar { width } } } }`,
        { variables: { r: people.map((who) => ({ __typename: 'User', id: who.user.id })) } },
      ),
    );
    expect(result._entities.map((user) => user?.avatar?.width ?? null)).toEqual([32, 32, null]);
    expect(statements.filter((sql) => /user_avatars/.test(sql))).toHaveLength(1);
  });

  it('refuses a thumbnail width outside 1 to 4096', async () => {
    const who = await register(users);
    await put(who, await testImage('png', 32, 32));
    const result = await users.client.request(`{ me { avatar { thumbnail(width: 0) } } }`, {
      token: who.accessToken,
    });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'width' }] });
  });
});

describe('removeAvatar', () => {
  it('removes your own avatar (then answers the same again), deleting its files', async () => {
    const who = await register(users);
    const { url } = (await put(who, await testImage('png', 64, 64))).body.avatar as AvatarView;
    for (let i = 0; i < 2; i++) {
      const { removeAvatar } = await users.client.data(REMOVE, {
        variables: { u: who.user.id },
        token: who.accessToken,
      });
      expect(removeAvatar.user).toEqual({ id: who.user.id, avatar: null });
    }
    expect((await getMedia(users, url)).status).toBe(404);
    expect(storedFiles(mediaIdOf(url))).toEqual([]);
  });

  it("refuses anonymous callers and another user's avatar (NOT_FOUND), keeping it; an admin may remove it, audited", async () => {
    const owner = await register(users);
    const other = await registerAs(users, 'VENDOR');
    await put(owner, await testImage('png', 64, 64));
    expect(await users.client.errorCode(REMOVE, { variables: { u: owner.user.id } })).toBe('UNAUTHENTICATED');
    expect(await users.client.errorCode(REMOVE, { variables: { u: owner.user.id }, token: other.accessToken })).toBe(
      'NOT_FOUND',
    );
    expect(await avatarOf(owner)).not.toBeNull();
    const { removeAvatar } = await users.client.data(REMOVE, {
      variables: { u: owner.user.id },
      token: admin.accessToken,
    });
    expect(removeAvatar.user.avatar).toBeNull();
    const audited = await queryRows<{ envelope: { payload: { action: string; targetId: string } } }>(
      users.subgraph.deps.db,
      `SELECT envelope FROM outbox WHERE envelope->>'type' = 'audit.recorded'
          AND envelope->'payload'->>'action' = 'PROFILE_IMAGE_REMOVED'`,
    );
    expect(audited.map((row) => row.envelope.payload.targetId)).toContain(uuidOf(owner.user.id));
  });

  it('is BAD_USER_INPUT for an id that is not a User id', async () => {
    const who = await register(users);
    const result = await users.client.request(REMOVE, { variables: { u: 'Vendor:nope' }, token: who.accessToken });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('privacy', () => {
  it("the user's data export carries the current avatar", async () => {
    const who = await register(users);
    const { url } = (await put(who, await testImage('png', 70, 60))).body.avatar as AvatarView;
    await users.client.data(`mutation { exportMyData { dataExport { id } } }`, { token: who.accessToken });
    const [part] = await queryRows<{ data: { avatar: unknown[] } }>(
      users.subgraph.deps.db,
      `SELECT p.data FROM data_export_parts p JOIN data_exports e ON e.id = p.export_id
        WHERE e.user_id = $1 AND p.subgraph = 'users'`,
      [uuidOf(who.user.id)],
    );
    expect(part.data.avatar).toEqual([
      { mediaId: mediaIdOf(url), originalFile: 'original.png', width: 70, height: 60, uploadedAt: expect.any(String) },
    ]);
  });

  it('deleteMyAccount deletes every avatar row and file; a link issued before refuses the upload', async () => {
    const who = await register(users);
    const { url } = (await put(who, await testImage('png', 80, 80))).body.avatar as AvatarView;
    await put(who, await testImage('png', 90, 90));
    const pending = await uploadUrl(who);
    await users.client.data(`mutation($p: String!) { deleteMyAccount(input: { password: $p }) { user { id } } }`, {
      variables: { p: STRONG_PASSWORD },
      token: who.accessToken,
    });
    expect(await rowsOf(who)).toEqual([]);
    expect((await getMedia(users, url)).status).toBe(404);
    expect(storedFiles(mediaIdOf(url))).toEqual([]);
    const late = await putMedia(users, pending, await testImage('png', 50, 50));
    expect(late.status).toBe(404);
    expect(await rowsOf(who)).toEqual([]);
  });
});

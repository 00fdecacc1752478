import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import sharp from 'sharp';
import { UrlTokenSigner } from '../auth/signed-token';
import { createLogger } from '../logger';
import { conflict } from '../errors';
import { uploadLinkUsed } from './recorded-image';
import { LocalDirectoryStorage } from '../storage/local-directory-storage';
import { temporaryDirectories } from '../testing/helpers';
import { TEST_EXECUTABLES, pngClaiming, testImage } from '../testing/test-images';
import { MediaConfig } from './media-config';
import { MediaLibrary, MediaOwner, ReceivedImage } from './media-library';
import { mediaRoutes } from './media.routes';

const directory = temporaryDirectories('media-');
const log = createLogger({ name: 'media-test', level: 'silent' });
const config: MediaConfig = { storageDir: '', maxBytes: 200_000, maxPixels: 4_000_000, uploadTtlSeconds: 60 };

/** An owner keeping its records in memory, with single use by upload id as a table's unique key would. */
class MemoryOwner implements MediaOwner<{ subject: string }, { id: string }> {
  readonly records = new Map<string, ReceivedImage<{ subject: string }>>();
  readonly usedUploads = new Set<string>();
  closed = new Set<string>();

  async precheck(claims: { subject: string }): Promise<void> {
    if (this.closed.has(claims.subject)) throw conflict('The subject takes no images', 'PRODUCT_ARCHIVED');
  }

  async record(image: ReceivedImage<{ subject: string }>): Promise<{ id: string }> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.usedUploads.has(image.uploadId)) throw uploadLinkUsed();
    this.usedUploads.add(image.uploadId);
    this.records.set(image.mediaId, image);
    return { id: image.mediaId };
  }

  async exists(mediaId: string): Promise<boolean> {
    return this.records.has(mediaId);
  }
}

let server: Server;
let base: string;
let owner: MemoryOwner;
let library: MediaLibrary<{ subject: string }, { id: string }>;
let storageDir: string;
const signer = new UrlTokenSigner(randomBytes(32));

beforeAll(async () => {
  storageDir = directory();
  owner = new MemoryOwner();
  const app = express();
  server = app.listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  library = new MediaLibrary(
    {
      namespace: 'things',
      routePrefix: '/media/things',
      publicUrl: base,
      storage: new LocalDirectoryStorage(storageDir),
      signer,
      config,
    },
    owner,
  );
  mediaRoutes(library, log)(app);
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** Media ids with files in storage. */
const storedMedia = () =>
  readdirSync(join(storageDir, 'things'))
    .filter((id) => readdirSync(join(storageDir, 'things', id)).length > 0)
    .sort();

const put = (url: string, body: Buffer) =>
  fetch(url, { method: 'PUT', body: new Uint8Array(body), headers: { 'content-type': 'image/png' } });

describe('media routes', () => {
  it('takes an image through a signed link and serves the original and variants, immutable, with ETag and 304', async () => {
    const upload = library.issueUpload({ subject: 's1' });
    expect(upload.uploadUrl).toMatch(new RegExp(`^${base}/media/things/uploads/[^/]+$`));
    expect(upload.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    const answer = await put(upload.uploadUrl, await testImage('jpeg', 1300, 650, { exif: true }));
    expect(answer.status).toBe(200);
    const { id } = (await answer.json()) as { id: string };
    const recorded = owner.records.get(id)!;
    expect(recorded).toMatchObject({
      uploadId: upload.uploadId,
      claims: { subject: 's1' },
      format: 'jpeg',
      width: 1300,
    });
    expect(recorded.variants.map((variant) => variant.file)).toEqual(['w160.webp', 'w480.webp', 'w1200.webp']);

    const original = await fetch(library.fileUrl(id, 'original.jpg'));
    expect(original.status).toBe(200);
    expect(original.headers.get('content-type')).toBe('image/jpeg');
    expect(original.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(original.headers.get('x-content-type-options')).toBe('nosniff');
    expect(original.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const etag = original.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const bytes = Buffer.from(await original.arrayBuffer());
    expect(Number(original.headers.get('content-length'))).toBe(bytes.length);
    expect((await sharp(bytes).metadata()).exif).toBeUndefined();

    // fetch() adds `Cache-Control: no-cache` to conditional requests unless told otherwise; a browser revalidating does not.
    const revalidate = (tag: string) =>
      fetch(library.fileUrl(id, 'original.jpg'), { headers: { 'if-none-match': tag, 'cache-control': 'max-age=0' } });
    const again = await revalidate(etag);
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const stale = await revalidate('"other"');
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();

    const head = await fetch(library.fileUrl(id, 'original.jpg'), { method: 'HEAD' });
    expect([head.status, head.headers.get('etag'), Number(head.headers.get('content-length'))]).toEqual([
      200,
      etag,
      bytes.length,
    ]);
    expect((await fetch(library.fileUrl(id, 'original.jpg'), { method: 'DELETE' })).status).toBe(405);

    const variant = await fetch(library.fileUrl(id, 'w480.webp'));
    expect(variant.headers.get('content-type')).toBe('image/webp');
    expect(variant.headers.get('etag')).not.toBe(etag);
    expect((await sharp(Buffer.from(await variant.arrayBuffer())).metadata()).width).toBe(480);
  });

  it('answers 404 JSON for an unknown id, file name or forgotten media', async () => {
    const upload = library.issueUpload({ subject: 's2' });
    const { id } = (await (await put(upload.uploadUrl, await testImage('png', 50, 50))).json()) as { id: string };
    for (const path of [
      `/media/things/${id}/w999.webp`,
      `/media/things/${id}/original.exe`,
      `/media/things/not-a-uuid/original.png`,
      `/media/things/00000000-0000-4000-8000-000000000000/original.png`,
    ]) {
      const answer = await fetch(`${base}${path}`);
      expect([path, answer.status]).toEqual([path, 404]);
      expect(await answer.json()).toEqual({
        errors: [{ message: 'No such media file', extensions: { code: 'NOT_FOUND' } }],
      });
    }
    owner.records.delete(id);
    expect((await fetch(library.fileUrl(id, 'original.png'))).status).toBe(404);
  });

  it.each([
    ['an executable renamed .png', async () => TEST_EXECUTABLES.elf, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a 30000 × 30000 image', async () => pngClaiming(30_000, 30_000), 422, 'IMAGE_TOO_LARGE'],
    ['too many bytes', async () => randomBytes(config.maxBytes + 1), 413, 'PAYLOAD_TOO_LARGE'],
    ['an empty body', async () => Buffer.alloc(0), 400, 'BAD_REQUEST'],
  ])('refuses %s and keeps nothing', async (_what, body, status, code) => {
    const upload = library.issueUpload({ subject: 's3' });
    const answer = await put(upload.uploadUrl, await body());
    expect(answer.status).toBe(status);
    expect(((await answer.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe(
      code,
    );
    expect(owner.usedUploads.has(upload.uploadId)).toBe(false);
  });

  it('refuses a body over the limit streamed without a declared length (413)', async () => {
    const upload = library.issueUpload({ subject: 's3' });
    const chunks = [randomBytes(150_000), randomBytes(150_000)];
    const answer = await fetch(upload.uploadUrl, {
      method: 'PUT',
      body: new ReadableStream({
        pull: (controller) => (chunks.length ? controller.enqueue(chunks.shift()) : controller.close()),
      }),
      duplex: 'half',
    } as RequestInit);
    expect(answer.status).toBe(413);
  });

  it('refuses forged, expired, foreign and used links', async () => {
    const upload = library.issueUpload({ subject: 's4' });
    const png = await testImage('png', 20, 20);
    const [body, mac] = upload.uploadUrl.split('/uploads/')[1].split('.');
    const forged = `${base}/media/things/uploads/${body}.${mac.slice(0, -2)}xx`;
    const expired = `${base}/media/things/uploads/${signer.sign(library.purpose, { u: upload.uploadId, c: {} }, -1)}`;
    const foreign = `${base}/media/things/uploads/${signer.sign('media-upload:others', { u: upload.uploadId, c: {} }, 60)}`;
    for (const url of [forged, expired, foreign]) {
      const answer = await put(url, png);
      expect(answer.status).toBe(403);
    }
    expect((await put(upload.uploadUrl, png)).status).toBe(200);
    const reused = await put(upload.uploadUrl, png);
    expect(reused.status).toBe(409);
    expect(await reused.json()).toMatchObject({ errors: [{ message: 'This upload link was already used' }] });
    expect((await fetch(upload.uploadUrl)).status).toBe(405);
  });

  it('records exactly one of two PUTs racing on one link, and deletes the loser’s files', async () => {
    const upload = library.issueUpload({ subject: 's5' });
    const before = owner.records.size;
    const storedBefore = storedMedia();
    const answers = await Promise.all([
      put(upload.uploadUrl, await testImage('png', 300, 300)),
      put(upload.uploadUrl, await testImage('webp', 300, 300)),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect(owner.records.size).toBe(before + 1);
    const winner = [...owner.records.values()].find((record) => record.uploadId === upload.uploadId)!;
    expect(storedMedia()).toEqual([...storedBefore, winner.mediaId].sort());
  });

  it('asks the owner before reading the body: a refused precheck answers its status', async () => {
    owner.closed.add('s6');
    const answer = await put(library.issueUpload({ subject: 's6' }).uploadUrl, await testImage('png', 20, 20));
    expect(answer.status).toBe(409);
    expect(await answer.json()).toMatchObject({ errors: [{ extensions: { code: 'CONFLICT' } }] });
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalDirectoryStorage } from './local-directory-storage';
import { ObjectTooLargeError } from './object-storage';

const collect = async (stream: Readable) => Buffer.concat(await stream.toArray());

describe('LocalDirectoryStorage', () => {
  let root: string;
  let storage: LocalDirectoryStorage;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'storage-'));
    storage = new LocalDirectoryStorage(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stores a stream with its size and SHA-256, reads it whole and by range', async () => {
    const bytes = randomBytes(200_000);
    const stored = await storage.put(
      'products/p1/v1',
      Readable.from([bytes.subarray(0, 70_000), bytes.subarray(70_000)]),
      { maxBytes: 1_000_000 },
    );
    expect(stored).toEqual({
      key: 'products/p1/v1',
      size: 200_000,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect((await collect(await storage.read('products/p1/v1'))).equals(bytes)).toBe(true);
    expect(
      (await collect(await storage.read('products/p1/v1', { start: 10, end: 19 }))).equals(bytes.subarray(10, 20)),
    ).toBe(true);
    expect(await storage.size('products/p1/v1')).toBe(200_000);
  });

  it('refuses an object over the limit and keeps nothing of it', async () => {
    await expect(
      storage.put('big', Readable.from([randomBytes(600), randomBytes(600)]), { maxBytes: 1000 }),
    ).rejects.toBeInstanceOf(ObjectTooLargeError);
    expect(await storage.size('big')).toBeNull();
    expect(readdirSync(root)).toEqual([]);
  });

  it('replaces an object atomically and deletes idempotently', async () => {
    await storage.put('a', Readable.from([Buffer.from('one')]), { maxBytes: 10 });
    await storage.put('a', Readable.from([Buffer.from('two!')]), { maxBytes: 10 });
    expect((await collect(await storage.read('a'))).toString()).toBe('two!');
    await storage.delete('a');
    await storage.delete('a');
    expect(await storage.size('a')).toBeNull();
    await expect(storage.read('a')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each(['../escape', '/etc/passwd', 'a/../../b', '', '.hidden'])('refuses the key %j', async (key) => {
    await expect(storage.put(key, Readable.from([Buffer.from('x')]), { maxBytes: 10 })).rejects.toThrow(
      /invalid object key/,
    );
  });
});

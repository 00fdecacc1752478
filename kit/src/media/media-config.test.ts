import { join } from 'node:path';
import { envReader } from '../config';
import { DEFAULT_MEDIA_MAX_BYTES, readMediaConfig } from './media-config';

describe('readMediaConfig', () => {
  it('defaults to 10 MiB, 25 megapixels, 15 minutes and DATA_DIR/media', () => {
    expect(readMediaConfig(envReader({ DATA_DIR: '/srv/data' }))).toEqual({
      storageDir: join('/srv/data', 'media'),
      maxBytes: DEFAULT_MEDIA_MAX_BYTES,
      maxPixels: 25_000_000,
      uploadTtlSeconds: 900,
    });
  });

  it('reads MEDIA_* and refuses values out of range', () => {
    expect(
      readMediaConfig(
        envReader({
          MEDIA_STORAGE_DIR: '/m',
          MEDIA_MAX_BYTES: '5000',
          MEDIA_MAX_PIXELS: '1000000',
          MEDIA_UPLOAD_TTL_SECONDS: '60',
        }),
      ),
    ).toEqual({ storageDir: '/m', maxBytes: 5000, maxPixels: 1_000_000, uploadTtlSeconds: 60 });
    expect(() => readMediaConfig(envReader({ MEDIA_MAX_BYTES: '0' }))).toThrow('MEDIA_MAX_BYTES');
    expect(() => readMediaConfig(envReader({ MEDIA_MAX_PIXELS: '300000000' }))).toThrow('MEDIA_MAX_PIXELS');
  });
});

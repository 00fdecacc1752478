import { join } from 'node:path';
import { EnvReader, readCommonConfig } from '../config';

/** Largest image upload accepted by default: 10 MiB. */
export const DEFAULT_MEDIA_MAX_BYTES = 10 * 1024 * 1024;
/** Images are read into memory to be checked: no setting may allow more than 256 MiB. */
const LARGEST_MEDIA_BYTES = 256 * 1024 * 1024;
/** libvips's own bound on width × height (16383²): a larger limit would mean nothing. */
const LARGEST_MEDIA_PIXELS = 268_402_689;
/**
 * Largest image accepted by default, in pixels (width × height): 25 megapixels, e.g.
 * 6000 × 4000. Decoding costs about 4 bytes a pixel, so this bounds an upload's memory.
 */
export const DEFAULT_MEDIA_MAX_PIXELS = 25_000_000;
/** How long a signed image upload URL stays valid by default, in seconds. */
export const DEFAULT_MEDIA_UPLOAD_TTL_SECONDS = 900;
/** Widths, in pixels, of the WebP variants generated beside every original (never upscaled). */
export const MEDIA_VARIANT_WIDTHS_PX: readonly number[] = [160, 480, 1200];
/** Served files never change under their URL (a new upload is a new media id): one year, immutable. */
export const MEDIA_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** Settings every subgraph that takes images reads alike (`MEDIA_*`). */
export interface MediaConfig {
  /** Root of the object storage images are stored in (each subgraph keeps its own namespace under it). */
  storageDir: string;
  /** Largest upload accepted, in bytes (`MEDIA_MAX_BYTES`; the gateway refuses a larger declared body first). */
  maxBytes: number;
  /** Largest image accepted, in pixels (`MEDIA_MAX_PIXELS`); checked from the header, before decoding. */
  maxPixels: number;
  /** How long an upload URL stays valid, in seconds (`MEDIA_UPLOAD_TTL_SECONDS`). */
  uploadTtlSeconds: number;
}

/** `MEDIA_STORAGE_DIR` (default `<DATA_DIR>/media`), `MEDIA_MAX_BYTES`, `MEDIA_MAX_PIXELS`, `MEDIA_UPLOAD_TTL_SECONDS`. */
export function readMediaConfig(env: EnvReader): MediaConfig {
  const common = readCommonConfig(env);
  return {
    storageDir: env.string('MEDIA_STORAGE_DIR', join(common.dataDir, 'media')),
    maxBytes: readMediaMaxBytes(env),
    maxPixels: env.int('MEDIA_MAX_PIXELS', DEFAULT_MEDIA_MAX_PIXELS, { min: 1, max: LARGEST_MEDIA_PIXELS }),
    uploadTtlSeconds: env.int('MEDIA_UPLOAD_TTL_SECONDS', DEFAULT_MEDIA_UPLOAD_TTL_SECONDS, {
      min: 1,
      max: 7 * 24 * 3600,
    }),
  };
}

/** `MEDIA_MAX_BYTES`: read by the subgraphs taking images and by the gateway (the REST edge's limit on `/media/…`). */
export function readMediaMaxBytes(env: EnvReader): number {
  return env.int('MEDIA_MAX_BYTES', DEFAULT_MEDIA_MAX_BYTES, { min: 1, max: LARGEST_MEDIA_BYTES });
}

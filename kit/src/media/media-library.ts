import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { UrlTokenSigner } from '../auth/signed-token';
import type { EnvReader } from '../config';
import { readArtifactExchangeConfig } from '../storage/artifact-exchange';
import { LocalDirectoryStorage } from '../storage/local-directory-storage';
import { isUuid } from '../validation';
import type { Logger } from '../logger';
import { RouteRefusal, asRouteRefusal } from '../route-refusal';
import type { ObjectStorage } from '../storage/object-storage';
import { ImageFormat, ImageRefused, MEDIA_CONTENT_TYPES, processImage } from './image-processing';
import { MEDIA_VARIANT_WIDTHS_PX, MediaConfig, readMediaConfig } from './media-config';

/** A signed upload URL as mutations hand it out. */
export interface IssuedMediaUpload {
  /** `PUT` the image bytes here (through the gateway); single use. */
  uploadUrl: string;
  expiresAt: Date;
  maxBytes: number;
  maxPixels: number;
}

/** One stored WebP variant of a media item. */
export interface MediaVariant {
  /** The file name in the item's URLs, e.g. `w480.webp`. */
  file: string;
  width: number;
  height: number;
}

/** What an accepted upload hands its owner to record, in the owner's transaction. */
export interface ReceivedImage<C> {
  /**
   * The upload link's own id: record it under a unique constraint, so that the link is
   * used once (two PUTs racing on one link: the second commit fails, its files are deleted).
   */
  uploadId: string;
  /** New for every received upload: the files' URLs contain it, so they never change. */
  mediaId: string;
  /** What the owner put in the link when it issued it (e.g. the product and the kind). */
  claims: C;
  format: ImageFormat;
  contentType: string;
  /** Upright size of the original, in pixels. */
  width: number;
  height: number;
  /** Size of the stored original, in bytes. */
  size: number;
  /** The original's file name, e.g. `original.png`. */
  originalFile: string;
  variants: MediaVariant[];
}

/** An image processed and stored under its media id, not recorded by anyone yet. */
export type StoredImage = Omit<ReceivedImage<never>, 'uploadId' | 'claims'>;

/** Every file stored for an image: the original and its variants (what `deleteFiles` takes). */
export function filesOf(image: Pick<ReceivedImage<unknown>, 'originalFile' | 'variants'>): string[] {
  return [image.originalFile, ...image.variants.map((variant) => variant.file)];
}

/**
 * The subgraph that owns the media (products, users, vendors): the kit knows nothing of it.
 * Its errors may be `RouteRefusal`s or the usual GraphQL errors (`forbidden`, `conflict`…),
 * answered with the matching HTTP status.
 */
export interface MediaOwner<C, R> {
  /** Before the body is read: refuses an upload that can no longer happen, so its bytes are not read. */
  precheck?(claims: C, uploadId: string): Promise<void>;
  /**
   * Checks again and records the media (using `uploadId` up) in its own transaction; what
   * it returns is the upload route's JSON answer. Throwing refuses the upload: the stored
   * files are deleted.
   */
  record(image: ReceivedImage<C>): Promise<R>;
  /** Whether a media id may still be served; unknown or deleted ones answer 404. Omitted: storage decides. */
  exists?(mediaId: string): Promise<boolean>;
}

export interface MediaLibraryOptions {
  /** The owner's namespace, e.g. `products`: storage keys start with it and upload links are signed for it alone. */
  namespace: string;
  /** Where the routes are mounted and the gateway's REST edge forwards, e.g. `/media/products`. */
  routePrefix: string;
  /** Where clients reach the gateway (the URLs handed out point there). */
  publicUrl: string;
  storage: ObjectStorage;
  signer: UrlTokenSigner;
  config: MediaConfig;
  /** Widths of the WebP variants, default MEDIA_VARIANT_WIDTHS_PX. */
  variantWidths?: readonly number[];
}

interface UploadToken<C> {
  u: string;
  c: C;
}

const FILE_NAME = /^(original\.(png|jpg|webp)|w[1-9][0-9]{0,4}\.webp)$/;

/**
 * Images of one namespace: signed single-use upload links, receiving (checks and variants
 * by sharp, see processImage), object storage, URLs and serving (mediaRoutes).
 */
export class MediaLibrary<C extends object, R = unknown> {
  readonly purpose: string;
  readonly routePrefix: string;

  constructor(
    private readonly options: MediaLibraryOptions,
    private readonly owner: MediaOwner<C, R>,
  ) {
    if (!/^[a-z][a-z0-9-]*$/.test(options.namespace)) throw new Error(`invalid media namespace "${options.namespace}"`);
    if (!/^(\/[a-z0-9-]+)+$/.test(options.routePrefix)) throw new Error(`invalid media route "${options.routePrefix}"`);
    this.purpose = `media-upload:${options.namespace}`;
    this.routePrefix = options.routePrefix;
  }

  get maxBytes(): number {
    return this.options.config.maxBytes;
  }

  /** A single-use upload URL carrying `claims`, valid for MEDIA_UPLOAD_TTL_SECONDS. */
  issueUpload(claims: C): IssuedMediaUpload & { uploadId: string } {
    const ttl = this.options.config.uploadTtlSeconds;
    const uploadId = randomUUID();
    const token = this.options.signer.sign<UploadToken<C>>(this.purpose, { u: uploadId, c: claims }, ttl);
    return {
      uploadId,
      uploadUrl: `${this.options.publicUrl}${this.routePrefix}/uploads/${token}`,
      expiresAt: new Date((Math.floor(Date.now() / 1000) + ttl) * 1000),
      maxBytes: this.options.config.maxBytes,
      maxPixels: this.options.config.maxPixels,
    };
  }

  /** The link's claims, or refused (403) when it is forged, expired, for another namespace or malformed. */
  verifyUpload(token: string): { uploadId: string; claims: C } {
    const payload = this.options.signer.verify<UploadToken<C>>(this.purpose, token);
    if (!payload || !isUuid(payload.u) || typeof payload.c !== 'object' || payload.c === null)
      throw new RouteRefusal(403, 'FORBIDDEN', 'This upload link is invalid or has expired');
    return { uploadId: payload.u, claims: payload.c };
  }

  async precheck(upload: { uploadId: string; claims: C }): Promise<void> {
    if (this.owner.precheck) await asRouteRefusal(() => this.owner.precheck!(upload.claims, upload.uploadId));
  }

  /**
   * Reads the body (413 past MEDIA_MAX_BYTES, nothing kept), checks and processes the image,
   * stores the original and its variants under a new media id, then lets the owner record
   * it; when the owner refuses, the files are deleted again.
   */
  async receive(upload: { uploadId: string; claims: C }, body: Readable, log: Logger): Promise<R> {
    const bytes = await readLimited(body, this.maxBytes);
    const stored = await this.storeImage(bytes);
    try {
      const answer = await asRouteRefusal(() =>
        this.owner.record({ ...stored, uploadId: upload.uploadId, claims: upload.claims }),
      );
      log.info(
        {
          namespace: this.options.namespace,
          mediaId: stored.mediaId,
          uploadId: upload.uploadId,
          format: stored.format,
          bytes: bytes.length,
        },
        'media uploaded',
      );
      return answer;
    } catch (error) {
      await this.deleteFiles(stored.mediaId, filesOf(stored), log);
      throw error;
    }
  }

  /**
   * Checks and processes an image the server itself has (a seed, an import: no upload link,
   * no owner involved) and stores its files under a new media id; the caller records it,
   * and deletes the files (`deleteFiles(mediaId, filesOf(image))`) if it does not.
   */
  async storeImage(bytes: Buffer): Promise<StoredImage> {
    const image = await processImage(bytes, {
      maxPixels: this.options.config.maxPixels,
      variantWidths: this.options.variantWidths ?? MEDIA_VARIANT_WIDTHS_PX,
    });
    const mediaId = randomUUID();
    const files = [image.original, ...image.variants];
    try {
      await Promise.all(
        files.map((file) =>
          this.options.storage.put(this.keyOf(mediaId, file.file), Readable.from([file.data]), {
            maxBytes: file.data.length,
          }),
        ),
      );
    } catch (error) {
      await Promise.all(
        files.map((file) => this.options.storage.delete(this.keyOf(mediaId, file.file)).catch(() => {})),
      );
      throw error;
    }
    return {
      mediaId,
      format: image.format,
      contentType: image.original.contentType,
      width: image.width,
      height: image.height,
      size: image.original.data.length,
      originalFile: image.original.file,
      variants: image.variants.map(({ file, width, height }) => ({ file, width, height })),
    };
  }

  /** The public URL of one file of a media item. */
  fileUrl(mediaId: string, file: string): string {
    return `${this.options.publicUrl}${this.routePrefix}/${mediaId}/${file}`;
  }

  /** Deletes stored files (after the commit that forgot them); failures are logged, never thrown. */
  async deleteFiles(mediaId: string, files: readonly string[], log: Logger): Promise<void> {
    await Promise.all(
      files.map((file) =>
        this.options.storage
          .delete(this.keyOf(mediaId, file))
          .catch((error: unknown) => log.warn({ err: error, mediaId, file }, 'could not delete a media file')),
      ),
    );
  }

  /** The stored file to serve, or null (404) for an unknown id, file name or a media item its owner forgot. */
  async open(
    mediaId: string,
    file: string,
  ): Promise<{ size: number; contentType: string; read: () => Promise<Readable> } | null> {
    if (!isUuid(mediaId) || !FILE_NAME.test(file)) return null;
    if (this.owner.exists && !(await this.owner.exists(mediaId))) return null;
    const key = this.keyOf(mediaId, file);
    const size = await this.options.storage.size(key);
    if (size === null) return null;
    // Read only when the bytes are sent (not for a 304 or a HEAD).
    return { size, contentType: MEDIA_CONTENT_TYPES[file.split('.')[1]], read: () => this.options.storage.read(key) };
  }

  private keyOf(mediaId: string, file: string): string {
    return `${this.options.namespace}/${mediaId}/${file}`;
  }
}

/**
 * The variant to show at `width` CSS pixels: the narrowest at least that wide, else the
 * widest there is. Null only when there are no variants.
 */
export function pickVariant<V extends { width: number }>(variants: readonly V[], width: number): V | null {
  const sorted = [...variants].sort((a, b) => a.width - b.width);
  return sorted.find((variant) => variant.width >= width) ?? sorted.at(-1) ?? null;
}

/** The whole body, or 413 as soon as it passes `maxBytes` (the rest is not read). */
export async function readLimited(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.destroy();
      throw new ImageRefused(413, 'PAYLOAD_TOO_LARGE', `The image is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * What a subgraph's media library reads from its environment (`MEDIA_*`, `PUBLIC_URL`,
 * `URL_SIGNING_SECRET`), with files in the local media directory: all of
 * `MediaLibraryOptions` but the owner's namespace and route.
 */
export function readMediaLibraryOptions(env: EnvReader): Omit<MediaLibraryOptions, 'namespace' | 'routePrefix'> {
  const media = readMediaConfig(env);
  const exchange = readArtifactExchangeConfig(env);
  return {
    publicUrl: exchange.publicUrl,
    storage: new LocalDirectoryStorage(media.storageDir),
    signer: new UrlTokenSigner(exchange.urlSigningSecret),
    config: media,
  };
}

import type sharp from 'sharp';
import { RouteRefusal } from '../route-refusal';
import { MEDIA_VARIANT_WIDTHS_PX } from './media-config';

/**
 * sharp is loaded with the first image: every process imports the kit, and most (the
 * gateway, subgraphs taking no images) would otherwise load libvips for nothing (~100 ms, ~20 MB).
 */
let sharpModule: typeof sharp | undefined;
function loadSharp(): typeof sharp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (sharpModule ??= require('sharp') as typeof sharp);
}

/** The image formats accepted, as sharp names them when it reads the bytes. */
export type ImageFormat = 'png' | 'jpeg' | 'webp';

const ACCEPTED: Record<ImageFormat, { contentType: string; extension: string }> = {
  png: { contentType: 'image/png', extension: 'png' },
  jpeg: { contentType: 'image/jpeg', extension: 'jpg' },
  webp: { contentType: 'image/webp', extension: 'webp' },
};

/** Re-encoding settings: visually lossless for photos, small enough for the web. */
const JPEG_QUALITY = 88;
const WEBP_QUALITY = 82;

/** Content types of the files a media item may have, by extension (what the serving route answers with). */
export const MEDIA_CONTENT_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
};

/** Why an image was refused: `status` and `code` are the upload route's answer. */
export class ImageRefused extends RouteRefusal {}

export interface ImageLimits {
  /** Largest width × height accepted. */
  maxPixels: number;
  /** Widths of the WebP variants (default MEDIA_VARIANT_WIDTHS_PX); each is capped at the image's width (never upscaled). */
  variantWidths?: readonly number[];
}

/** One stored file of a media item: its name beside the others (`original.png`, `w480.webp`) and its bytes. */
export interface ImageFile {
  file: string;
  contentType: string;
  width: number;
  height: number;
  data: Buffer;
}

export interface ProcessedImage {
  format: ImageFormat;
  /** Upright size of the original (after EXIF orientation), in pixels. */
  width: number;
  height: number;
  /** The original, re-encoded in its own format without metadata. */
  original: ImageFile;
  /** WebP variants, narrowest first: each configured width capped at the image's own. */
  variants: ImageFile[];
}

/**
 * Reads an uploaded image with sharp (libvips). The type comes from the bytes (sharp's
 * header probe), never from a name or a declared content type: only PNG, JPEG and WebP
 * pass (415 otherwise). The pixel limit is checked from the header before anything is
 * decoded (422), and given to sharp as `limitInputPixels` too. The original is turned
 * upright from its EXIF orientation and re-encoded; sharp writes no metadata unless asked,
 * so EXIF (GPS included), XMP, IPTC and ICC are gone from everything stored (pixels are
 * converted to sRGB instead of carrying a profile).
 */
export async function processImage(bytes: Buffer, limits: ImageLimits): Promise<ProcessedImage> {
  if (bytes.length === 0) throw new ImageRefused(400, 'BAD_REQUEST', 'The image is empty');
  const input = { limitInputPixels: limits.maxPixels, failOn: 'error' as const };
  let metadata: sharp.Metadata;
  try {
    metadata = await loadSharp()(bytes, input).metadata();
  } catch (error) {
    throw refusalOf(error, limits.maxPixels);
  }
  const format = metadata.format as string;
  if (!(format in ACCEPTED))
    throw new ImageRefused(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Only PNG, JPEG and WebP images are accepted (this is ${format ? format.toUpperCase() : 'not an image'})`,
    );
  const { width, height } = metadata.autoOrient ?? metadata;
  if (!width || !height) throw new ImageRefused(400, 'BAD_REQUEST', 'The image has no size');
  if (width * height > limits.maxPixels) throw tooManyPixels(limits.maxPixels, width, height);
  const accepted = ACCEPTED[format as ImageFormat];
  try {
    const upright = loadSharp()(bytes, { ...input, autoOrient: true });
    const original = await encode(upright.clone(), format as ImageFormat).toBuffer();
    const widths = variantWidthsFor(width, limits.variantWidths ?? MEDIA_VARIANT_WIDTHS_PX);
    const variants = await Promise.all(
      widths.map(async (variantWidth) => {
        const { data, info } = await upright
          .clone()
          .resize({ width: variantWidth, withoutEnlargement: true })
          .webp({ quality: WEBP_QUALITY })
          .toBuffer({ resolveWithObject: true });
        return { file: `w${info.width}.webp`, contentType: 'image/webp', width: info.width, height: info.height, data };
      }),
    );
    return {
      format: format as ImageFormat,
      width,
      height,
      original: {
        file: `original.${accepted.extension}`,
        contentType: accepted.contentType,
        width,
        height,
        data: original,
      },
      variants,
    };
  } catch (error) {
    throw refusalOf(error, limits.maxPixels);
  }
}

/** Each configured width capped at the image's own (never upscaled), without duplicates, narrowest first. */
export function variantWidthsFor(imageWidth: number, widths: readonly number[]): number[] {
  return [...new Set(widths.map((width) => Math.min(width, imageWidth)))].sort((a, b) => a - b);
}

function encode(image: sharp.Sharp, format: ImageFormat): sharp.Sharp {
  if (format === 'png') return image.png();
  if (format === 'jpeg') return image.jpeg({ quality: JPEG_QUALITY });
  return image.webp({ quality: WEBP_QUALITY });
}

function tooManyPixels(maxPixels: number, width?: number, height?: number): ImageRefused {
  const size = width && height ? ` (${width} × ${height})` : '';
  return new ImageRefused(422, 'IMAGE_TOO_LARGE', `The image has more than ${maxPixels} pixels${size}`);
}

/** sharp's errors as answers: unknown bytes are not an image (415), a broken one is a bad request (400). */
function refusalOf(error: unknown, maxPixels: number): Error {
  if (error instanceof ImageRefused) return error;
  const message = (error as Error).message ?? '';
  if (/pixel limit/i.test(message)) return tooManyPixels(maxPixels);
  if (/unsupported image format/i.test(message))
    return new ImageRefused(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Only PNG, JPEG and WebP images are accepted (this is not an image)',
    );
  return new ImageRefused(400, 'BAD_REQUEST', 'The image could not be read (damaged or truncated)');
}

import { Field, Int, ObjectType } from 'type-graphql';
import { Column, PrimaryColumn } from 'typeorm';
import { conflict } from '../errors';
import type { MediaVariant, ReceivedImage } from './media-library';

/**
 * The columns (and public fields) of a table recording one owner's uploaded image: an avatar,
 * a vendor's logo or banner. The owner's entity extends it with who owns the image. A
 * replaced or removed image stays as a row with `removedAt` (its files are deleted), so that
 * its upload link, recorded under a unique constraint, stays used.
 */
@ObjectType()
export abstract class RecordedImage {
  @PrimaryColumn({ name: 'media_id', type: 'uuid' })
  mediaId: string;

  /** The signed link's id: unique, so one link records one image. */
  @Column({ name: 'upload_id', type: 'uuid' })
  uploadId: string;

  @Column({ name: 'content_type', type: 'text' })
  contentType: string;

  /** `original.png` and so on: the file name in the original's URL. */
  @Column({ name: 'original_file', type: 'text' })
  originalFile: string;

  @Field(() => Int, { description: 'Width of the original, in pixels (upright).' })
  @Column({ type: 'int' })
  width: number;

  @Field(() => Int, { description: 'Height of the original, in pixels (upright).' })
  @Column({ type: 'int' })
  height: number;

  /** Bytes of the stored original. */
  @Column({ type: 'int' })
  size: number;

  @Column({ type: 'jsonb' })
  variants: MediaVariant[];

  @Field({ description: 'When it was uploaded.' })
  @Column({ name: 'uploaded_at', type: 'timestamptz' })
  uploadedAt: Date;

  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt: Date | null;
}

/** The row of a just received image, for its owner to save with who owns it. */
export function recordedImageOf(image: ReceivedImage<unknown>): RecordedImage {
  return {
    mediaId: image.mediaId,
    uploadId: image.uploadId,
    contentType: image.contentType,
    originalFile: image.originalFile,
    width: image.width,
    height: image.height,
    size: image.size,
    variants: image.variants,
    uploadedAt: new Date(),
    removedAt: null,
  };
}

/**
 * A signed upload URL as mutations answer it. Each owner's type adds `uploadUrl`, whose
 * description says what the PUT answers.
 */
@ObjectType()
export abstract class ImageUploadLink {
  @Field({ description: 'The URL stops working at this time.' })
  expiresAt: Date;

  @Field(() => Int, { description: 'Largest image the URL accepts, in bytes (larger: 413 and nothing kept).' })
  maxBytes: number;

  @Field(() => Int, {
    description: 'Largest image the URL accepts, in pixels (width × height; larger: 422 and nothing kept).',
  })
  maxPixels: number;
}

/** A second PUT to a link already used (or racing the first to commit): 409 at the upload route. */
export const uploadLinkUsed = () => conflict('This upload link was already used', 'UPLOAD_LINK_USED');

import { InheritsCacheHint, MediaVariant } from '@marketplace/kit';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which of a vendor's two images. */
export enum VendorImageKind {
  LOGO = 'LOGO',
  BANNER = 'BANNER',
}

registerEnumType(VendorImageKind, {
  name: 'VendorImageKind',
  description: "Which of a vendor's images.",
  valuesConfig: {
    LOGO: { description: 'The square-ish mark shown beside the name.' },
    BANNER: { description: "The wide image across the top of the vendor's storefront." },
  },
});

/**
 * One uploaded logo or banner. A replaced or removed one stays as a row with `removedAt` (its
 * files are deleted), so that its upload link, recorded under a unique constraint, stays used.
 */
@ObjectType({
  description:
    "A vendor's logo or banner: the original without metadata and WebP thumbnails, at immutable URLs (a new image is a new URL).",
})
@InheritsCacheHint()
@Entity({ name: 'vendor_images' })
export class VendorImage {
  @PrimaryColumn({ name: 'media_id', type: 'uuid' })
  mediaId: string;

  @Column({ name: 'vendor_id', type: 'uuid' })
  vendorId: string;

  @Field(() => VendorImageKind, { description: 'The logo or the banner.' })
  @Column({ type: 'text' })
  kind: VendorImageKind;

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

/** Every stored file of an image: what is deleted when it is replaced, removed or erased. */
export const filesOf = (image: Pick<VendorImage, 'originalFile' | 'variants'>): string[] => [
  image.originalFile,
  ...image.variants.map((variant) => variant.file),
];

import { InheritsCacheHint, MediaVariant } from '@marketplace/kit';
import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One uploaded avatar. A replaced or removed one stays as a row with `removedAt` (its files
 * are deleted), so that its upload link, recorded under a unique constraint, stays used.
 */
@ObjectType({
  description:
    "A user's picture: the original without metadata and WebP thumbnails, at immutable URLs (a new picture is a new URL).",
})
@InheritsCacheHint()
@Entity({ name: 'user_avatars' })
export class Avatar {
  @PrimaryColumn({ name: 'media_id', type: 'uuid' })
  mediaId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** The signed link's id: unique, so one link records one avatar. */
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

/** Every stored file of an avatar: what is deleted when it is replaced, removed or erased. */
export const filesOf = (avatar: Pick<Avatar, 'originalFile' | 'variants'>): string[] => [
  avatar.originalFile,
  ...avatar.variants.map((variant) => variant.file),
];

import { InheritsCacheHint, RecordedImage } from '@marketplace/kit';
import { ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';

/** One uploaded avatar (the current one has no `removedAt`). */
@ObjectType({
  description:
    "A user's picture: the original without metadata and WebP thumbnails, at immutable URLs (a new picture is a new URL).",
})
@InheritsCacheHint()
@Entity({ name: 'user_avatars' })
export class Avatar extends RecordedImage {
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;
}

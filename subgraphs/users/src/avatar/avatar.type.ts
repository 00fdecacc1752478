import { ImageUploadLink } from '@marketplace/kit';
import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Where and until when to PUT a new avatar: a single-use signed URL.' })
export class AvatarUpload extends ImageUploadLink {
  @Field({
    description:
      'Send the image (PNG, JPEG or WebP, told from its bytes) as the body of one HTTP PUT to this URL (no other authorization needed); it answers `{ avatar: { url, width, height } }`.',
  })
  uploadUrl: string;
}

import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Where and until when to PUT a new logo or banner: a single-use signed URL.' })
export class VendorImageUpload {
  @Field({
    description:
      'Send the image (PNG, JPEG or WebP, told from its bytes) as the body of one HTTP PUT to this URL (no other authorization needed); it answers `{ image: { kind, url, width, height } }`.',
  })
  uploadUrl: string;

  @Field({ description: 'The URL stops working at this time.' })
  expiresAt: Date;

  @Field(() => Int, { description: 'Largest image the URL accepts, in bytes (larger: 413 and nothing kept).' })
  maxBytes: number;

  @Field(() => Int, {
    description: 'Largest image the URL accepts, in pixels (width × height; larger: 422 and nothing kept).',
  })
  maxPixels: number;
}

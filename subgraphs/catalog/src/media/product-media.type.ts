import { ImageUploadLink, InheritsCacheHint, MediaVariant } from '@marketplace/kit';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ProductMediaKind {
  COVER = 'COVER',
  SCREENSHOT = 'SCREENSHOT',
  VIDEO_POSTER = 'VIDEO_POSTER',
}

registerEnumType(ProductMediaKind, {
  name: 'ProductMediaKind',
  description: 'What an image of a product shows.',
  valuesConfig: {
    COVER: { description: 'The image the storefront shows for the product; at most one per product.' },
    SCREENSHOT: { description: 'The product at work.' },
    VIDEO_POSTER: { description: 'The still shown before a video of the product plays.' },
  },
});

@ObjectType({
  description:
    "An image of a product (PNG, JPEG or WebP; metadata stripped) with WebP thumbnails. Its URLs never change: a new upload is a new image. Seen by whoever can see the product: the storefront's once it is published, its vendor's and admins' while it is moderated.",
})
// Exactly as shareable as the product holding it.
@InheritsCacheHint()
export class ProductMedia {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  @Field(() => ProductMediaKind, { description: 'Cover, screenshot or video poster.' })
  kind: ProductMediaKind;

  @Field(() => String, {
    nullable: true,
    description: 'Text for people who cannot see the image, up to 300 characters; null when the vendor wrote none.',
  })
  alt: string | null;

  @Field(() => Int, { description: 'Width of the original image in pixels (upright).' })
  width: number;

  @Field(() => Int, { description: 'Height of the original image in pixels (upright).' })
  height: number;

  @Field(() => Int, {
    description: "Place in the product's gallery, 1 for the first; `moveProductMedia` changes it.",
  })
  position: number;

  @Field({ description: 'When the image was uploaded.' })
  createdAt: Date;

  productId: string;
  /** `original.png` and friends: the original's file beside the variants. */
  originalFile: string;
  variants: MediaVariant[];

  static of(fields: ProductMedia): ProductMedia {
    return Object.assign(new ProductMedia(), fields);
  }
}

@ObjectType({ description: "Where and until when to PUT a product's new image: a single-use signed URL." })
export class MediaUpload extends ImageUploadLink {
  @Field({
    description:
      "Send the image's bytes (PNG, JPEG or WebP) as the body of one HTTP PUT to this URL (no other authorization needed). It answers the new image as `{ mediaId, productId, kind, position, width, height, url }`, or a JSON error: 413 (too many bytes), 415 (not PNG, JPEG or WebP, judged from the bytes), 422 (too many pixels), 409 (link used, limits reached), 403 (link expired or invalid).",
  })
  uploadUrl: string;
}

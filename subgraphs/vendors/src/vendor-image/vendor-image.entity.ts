import { InheritsCacheHint, RecordedImage } from '@marketplace/kit';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity } from 'typeorm';

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

/** One uploaded logo or banner (the current one of its kind has no `removedAt`). */
@ObjectType({
  description:
    "A vendor's logo or banner: the original without metadata and WebP thumbnails, at immutable URLs (a new image is a new URL).",
})
@InheritsCacheHint()
@Entity({ name: 'vendor_images' })
export class VendorImage extends RecordedImage {
  @Column({ name: 'vendor_id', type: 'uuid' })
  vendorId: string;

  @Field(() => VendorImageKind, { description: 'The logo or the banner.' })
  @Column({ type: 'text' })
  kind: VendorImageKind;
}

import { Field, ID, InputType, Int } from 'type-graphql';
import { ProductMediaKind } from './product-media.type';

@InputType({ description: 'Which product a new image is for, and what it shows.' })
export class CreateProductMediaUploadInput {
  @Field(() => ID, { description: 'Your product (not archived).' })
  productId: string;

  @Field(() => ProductMediaKind, { description: 'What the image shows; a product has at most one COVER.' })
  kind: ProductMediaKind;
}

@InputType({ description: "Changes to a product image's text." })
export class UpdateProductMediaInput {
  @Field(() => ID, { description: 'An image of your product.' })
  productMediaId: string;

  @Field(() => String, {
    nullable: true,
    description: 'Text for people who cannot see the image, up to 300 characters, one line; null or "" clears it.',
  })
  alt: string | null;
}

@InputType({ description: "Where to move an image in its product's gallery." })
export class MoveProductMediaInput {
  @Field(() => ID, { description: 'An image of your product.' })
  productMediaId: string;

  @Field(() => Int, {
    description:
      'Its new place, 1 for the first, at most the number of images; the images between its old and new place move by one.',
  })
  position: number;
}

@InputType({ description: 'The product image to delete.' })
export class DeleteProductMediaInput {
  @Field(() => ID, { description: 'An image of your product.' })
  productMediaId: string;
}

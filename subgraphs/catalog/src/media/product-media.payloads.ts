import { Field, ID, ObjectType } from 'type-graphql';
import { Product } from '../product/product.entity';
import { MediaUpload, ProductMedia } from './product-media.type';

@ObjectType({ description: 'What createProductMediaUpload made.' })
export class CreateProductMediaUploadPayload {
  @Field(() => MediaUpload, { description: 'Where and until when to PUT the image.' })
  upload: MediaUpload;

  @Field(() => Product, { description: 'The product the image is for (its `media` change once the upload completes).' })
  product: Product;
}

@ObjectType({ description: 'What updateProductMedia changed.' })
export class UpdateProductMediaPayload {
  @Field(() => ProductMedia, { description: 'The image, with its new text.' })
  media: ProductMedia;

  @Field(() => Product, { description: 'The product the image belongs to.' })
  product: Product;
}

@ObjectType({ description: 'What moveProductMedia changed.' })
export class MoveProductMediaPayload {
  @Field(() => ProductMedia, { description: 'The image moved, at its new position.' })
  media: ProductMedia;

  @Field(() => Product, { description: 'The product, whose `media` are in their new order.' })
  product: Product;
}

@ObjectType({ description: 'What deleteProductMedia changed.' })
export class DeleteProductMediaPayload {
  @Field(() => ID, { description: 'The id of the image deleted (its URLs stop working).' })
  deletedProductMediaId: string;

  @Field(() => Product, { description: 'The product, without the image (the others closed up behind it).' })
  product: Product;
}

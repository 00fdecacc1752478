import { Field, ObjectType } from 'type-graphql';
import { Product } from './product.entity';

@ObjectType({ description: 'What createProduct changed.' })
export class CreateProductPayload {
  @Field(() => Product, { description: 'The new DRAFT product.' })
  product: Product;
}

@ObjectType({ description: 'What updateProduct changed.' })
export class UpdateProductPayload {
  @Field(() => Product, { description: 'The product after the change.' })
  product: Product;
}

@ObjectType({ description: 'What submitProductForReview changed.' })
export class SubmitProductForReviewPayload {
  @Field(() => Product, { description: 'The product, now IN_REVIEW.' })
  product: Product;
}

@ObjectType({ description: 'What archiveProduct changed.' })
export class ArchiveProductPayload {
  @Field(() => Product, { description: 'The product, now ARCHIVED.' })
  product: Product;
}

@ObjectType({ description: 'What approveProduct changed.' })
export class ApproveProductPayload {
  @Field(() => Product, { description: 'The product, now PUBLISHED.' })
  product: Product;
}

@ObjectType({ description: 'What rejectProduct changed.' })
export class RejectProductPayload {
  @Field(() => Product, { description: 'The product, now REJECTED, with its rejection reason.' })
  product: Product;
}

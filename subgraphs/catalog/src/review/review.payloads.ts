import { Field, ID, ObjectType } from 'type-graphql';
import { Product } from '../product/product.entity';
import { Review } from './review.type';

@ObjectType({ description: 'What addReview changed.' })
export class AddReviewPayload {
  @Field(() => Review, { description: 'The new review.' })
  review: Review;

  @Field(() => Product, { description: 'The reviewed product, with its new rating and review count.' })
  product: Product;
}

@ObjectType({ description: 'What updateReview changed.' })
export class UpdateReviewPayload {
  @Field(() => Review, { description: 'The review after the change.' })
  review: Review;

  @Field(() => Product, { description: 'The reviewed product, with its new rating.' })
  product: Product;
}

@ObjectType({ description: 'What deleteReview changed.' })
export class DeleteReviewPayload {
  @Field(() => ID, { description: 'The id of the removed review.' })
  deletedReviewId: string;

  @Field(() => Product, { description: 'The product it reviewed, with its new rating and review count.' })
  product: Product;
}

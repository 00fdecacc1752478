import { Connection, EntityCacheHint, EntityDescriptions } from '@marketplace/kit';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

/** One customer's verdict on a product they hold a license for. */
@ObjectType({ description: EntityDescriptions.Review })
@Directive('@key(fields: "id")')
@EntityCacheHint('Review')
export class Review {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  @Field(() => Int, { description: 'Stars, 1 to 5.' })
  rating: number;

  @Field(() => String, {
    nullable: true,
    description: 'What the customer wrote, up to 4,000 characters; null when they only rated.',
  })
  body: string | null;

  @Field({ description: 'When the review was written.' })
  createdAt: Date;

  @Field({ description: 'When the review was last changed (equal to createdAt until then).' })
  updatedAt: Date;

  productId: string;
  /** Who wrote it (`Review.owner`). */
  ownerId: string;
}

export const ReviewConnection = Connection(Review, 'Review');
